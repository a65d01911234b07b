import { SigchainError } from '../../errors.js';
import { type Command, flag, str } from '../command.js';
import { natsServerConfigCommand } from './nats-server-config.js';

/**
 * `sigchain generate config`: nsc's spelling of `nats server-config`. It runs that command
 * itself, with the same options object: `--mem-resolver` is its default (a memory resolver),
 * `--nats-resolver` sets its `resolver` option to `full` (nats-server's own resolver, which
 * accepts pushed accounts). Nothing of the configuration is decided here.
 */
export const generateConfigCommand: Command = {
  words: ['generate', 'config'],
  summary: 'nsc\'s name for `nats server-config`: a nats-server config with a memory (--mem-resolver) or full (--nats-resolver) resolver',
  usage: 'generate config (--mem-resolver | --nats-resolver) [--config-file FILE] [--operator NAME] [--listen HOST:PORT]',
  description: [
    'The same configuration as `sigchain nats server-config`, under the name and flags nsc uses',
    '(`nsc generate config --mem-resolver`), so scripts written for nsc keep working:',
    '--mem-resolver: every account preloaded in the file (nats server-config\'s default);',
    '--nats-resolver: nats-server\'s full resolver (nats server-config --resolver full).',
    '--config-file writes the file (atomically) instead of printing it.',
  ].join('\n'),
  examples: ['sigchain generate config --mem-resolver --config-file server.conf', 'sigchain generate config --nats-resolver --config-file server.conf', 'sigchain generate config --mem-resolver --operator O2 --json'],
  options: {
    'mem-resolver': { type: 'boolean', description: 'Preload every account in the configuration (a MEMORY resolver).' },
    'nats-resolver': { type: 'boolean', description: "nats-server's full resolver: accounts kept in its own folder and updated by pushes." },
    'config-file': { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the configuration to FILE instead of stdout (as nats server-config -o).' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
    listen: { type: 'string', valueName: 'HOST:PORT', description: 'Add a listen address, e.g. 127.0.0.1:4222.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const mem = flag(ctx, 'mem-resolver');
    const full = flag(ctx, 'nats-resolver');
    if (mem === full) throw new SigchainError('USAGE', mem ? '--mem-resolver and --nats-resolver choose two different resolvers; give one.' : 'Choose a resolver: --mem-resolver (accounts preloaded in the file) or --nats-resolver (nats-server\'s full resolver).');
    const options: Record<string, string | boolean | string[] | undefined> = { ...ctx.options };
    delete options['mem-resolver'];
    delete options['nats-resolver'];
    delete options['config-file'];
    const file = str(ctx, 'config-file');
    if (file !== undefined) options.output = file;
    if (full) {
      // nats server-config's `--resolver full`. Until that option is in this build, refuse
      // rather than hand out a memory-resolver configuration under the other name.
      if (!('resolver' in natsServerConfigCommand.options)) throw new SigchainError('USAGE', '--nats-resolver needs `nats server-config --resolver full`, which this build does not have yet. Use --mem-resolver.');
      options.resolver = 'full';
    }
    await natsServerConfigCommand.run({ ...ctx, command: 'nats server-config', options });
  },
};
