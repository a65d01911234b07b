import { resolve } from 'node:path';
import { decodeAccount } from '../../claims/nats/decode.js';
import { memoryResolverConfig } from '../../nats/server-config.js';
import { writeOutputFile } from '../../workspace/output-file.js';
import { readOperator } from '../../workspace/read.js';
import { type Command, str } from '../command.js';
import { natsOnly, openWorkspace, snake } from './support.js';

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
    const listen = str(ctx, 'listen');
    const config = memoryResolverConfig({ operatorJwt: operator.token, accountJwts: accounts.map((a) => a.token), ...(listen ? { listen } : {}) });
    const data = { operator: op.name, systemAccount: operator.claims.nats.system_account, accounts: accounts.map(({ name, publicKey }) => ({ name, publicKey })) };
    const out = str(ctx, 'output');
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
