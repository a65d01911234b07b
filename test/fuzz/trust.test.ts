// Fuzz slice over the trust readers (targets in targets.ts, family 'trust').
// Fails on the current code until branch schema is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('trust', 300);
