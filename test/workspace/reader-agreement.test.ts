// One file, one verdict: a user's JWT file with bytes around its token is judged the same by
// every reader (the listing, describe's one-file read, validate, verify of files and of the
// token's text). ASCII whitespace around a token is an editor's newline and is accepted; any
// other byte (a lone 0xA0, a UTF-8 no-break space, a byte-order mark, a line separator) makes
// the file not a token for all of them. Before, `list users` read latin1 and String#trim'd a
// lone 0xA0 away while `describe user` (UTF-8) refused it, and the other way round for U+00A0.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { decodeJwt } from '../../src/jwt/decode.js';
import { tokenFromText } from '../../src/input/token-text.js';
import { readJwtDir, readJwtDirSync, readJwtFile, readJwtFileSync } from '../../src/store/jwt-files.js';
import { addUsers, readStoreTrust, readUser, storedUsers, validateStore, verifyInputs } from '../../src/workspace/index.js';
import { operatorWithAccount, tempWorkspace } from './helpers.js';

const AROUND: Array<[name: string, before: Buffer, after: Buffer, accepted: boolean]> = [
  ['newline', Buffer.alloc(0), Buffer.from('\n'), true],
  ['crlf', Buffer.alloc(0), Buffer.from('\r\n'), true],
  ['spaces', Buffer.from(' \t'), Buffer.from(' \n\n'), true],
  ['lone-a0', Buffer.alloc(0), Buffer.from([0xa0]), false],
  ['utf8-nbsp', Buffer.alloc(0), Buffer.from('\u00a0', 'utf8'), false],
  ['bom', Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(0), false],
  ['line-separator', Buffer.alloc(0), Buffer.from('\u2028', 'utf8'), false],
  ['nel', Buffer.alloc(0), Buffer.from([0xc2, 0x85]), false],
];

const refused = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

it('every reader gives a JWT file with bytes around its token the same verdict', async (t) => {
  const { ws } = tempWorkspace(t);
  await operatorWithAccount(ws);
  await addUsers(ws, AROUND.map(([name]) => name), { account: 'A' });
  const op = await ws.directoryOperator();
  const path = (name: string) => op.userJwtPath('A', name);
  for (const [name, before, after] of AROUND) writeFileSync(path(name), Buffer.concat([before, readFileSync(path(name)), after]));

  const listed = new Map((await storedUsers(op, 'A')).map((u) => [u.name, u.error?.code ?? 'ok']));
  const listedAsync = new Map((await readJwtDir(op.usersDir('A'))).map((u) => [u.name, u.error?.code ?? 'ok']));
  const listedSync = new Map(readJwtDirSync(op.usersDir('A')).map((u) => [u.name, u.error?.code ?? 'ok']));
  const invalid = new Set((await validateStore(ws)).problems.map((p) => p.entity));
  const trust = await readStoreTrust(ws);
  const verdicts = await verifyInputs(AROUND.map(([name]) => path(name)), { chain: trust.tokens, policy: { trustedOperators: trust.operators, revokedJtis: trust.revokedJtis } });
  for (const [i, [name, , , accepted]] of AROUND.entries()) {
    const want = accepted ? 'ok' : 'STORE_CORRUPT';
    const text = readFileSync(path(name)).toString('utf8');
    const described = await readUser(op, 'A', name).then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    const oneFile = await readJwtFile(path(name)).then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    const sync = readJwtFileSync(path(name));
    assert.deepEqual(
      {
        listed: listed.get(name),
        listedAsync: listedAsync.get(name),
        listedSync: listedSync.get(name),
        described,
        oneFile,
        sync: sync && 'error' in sync ? sync.error.code : 'ok',
        validate: invalid.has(`user A/${name}`) ? 'STORE_CORRUPT' : 'ok',
        verify: verdicts[i]!.valid ? 'ok' : 'STORE_CORRUPT',
        text: refused(() => tokenFromText(text)) ? 'STORE_CORRUPT' : 'ok',
        decode: refused(() => decodeJwt(text)) ? 'STORE_CORRUPT' : 'ok',
      },
      { listed: want, listedAsync: want, listedSync: want, described: want, oneFile: want, sync: want, validate: want, verify: want, text: want, decode: want },
      name,
    );
    if (!accepted) assert.equal(verdicts[i]!.errors[0]?.code, 'MALFORMED_TOKEN', `${name}: verify names why`);
  }
});
