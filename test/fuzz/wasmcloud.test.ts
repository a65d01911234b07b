// Fuzz slice over the wasmCloud readers (targets in wasmcloud-targets.ts, family 'wasmcloud').
// Holds on the current code: a regression guard.
import { fuzzSlice } from './slice.js';

fuzzSlice('wasmcloud', 300);
