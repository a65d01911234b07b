// verifyFiles, the bulk path of validate: every file decoded once by the verifier, clean files
// answered by one shared value, chunks shared by this thread and the workers. Its answers must
// be those of the plain path (each file read as a stored JWT, then verified), file for file,
// inline and threaded, for every kind of damage a store can hold.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeUser } from '../../../src/claims/nats/encode.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { readJwtFileSync } from '../../../src/store/jwt-files.js';
import { verifyChainSync } from '../../../src/trust/verify-chain.js';
import { memoryResolver } from '../../../src/trust/resolver.js';
import { definePolicy } from '../../../src/trust/policy.js';
import { validateStore } from '../../../src/workspace/index.js';
import { type VerifiedFile, startVerifyWorkers, verifyFiles } from '../../../src/workspace/verify/verify-many.js';
import { buildUserStore } from '../../helpers/big-store.js';
import { tempWorkspace } from '../helpers.js';

describe('verifyFiles', () => {
  it('answers as reading each file then verifying it would, inline, over workers and with the pool checking signatures, in order', async (t) => {
    const { home } = tempWorkspace(t);
    const s = await buildUserStore(home, 700);
    const op = await s.ws.directoryOperator('O');
    const paths = s.users.map((u) => op.userJwtPath('A', u.name));
    const stranger = KeyPair.create('account');
    const expired = (i: number): string => {
      const c = newUserClaims(`x${i}`, KeyPair.create('user').publicKey);
      c.exp = 1577836800;
      return encodeUser(c, stranger);
    };
    // Damage spread over the list, so that it lands in the chunks of every thread.
    for (let i = 3; i < paths.length; i += 37) {
      const p = paths[i]!;
      switch ((i / 37) | 0) {
        case 0:
        case 5:
          writeFileSync(p, 'not a jwt');
          break;
        case 1:
          writeFileSync(p, expired(i)); // expired and signed by a key no account lists
          break;
        case 2:
          rmSync(p);
          mkdirSync(p); // a folder where a file should be
          break;
        case 3:
          rmSync(p); // gone since it was listed
          break;
        case 4: {
          const [h, b] = s.users[i]!.token.split('.');
          writeFileSync(p, `${h}.${b}.${Buffer.alloc(64).toString('base64url')}`); // a forged signature
          break;
        }
        case 6:
          writeFileSync(p, `  \n${s.users[i]!.token}\n\n`); // whitespace around a good token
          break;
        case 7:
          writeFileSync(p, s.users[i]!.token.replace(/\.[^.]*$/, '')); // two parts
          break;
        default:
          writeFileSync(p, `${s.users[i]!.token}é`); // a byte that is not ASCII
      }
    }
    const chain = [await op.readOperatorJwt(), await op.readAccountJwt('A')];
    const policy = { trustedOperators: [chain[0]!], now: Date.now() / 1000 };
    const resolver = memoryResolver(chain);
    const defined = definePolicy(policy);
    const expected: VerifiedFile[] = paths.map((p) => {
      const r = readJwtFileSync(p);
      if (r === undefined) return { missing: true, errors: [], warnings: [] };
      if ('error' in r) return { readError: { code: r.error.code, message: r.error.message }, errors: [], warnings: [] };
      const v = verifyChainSync(r.token, { resolver, policy: defined });
      return { errors: v.errors, warnings: v.warnings };
    });
    assert.ok(expected.filter((f) => f.readError).length >= 5);
    assert.ok(expected.filter((f) => f.errors.length).length >= 2);
    assert.ok(expected.filter((f) => f.missing).length >= 1);
    for (const workers of [0, 1, 2]) {
      const got = await verifyFiles(paths, chain, policy, { workers });
      assert.deepEqual(got, expected, `with ${workers} workers`);
    }
    // This thread alone with the signatures checked on libuv's pool (validate's way on a few cores).
    assert.deepEqual(await verifyFiles(paths, chain, policy, { ahead: true }), expected, 'signatures checked ahead on the pool');
    // Threads started ahead (as validate starts them before it reads the chain): the same answers.
    assert.deepEqual(await verifyFiles(paths, chain, policy, { started: startVerifyWorkers(2) }), expected);
    await startVerifyWorkers(1).close(); // started, never used: stopped all the same
    const one = await validateStore(s.ws, { allAccounts: true, workers: 1 });
    const three = await validateStore(s.ws, { allAccounts: true, workers: 3 });
    assert.deepEqual(three, one);
    assert.deepEqual(await validateStore(s.ws, { allAccounts: true }), one, 'the default threads');
    assert.ok(one.problems.length >= 8);
  });

  it('a policy this thread refuses is thrown as its coded error, the started threads stopped quietly', async () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `/nonexistent/${i}.jwt`);
    await assert.rejects(verifyFiles(paths, [], { trustedOperators: ['not a key'] }, { workers: 1 }), (e: { code?: string }) => typeof e.code === 'string');
    // A worker's exit after the throw must not surface as an unhandled rejection (it did: the process died).
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    await assert.rejects(verifyFiles(paths, [], { trustedOperators: ['not a key'] }, { started: startVerifyWorkers(1) }));
    await new Promise((r) => setTimeout(r, 200));
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, []);
  });
});
