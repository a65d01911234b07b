// Fuzz slice over the nkeys readers (targets in targets.ts, family 'nkeys').
import { fuzzSlice } from './slice.js';

fuzzSlice('nkeys', 300);
