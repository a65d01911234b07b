// `sigchain describe account SYS` after `sigchain add operator`: the system account's two
// monitoring exports (nsc's) are shown in the table with what nsc's Exports tables show, and
// --json prints them as stored; `add operator --no-sys` still makes no system account.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readAccount } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';
import { refused, rowValues } from './fixtures-b.js';

it('describe account SYS shows both exports: name, type, subject, public, token position, description, info URL', async (t) => {
  const h = home(t);
  await cli(h, ['add', 'operator', 'O']);
  const stored = await readAccount(await wsOf(h).operator('O'), 'SYS');
  const exports = stored.claims.nats.exports ?? [];
  assert.equal(exports.length, 2);

  const table = (await cli(h, ['describe', 'account', 'SYS'], { COLUMNS: '250' })).stdout;
  const url = 'https://docs.nats.io/nats-server/configuration/sys_accounts';
  assert.deepEqual(rowValues(table, 'Exports'), ['2']);
  // nsc's Exports table (Name, Type, Subject, Public, Revocations, Tracking), then its descriptions.
  const cells = (line: string) => line.split('│').slice(1, -1).map((c) => c.trim());
  const lines = table.split('\n');
  const header = lines.findIndex((l) => /│ Name +│ Type +│ Subject +│ Public │ Revocations │ Tracking +│/.test(l));
  assert.ok(header > 0, table);
  assert.deepEqual(cells(lines[header + 3]!), ['account-monitoring-services', 'Service [Stream]', '$SYS.REQ.ACCOUNT.*.* (account token 4)', 'Yes', '0', '-']);
  assert.deepEqual(cells(lines[header + 2]!), ['account-monitoring-streams', 'Stream', '$SYS.ACCOUNT.*.> (account token 3)', 'Yes', '0', 'N/A']);
  const desc = lines.findIndex((l) => /│ Name +│ Description +│ Info Url +│/.test(l));
  assert.ok(desc > header, table);
  assert.deepEqual(cells(lines[desc + 3]!), ['account-monitoring-services', 'Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO', url]);
  assert.deepEqual(cells(lines[desc + 2]!), ['account-monitoring-streams', 'Account specific monitoring stream', url]);

  const described = json((await cli(h, ['describe', 'account', 'SYS', '--json'])).stdout);
  assert.deepEqual(described.nats.exports, exports, '--json prints the stored exports');
  assert.deepEqual(
    described.nats.exports.map((e: Record<string, unknown>) => [e.name, e.type, e.subject, e.response_type, e.account_token_position]),
    [
      ['account-monitoring-streams', 'stream', '$SYS.ACCOUNT.*.>', undefined, 3],
      ['account-monitoring-services', 'service', '$SYS.REQ.ACCOUNT.*.*', 'Stream', 4],
    ],
  );
});

it('add operator --no-sys: no SYS, so describe account SYS is refused', async (t) => {
  const h = home(t);
  await cli(h, ['add', 'operator', 'bare', '--no-sys']);
  assert.deepEqual(await wsOf(h).operator('bare').then((op) => op.listAccounts()), []);
  await refused(h, ['describe', 'account', 'SYS'], 'STORE_NOT_FOUND');
});
