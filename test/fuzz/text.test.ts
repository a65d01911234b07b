// Fuzz slice over the text readers (targets in targets.ts, family 'text').
// Fails on the current code until branch reader is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('text', 300);
