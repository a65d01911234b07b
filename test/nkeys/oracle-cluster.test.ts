// Random cluster keys: @nats-io/nkeys and sigchain agree on seeds, public keys and signatures (oracle.ts).
import { it } from 'node:test';
import { ORACLE_KEYS, ORACLE_SIGS, crossCheckSigningRole } from './oracle.js';

it(`${ORACLE_KEYS} random cluster keys match @nats-io/nkeys; ${ORACLE_SIGS} of them cross-sign and cross-verify`, () => crossCheckSigningRole('cluster'));
