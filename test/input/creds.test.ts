// A creds file read as a user credential: Go, CRLF and jwt.js files; one user JWT whose subject
// is the seed's public key; every refusal coded and free of seed text; linear on hostile text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import { fromSeed } from '@nats-io/nkeys';
import { encodeAccount, encodeUser, formatCreds, newAccountClaims, newUserClaims } from '../../src/claims/nats/index.js';
import { SigchainError } from '../../src/errors.js';
import { parseCreds } from '../../src/input/index.js';
import { GO_USER_TOKEN, PUB, SEEDS, key } from '../claims/nats/fixtures.js';

/** A refusal with `c`, whose message and details name no seed. */
function code(c: string) {
  return (e: unknown) => {
    if (!(e instanceof SigchainError) || e.code !== c) return false;
    const text = `${e.message} ${JSON.stringify(e.details ?? {})}`;
    return !Object.values(SEEDS).some((s) => text.includes(s.slice(2, 20)));
  };
}

const CREDS = formatCreds(GO_USER_TOKEN, SEEDS.U7);

function block(kind: string, body: string): string {
  return `-----BEGIN ${kind}-----\n${body}\n------END ${kind}------\n`;
}

describe('parseCreds', () => {
  it('round-trips formatCreds output, CRLF files and jwt.js fmtCreds files', () => {
    assert.deepEqual(parseCreds(CREDS), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
    assert.deepEqual(parseCreds(CREDS.replace(/\n/g, '\r\n')), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
    const jwt = encodeUser(newUserClaims('u', PUB.U8), key('A4'));
    const text = new TextDecoder().decode(jwtjs.fmtCreds(jwt, fromSeed(new TextEncoder().encode(SEEDS.U8))));
    assert.deepEqual(parseCreds(text), { jwt, seed: SEEDS.U8 });
  });

  it('accepts a bare seed line after the JWT block (as Go ParseDecoratedNKey does)', () => {
    const text = `${block('NATS USER JWT', GO_USER_TOKEN)}\n${SEEDS.U7}\n`;
    assert.deepEqual(parseCreds(text), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
  });

  it('refuses garbage, a missing seed and a non-user or broken seed (MALFORMED_CREDS)', () => {
    assert.throws(() => parseCreds('hello world'), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(''), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(block('NATS USER JWT', GO_USER_TOKEN)), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(CREDS.replace(SEEDS.U7, SEEDS.A5)), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(CREDS.replace(SEEDS.U7, SEEDS.U7.slice(0, -2))), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(42 as never), code('MALFORMED_CREDS'));
    // An END line missing: the seed block never closes.
    assert.throws(() => parseCreds(CREDS.replace('------END USER NKEY SEED------', '')), code('MALFORMED_CREDS'));
  });

  it('judges the JWT line whole: not a token is MALFORMED_TOKEN, never a substring', () => {
    // Before, a 4th segment or padding was read as the valid h.p.s inside it.
    for (const bad of ['notajwt', `${GO_USER_TOKEN}.extra`, `${GO_USER_TOKEN}==`, `${GO_USER_TOKEN.slice(0, 40)}+${GO_USER_TOKEN.slice(41)}`, `${GO_USER_TOKEN.slice(0, 40)}/${GO_USER_TOKEN.slice(41)}`, `${GO_USER_TOKEN} trailing`]) {
      assert.throws(() => parseCreds(CREDS.replace(GO_USER_TOKEN, bad)), code('MALFORMED_TOKEN'), bad.slice(-12));
    }
  });

  it('refuses a creds file whose JWT is an account or operator JWT (WRONG_CLAIM_TYPE, as nats-server: "not user claim")', () => {
    const account = encodeAccount(newAccountClaims('A', PUB.A4), key('O1'));
    // formatCreds refuses to write it; a hand-made file holds it anyway.
    const text = CREDS.replace(GO_USER_TOKEN, account);
    assert.throws(
      () => parseCreds(text, 'evil.creds'),
      (e: unknown) => code('WRONG_CLAIM_TYPE')(e) && (e as SigchainError).message.includes('evil.creds') && (e as SigchainError).details!.got === 'account',
    );
  });

  it("refuses a seed that is another user's (CREDS_KEY_MISMATCH), naming both public keys and no seed", () => {
    const text = CREDS.replace(SEEDS.U7, SEEDS.U8);
    assert.throws(() => parseCreds(text), (e: unknown) => code('CREDS_KEY_MISMATCH')(e) && (e as SigchainError).message.includes(PUB.U8) && (e as SigchainError).message.includes(PUB.U7));
  });

  it('refuses two JWT blocks, two seed blocks, and a seed block before the JWT (MALFORMED_CREDS)', () => {
    const other = encodeUser(newUserClaims('u8', PUB.U8), key('A4'));
    const two = `${block('NATS USER JWT', GO_USER_TOKEN)}\n${block('NATS USER JWT', other)}\n${block('USER NKEY SEED', SEEDS.U7)}`;
    assert.throws(() => parseCreds(two), code('MALFORMED_CREDS'));
    const twoSeeds = `${block('NATS USER JWT', GO_USER_TOKEN)}\n${block('USER NKEY SEED', SEEDS.U7)}\n${block('USER NKEY SEED', SEEDS.U8)}`;
    assert.throws(() => parseCreds(twoSeeds), code('MALFORMED_CREDS'));
    const swapped = `${block('USER NKEY SEED', SEEDS.U7)}\n${block('NATS USER JWT', GO_USER_TOKEN)}`;
    assert.throws(() => parseCreds(swapped), code('MALFORMED_CREDS'));
  });

  it('reads hostile text in linear time (runs of dashes, spaces, tabs and newlines)', () => {
    const inputs = [
      '-'.repeat(600),
      '-'.repeat(100_000),
      `${' '.repeat(100_000)}---x`,
      '\t'.repeat(1_000_000),
      '\n'.repeat(1_000_000),
      `---${'-\n'.repeat(200_000)}`,
      `-----BEGIN X-----\n${'a'.repeat(900_000)}`,
      `${CREDS}${'\r\n'.repeat(100_000)}x`,
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      try {
        parseCreds(text);
      } catch (e) {
        assert.ok(e instanceof SigchainError, String(e));
      }
      // Generous: the old regular expression took over 5 s on each of these.
      assert.ok(performance.now() - t0 < 2000, `${JSON.stringify(text.slice(0, 10))}… took ${performance.now() - t0} ms`);
    }
  });
});
