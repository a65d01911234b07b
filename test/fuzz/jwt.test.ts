// Fuzz slice over the jwt readers (targets in targets.ts, family 'jwt').
// Holds on the current code: a regression guard.
import { fuzzSlice } from './slice.js';

fuzzSlice('jwt', 300);
