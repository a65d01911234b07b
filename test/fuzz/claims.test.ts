// Fuzz slice over the claims readers (targets in targets.ts, family 'claims').
// Fails on the current code until branch schema is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('claims', 350);
