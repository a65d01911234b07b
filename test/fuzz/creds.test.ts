// Fuzz slice over the creds readers (targets in targets.ts, family 'creds').
// Fails on the current code until branch reader is merged (see /work/wt/notes/fuzz-findings.md).
import { fuzzSlice } from './slice.js';

fuzzSlice('creds', 250);
