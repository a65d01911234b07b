import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SigchainError } from '../../errors.js';
import { decodeAccount } from '../../claims/nats/decode.js';
import { memoryResolverConfig } from '../../nats/server-config.js';
import { writeOutputFile } from '../../workspace/output-file.js';
import { readOperator } from '../../workspace/read.js';
import { type Command, str } from '../command.js';
import { natsOnly, openWorkspace, snake } from './support.js';

/**
 * Checks a --listen value before it is written into a configuration: `PORT`, `HOST:PORT` or
 * `[IPv6]:PORT`, port 1–65535, host letters, digits, `.`, `-`, `_` (or an IPv6 address in
 * brackets). Anything else (a newline, a brace, a quote) could end the value and write
 * configuration of its own, or leave a server that does not start: `USAGE`.
 *
 * @example
 * ```ts
 * checkListen('127.0.0.1:4222'); // '127.0.0.1:4222'
 * ```
 */
function checkListen(value: string): string {
  const v = value.trim();
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):)?(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535 || (m[1] !== undefined && /^[.-]|[.-]$/.test(m[1]))) {
    throw new SigchainError('USAGE', `--listen ${JSON.stringify(value.slice(0, 80))} is not a listen address. Give PORT, HOST:PORT or [IPv6]:PORT with a port from 1 to 65535, e.g. 127.0.0.1:4222.`);
  }
  return v;
}

/**
 * Refuses an -o path whose folder does not exist (`IO_ERROR`): a mistyped folder is a mistake
 * to report, not a tree to create beside the intended one.
 */
function checkOutputFolder(path: string): void {
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* missing: refused below */
  }
  if (!isDir) throw new SigchainError('IO_ERROR', `The folder ${dir} does not exist (or is not a folder), so ${path} was not written. sigchain does not create folders for -o: create it first, or check the path.`, { path: dir });
}

/** `sigchain nats server-config`: a nats-server configuration for operator mode, memory resolver. */
export const natsServerConfigCommand: Command = {
  words: ['nats', 'server-config'],
  summary: 'Write a nats-server config for operator mode: the operator JWT with every account preloaded',
  usage: 'nats server-config [-o FILE] [--operator NAME] [--listen HOST:PORT]',
  description: [
    'Prints (or writes with -o) a nats-server configuration in operator mode: the server trusts',
    'the operator JWT, authenticates users by their JWTs signed through the chain, and knows',
    'the accounts from a MEMORY resolver with every account of the operator preloaded',
    '(like `nsc generate config --mem-resolver`). Start a server with `nats-server -c FILE`.',
    '',
    'After editing or adding accounts, regenerate the file and send the server SIGHUP',
    '(`nats-server --signal reload`): accounts reload. After editing the operator (signing',
    'keys, strict signing-key usage, system account) the server must be RESTARTED: nats-server',
    'cannot reload an operator JWT. The file holds only public tokens, no seeds.',
  ].join('\n'),
  examples: ['sigchain nats server-config -o server.conf && nats-server -c server.conf', 'sigchain nats server-config --operator O2 --listen 127.0.0.1:4222'],
  options: {
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the configuration to FILE (atomically) instead of stdout.' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
    listen: { type: 'string', valueName: 'HOST:PORT', description: 'Add a listen address, e.g. 127.0.0.1:4222.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    // The command line first: nothing is read or written for a bad one.
    const listenFlag = str(ctx, 'listen');
    const listen = listenFlag === undefined ? undefined : checkListen(listenFlag);
    const out = str(ctx, 'output');
    if (out !== undefined) checkOutputFolder(resolve(out));
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    // Verified reads: a tampered token must not end up trusted by a server.
    const operator = await natsOnly(
      (o) =>
        `A nats-server configuration holds NATS operator and account JWTs; wasmCloud tokens have none to give. Name a NATS operator with --operator NAME (\`sigchain list operators\` marks the wascap ones), or check wascap modules with \`sigchain verify MODULE.wasm\` (it trusts ${o} when it is in the store).`,
      () => readOperator(op),
    );
    const accounts: Array<{ name: string; publicKey: string; token: string }> = [];
    for (const name of await op.listAccounts()) {
      const token = await op.readAccountJwt(name);
      const claims = decodeAccount(token);
      accounts.push({ name, publicKey: claims.sub, token });
      const iss = claims.iss!;
      const strict = operator.claims.nats.strict_signing_key_usage === true;
      const trusted = (operator.claims.nats.signing_keys ?? []).includes(iss) || (iss === operator.claims.sub && !strict);
      if (!trusted) {
        ctx.printer.warn(`Account "${name}" is signed by ${iss}, which operator "${op.name}" does not trust${iss === operator.claims.sub ? ' (it requires signing keys)' : ''}: servers will refuse it. Re-sign it: \`sigchain edit account ${name} -K <operator signing key>\`.`);
      }
    }
    const config = memoryResolverConfig({ operatorJwt: operator.token, accountJwts: accounts.map((a) => a.token), ...(listen ? { listen } : {}) });
    const data = { operator: op.name, systemAccount: operator.claims.nats.system_account, accounts: accounts.map(({ name, publicKey }) => ({ name, publicKey })) };
    if (out === undefined) {
      if (ctx.printer.json) ctx.printer.result(snake({ ...data, config }));
      else ctx.printer.raw(config);
      return;
    }
    const path = resolve(out);
    // A configuration is regenerated after every account change: replacing it is the point.
    await writeOutputFile(path, config, { secret: false, force: true });
    ctx.printer.ok(`wrote nats-server configuration for operator "${op.name}" with ${accounts.length} account(s) to ${path}`);
    ctx.printer.info(`Start: nats-server -c ${path}. After account changes regenerate and reload (SIGHUP); after operator changes restart the server.`);
    ctx.printer.result(snake({ ...data, path }));
  },
};
