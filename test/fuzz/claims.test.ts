// Fuzz slice over the claims readers (targets in targets.ts, family 'claims').
import { fuzzSlice } from './slice.js';

fuzzSlice('claims', 350);
