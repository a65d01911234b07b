// Fuzz slice over the validate readers (targets in targets.ts, family 'validate').
// Fails on the current code until branch schema is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('validate', 300);
