import type { Command } from '../command.js';
import { stdout } from '../output/stdio.js';
import { openWorkspace } from './support.js';

/** `sigchain watch`: the changes to a NATS KV store, as they land. */
export const watchCommand: Command = {
  words: ['watch'],
  summary: 'Print the changes made to a store shared through NATS (--store nats://…) as they land, until interrupted',
  usage: 'watch [--store nats://HOST:PORT] [--json]',
  description: [
    'Follows the JetStream KV store and prints one line per change: an operator, account or user',
    "token written or deleted, or an account's revoked-jti list changed. With --json, one JSON object",
    'a line: {"op":"put"|"delete","kind","name","operator","account"(users),"public_key","revision"};',
    'public_key is null for a deletion or an entry whose signature does not verify. Runs until',
    'interrupted (Ctrl-C, SIGINT or SIGTERM: exits 0). Needs a KV store; a lost connection exits 1',
    '(STORE_UNREACHABLE).',
  ].join('\n'),
  examples: ['sigchain watch --store nats://127.0.0.1:4222', 'sigchain watch --json | jq .name'],
  options: {},
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const { watchStore } = await import('../../workspace/store-transfer.js');
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const json = ctx.options.json === true;
    try {
      await watchStore(
        ws,
        (c) => {
          // One line per change, written at once: a pipe reader sees each change as it lands.
          const where = c.kind === 'user' ? `${c.operator}/${c.account}/${c.name}` : c.kind === 'operator' ? c.name : `${c.operator}/${c.name}`;
          // The stream: a watcher must not block on a slow reader while changes arrive.
          stdout.stream().write(json ? `${JSON.stringify(c)}\n` : `${c.op === 'put' ? 'put   ' : 'delete'} ${c.kind.padEnd(11)} ${where}${c.public_key ? ` ${c.public_key}` : ''} (revision ${c.revision})\n`);
        },
        stop.signal,
      );
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
