// Fuzz slice over the creds readers (targets in targets.ts, family 'creds').
import { fuzzSlice } from './slice.js';

fuzzSlice('creds', 250);
