import { readBinaryFile } from '../../input/index.js';
import { SigchainError } from '../../errors.js';
import { type Command, flag } from '../command.js';
import { renderGrid } from '../output/table.js';

const USAGE = 'wasm inspect FILE [--allow-legacy-hash] [--json]';

function iso(t: number | undefined): string {
  return t === undefined ? '' : new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** `sigchain wasm inspect`: the claims a signed module carries, and whether they hold for it. */
export const wasmInspectCommand: Command = {
  words: ['wasm', 'inspect'],
  summary: 'Show the wasmCloud claims a signed WebAssembly module carries, and whether its signature, hash and time are valid',
  usage: USAGE,
  description: [
    'Reads the wasmCloud token (a wascap actor JWT in the wasmcloud_jwt or older jwt custom',
    'section) of a WebAssembly module or component and checks it on its own: the signature, that',
    'it is an actor token signed by an account key (WRONG_KEY_ROLE, SELF_ISSUED), exp and nbf',
    '(TOKEN_EXPIRED, TOKEN_NOT_YET_VALID), and that the module is the one signed: its revision-3',
    'hash must be the hash the token records (HASH_MISMATCH). Tokens before wascap revision 3 are',
    'held to that too, unless --allow-legacy-hash skips their hash as the real hosts did. Who',
    'signed it is not judged here: `sigchain verify MODULE.wasm --chain … --trust …` does that.',
    '',
    'Exit status 0 when valid, 1 when not (NOT_SIGNED, MALFORMED_WASM, MALFORMED_TOKEN,',
    'BAD_SIGNATURE, …; IO_ERROR for an unreadable file), 2 for a bad command line. With --json:',
    '{"valid":true,"kind","section","hash","claims":{…}} or {"valid":false,"error":{"code","message","details"}}.',
  ].join('\n'),
  examples: ['sigchain wasm inspect echo_s.wasm', 'sigchain wasm inspect old_actor.wasm --allow-legacy-hash --json'],
  options: {
    'allow-legacy-hash': { type: 'boolean', description: 'Skip the hash of tokens before wascap revision 3, as the real hosts did.' },
  },
  args: { min: 1, max: 1 },
  jsonRefusal: { valid: false },
  async run(ctx) {
    const path = ctx.positionals[0]!;
    if (path === '-') throw new SigchainError('USAGE', `Give the module as a file; standard input is not read.\nUsage: sigchain ${USAGE}`);
    const bytes = await readBinaryFile(path);
    const { inspectModule } = await import('../../trust/wascap/module.js');
    const m = inspectModule(bytes, { allowLegacyHash: flag(ctx, 'allow-legacy-hash') });
    const c = m.claims;
    const w = c.wascap;
    const rows: string[][] = [
      ['Module', c.sub],
      ['Account (issuer)', c.iss],
      ...(w.name !== undefined ? [['Name', w.name]] : []),
      ['Kind', m.kind],
      ['Section', m.section],
      ['Hash', w.hash],
      ['Revision', c.wascap_revision === undefined ? '(none)' : String(c.wascap_revision)],
      ...(w.ver !== undefined ? [['Version', w.ver]] : []),
      ...(w.rev !== undefined ? [['Rev', String(w.rev)]] : []),
      ...(w.call_alias !== undefined ? [['Call alias', w.call_alias]] : []),
      ...(w.tags?.length ? [['Tags', w.tags.join(', ')]] : []),
      ...(w.caps?.length ? [['Capabilities', w.caps.join(', ')]] : []),
      ['Issued', iso(c.iat)],
      ['Expires', c.exp === undefined ? 'never' : iso(c.exp)],
      ...(c.nbf !== undefined ? [['Not before', iso(c.nbf)]] : []),
      ['ID', c.jti],
    ];
    const hashNote = m.hashCheck.checked === 'skipped' ? `hash not checked (revision below 3, --allow-legacy-hash${m.hashCheck.legacyHashMatches ? '; its pre-revision-3 hash matches' : ''})` : 'hash matches';
    ctx.printer.result(
      { valid: true, kind: m.kind, section: m.section, hash: m.hash, hash_check: m.hashCheck.checked, claims: c },
      `${renderGrid('Signed WebAssembly', ['Field', 'Value'], rows)}\n\nVALID: signature genuine, ${hashNote}, in time.`,
    );
  },
};
