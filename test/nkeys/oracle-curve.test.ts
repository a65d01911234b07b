// 1,000 random curve (X25519) keys: @nats-io/nkeys and sigchain derive the same public key.
import { it } from 'node:test';
import { ORACLE_KEYS, crossCheckCurve } from './oracle.js';

it(`${ORACLE_KEYS} random curve keys match @nats-io/nkeys; neither signs`, () => crossCheckCurve());
