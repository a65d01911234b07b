// Properties of the one reader over texts stitched from the fragments attacks use (armor lines,
// runs of dashes and blanks, tokens with extra parts or padding, seeds): every call ends in a
// result or a coded SigchainError, a token returned is always a whole line or the whole text,
// never a substring, and nothing is slow. A bounded number of runs; the fuzz suite runs more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatCreds } from '../../src/claims/nats/index.js';
import { SigchainError } from '../../src/errors.js';
import { isTokenShaped, jwtsInText, parseCreds, tokenFromText } from '../../src/input/index.js';
import { makeAccount, makeOperator, makeUser } from '../trust/helpers.js';

const op = makeOperator();
const acct = makeAccount(op);
const user = makeUser(acct);

const fragment = fc.oneof(
  fc.constantFrom(
    '-----BEGIN NATS USER JWT-----',
    '------END NATS USER JWT------',
    '-----BEGIN USER NKEY SEED-----',
    '------END USER NKEY SEED------',
    '---',
    '\n',
    '\r\n',
    ' ',
    '\t',
    '.',
    '=',
    '==',
    '+',
    '/',
    'eyJ',
    ':',
    'operator: ',
    '#',
    '"',
    user.jwt,
    acct.jwt,
    op.jwt,
    user.key.seed,
    `${user.jwt}.extra`,
    `${user.jwt}==`,
    formatCreds(user.jwt, user.key.seed),
  ),
  fc.string({ maxLength: 8 }),
  fc.tuple(fc.constantFrom('-', ' ', '\t', '\n', 'eyJ', '.', 'A'), fc.integer({ min: 1, max: 3000 })).map(([c, n]) => c.repeat(n)),
);
const text = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));

/** True when `token` is the whole trimmed text or one whole trimmed line of it. */
function whole(t: string, token: string): boolean {
  return t.trim() === token || t.split('\n').some((l) => l.trim() === token);
}

function outcome<T>(f: () => T): T | undefined {
  const t0 = performance.now();
  try {
    return f();
  } catch (e) {
    assert.ok(e instanceof SigchainError, `not a SigchainError: ${String(e)}`);
    assert.ok(!e.message.includes(user.key.seed.slice(2, 20)), 'a message holds seed text');
    return undefined;
  } finally {
    assert.ok(performance.now() - t0 < 2000, 'slow call');
  }
}

describe('the reader, property-checked', () => {
  it('tokenFromText returns a whole strict token or a coded error', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = outcome(() => tokenFromText(t));
        if (r !== undefined) assert.ok(isTokenShaped(r) && whole(t, r), JSON.stringify(r.slice(0, 40)));
      }),
      { numRuns: 400, seed: 8 },
    );
  });

  it('jwtsInText returns whole strict tokens or a coded error', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = outcome(() => jwtsInText(t));
        for (const tok of r ?? []) assert.ok(isTokenShaped(tok) && t.includes(tok), JSON.stringify(tok.slice(0, 40)));
      }),
      { numRuns: 400, seed: 9 },
    );
  });

  it('parseCreds returns only a user JWT with its own seed, or a coded error', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = outcome(() => parseCreds(t));
        if (r) assert.deepEqual(r, { jwt: user.jwt, seed: user.key.seed });
      }),
      { numRuns: 400, seed: 10 },
    );
  });
});
