// Fuzz slice over the validate readers (targets in targets.ts, family 'validate').
import { fuzzSlice } from './slice.js';

fuzzSlice('validate', 300);
