import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { SigchainError } from '../../errors.js';
import { checkOutputFile, writeOutputFile } from '../../workspace/output-file.js';
import { type Command, flag, str } from '../command.js';
import { TIME_OPTIONS, openWorkspace, signerFrom, snake, timeOptions } from './support.js';

const USAGE = 'wasm sign MODULE.wasm -o OUT.wasm -K ISSUER [--subject MODULE_KEY] [--name N] [--tag T]... [--rev N] [--ver V] [--call-alias A] [--expiry WHEN] [--start WHEN] [--force]';

/** Largest module read: far above any real component, small enough to hold in memory twice. */
export const MAX_MODULE_FILE_SIZE = 512 * 1024 * 1024;

/** The module's bytes, bounded; IO_ERROR naming the file when it cannot be read. */
async function readModule(path: string): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (!st.isFile()) throw new SigchainError('IO_ERROR', `${path} is not a regular file. Give the path of a .wasm module or component.`, { path });
    if (st.size > MAX_MODULE_FILE_SIZE) throw new SigchainError('MALFORMED_WASM', `${path} is ${st.size} bytes, over the ${MAX_MODULE_FILE_SIZE}-byte limit for a module. It is not a module sigchain will sign.`, { path, size: st.size });
    // Read at most the limit plus one byte: a file growing while read is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, MAX_MODULE_FILE_SIZE) + 1);
    let at = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, at, buf.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      if (at === buf.length) throw new SigchainError('MALFORMED_WASM', `${path} grew while it was read, past ${at - 1} bytes. Sign a file nothing is writing to.`, { path });
    }
    return buf.subarray(0, at);
  } catch (e) {
    if (e instanceof SigchainError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SigchainError('IO_ERROR', `Cannot read ${path}${code ? ` (${code})` : ''}. Check the path and that you may read it.`, { path, ...(code ? { errno: code } : {}) });
  } finally {
    await fh?.close();
  }
}

function revision(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  // wascap's rev is an i32; a negative revision has no meaning.
  if (!/^\d{1,10}$/.test(v) || Number(v) > 0x7fff_ffff) throw new SigchainError('USAGE', `--rev "${value}" is not a revision: give a whole number from 0 to 2147483647.`);
  return Number(v);
}

/** `sigchain wasm sign`: embed actor (component) claims in a WebAssembly module, as `wash claims sign`. */
export const wasmSignCommand: Command = {
  words: ['wasm', 'sign'],
  summary: 'Sign a WebAssembly module or component for wasmCloud: actor claims in a wasmcloud_jwt section',
  usage: USAGE,
  description: [
    'Signs MODULE.wasm as `wash claims sign` does and writes the result to OUT.wasm: actor',
    '(component) claims with wascap_revision 3 and the revision-3 module hash, signed by ISSUER',
    'and embedded in a wasmcloud_jwt custom section. A token the module already carries (under',
    'wasmcloud_jwt or the older jwt, at any depth) is replaced; the module hash is unchanged by',
    'signing, so it verifies.',
    '',
    "-K names the issuer as for NATS (a seed, a .nk file, or a public key whose seed is held",
    'here): an account key or one of its signing keys (valid_signers); a key of another role is',
    "WRONG_KEY_ROLE. --subject is the module's public key (M…); without it a module key is",
    'generated and stored (usage identity). --name defaults to the file name without .wasm.',
    'A file that is not a well-formed module or component is MALFORMED_WASM and nothing is',
    'written; OUT.wasm is not replaced unless --force.',
  ].join('\n'),
  examples: [
    'sigchain wasm sign echo.wasm -o echo_s.wasm -K ACCOUNT_SIGNING_KEY_PUB --name echo --ver 0.1.0 --rev 1',
    'sigchain wasm sign echo.wasm -o echo_s.wasm -K ~/keys/account.nk --subject MBQ2RC3BARXFWTBFW5UJ6J3QSAVYJ7D64Z5LRCPR3UI44F65Q3OMNGYM --tag prod --tag edge',
    'sigchain wasm sign echo_s.wasm -o echo_s.wasm --force -K team.nk --expiry 90d --json',
  ],
  options: {
    output: { type: 'string', short: 'o', valueName: 'OUT.wasm', description: 'Where to write the signed module (required).' },
    subject: { type: 'string', valueName: 'MODULE_KEY', description: "The module's public key (M…); default: generate and store one." },
    name: { type: 'string', short: 'n', valueName: 'N', description: "The module's name in its token; default the file name without .wasm." },
    tag: { type: 'string', short: 't', multiple: true, valueName: 'T', description: 'A tag (repeatable).' },
    rev: { type: 'string', valueName: 'N', description: 'Revision number.' },
    ver: { type: 'string', valueName: 'V', description: 'Human-readable version, e.g. 0.1.0.' },
    'call-alias': { type: 'string', valueName: 'A', description: 'Call alias (normalised as wascap does: lower case, _ for space, - and .).' },
    force: { type: 'boolean', description: 'Replace OUT.wasm if it exists.' },
    ...TIME_OPTIONS,
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const input = ctx.positionals[0]!;
    const output = str(ctx, 'output');
    if (output === undefined) throw new SigchainError('USAGE', `Say where to write the signed module with -o OUT.wasm.\nUsage: sigchain ${USAGE}`);
    if (str(ctx, 'private-key') === undefined) throw new SigchainError('USAGE', `Give the key that signs with -K: the account key or one of its signing keys.\nUsage: sigchain ${USAGE}`);
    const rev = revision(str(ctx, 'rev'));
    const tagsRaw = ctx.options.tag;
    const tags = (Array.isArray(tagsRaw) ? tagsRaw : typeof tagsRaw === 'string' ? [tagsRaw] : []).map((t) => t.trim()).filter(Boolean);
    const bytes = await readModule(input);
    // Checked before the module is signed (and a module key perhaps generated and stored).
    await checkOutputFile(output, { force: flag(ctx, 'force') });
    const ws = openWorkspace(ctx);
    const issuer = (await signerFrom(ctx, ws))!;
    const { signModule } = await import('../../workspace/wasmcloud/wasm-sign.js');
    const ver = str(ctx, 'ver');
    const callAlias = str(ctx, 'call-alias');
    const subject = str(ctx, 'subject');
    const signed = await signModule(ws, bytes, {
      issuer,
      name: str(ctx, 'name') ?? basename(input, extname(input)),
      ...(subject !== undefined ? { subject } : {}),
      ...(tags.length ? { tags } : {}),
      ...(rev !== undefined ? { rev } : {}),
      ...(ver !== undefined ? { ver } : {}),
      ...(callAlias !== undefined ? { callAlias } : {}),
      ...timeOptions(ctx),
    });
    await writeOutputFile(output, signed.bytes, { secret: false, force: flag(ctx, 'force') });
    const p = ctx.printer;
    if (signed.generatedSubject) p.ok(`generated and stored module key "${signed.generatedSubject.publicKey}"`);
    if (signed.replaced) p.ok(`replaced the token in the ${signed.replaced} section`);
    p.ok(`signed module "${signed.claims.wascap.name}" (hash ${signed.hash}) with ${signed.issuer}, written to ${output}`);
    p.result(snake({ output, hash: signed.hash, issuer: signed.issuer, subject: signed.subject, generatedSubject: signed.generatedSubject, replaced: signed.replaced, claims: signed.claims }));
  },
};
