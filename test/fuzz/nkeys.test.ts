// Fuzz slice over the nkeys readers (targets in targets.ts, family 'nkeys').
// Fails on the current code until branch schema is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('nkeys', 300);
