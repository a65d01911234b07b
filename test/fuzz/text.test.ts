// Fuzz slice over the text readers (targets in targets.ts, family 'text').
import { fuzzSlice } from './slice.js';

fuzzSlice('text', 300);
