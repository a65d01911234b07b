// Fuzz slice over the trust readers (targets in targets.ts, family 'trust').
import { fuzzSlice } from './slice.js';

fuzzSlice('trust', 300);
