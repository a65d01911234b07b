import { isSigchainError } from '../../errors.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { openWorkspace } from './support.js';

// The context file may name nothing (or something gone) while the only operator/account is the default.
function source(current: string | undefined, saved: string | undefined, kind: string): string {
  if (current === undefined) return `none selected (sigchain select ${kind} NAME)`;
  return current === saved ? 'selected (Config File)' : `the only ${kind}`;
}

/** `sigchain env`: where everything lives, why there, and the current context. */
export const envCommand: Command = {
  words: ['env'],
  summary: 'Show where stores, keys and the context live (and why), and the current operator/account',
  usage: 'env [--operator NAME] [--account NAME]',
  description: [
    'Prints every setting that decides where sigchain reads and writes: the environment',
    'variables that matter (set or not), the mode (own home, or nsc\'s folders with --nsc), and',
    'each folder with where it came from (a flag, an env var, or the default). Then the current',
    'operator and account, which commands use when --operator/--account are left out.',
    '',
    'Use it first when a key or account "is missing": most often the command looked in another',
    'folder than you thought.',
    '',
    'As nsc does (`nsc env -o O -a A`), --operator and --account select the current context',
    'before printing; `sigchain select operator|account` does the same.',
  ].join('\n'),
  examples: ['sigchain env', 'sigchain env --operator O2 --account A', 'sigchain env --nsc          # nsc\'s own folders', 'sigchain env --json | jq .paths.keystore_dir'],
  options: {
    operator: { type: 'string', short: 'o', valueName: 'NAME', description: 'Select this operator as the current one first.' },
    account: { type: 'string', short: 'a', valueName: 'NAME', description: 'Select this account as the current one first.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const operator = str(ctx, 'operator');
    const account = str(ctx, 'account');
    if (account !== undefined) {
      await ws.selectAccount(account, operator);
      ctx.printer.ok(`selected account "${account}"${operator !== undefined ? ` of operator "${operator}"` : ''}`);
    } else if (operator !== undefined) {
      await ws.selectOperator(operator);
      ctx.printer.ok(`selected operator "${operator}"`);
    }
    let now: { operator: string | undefined; account: string | undefined } = { operator: undefined, account: undefined };
    let contextProblem: string | undefined;
    let saved: { operator?: string; account?: string } = {};
    try {
      now = await ws.context();
      saved = await ws.savedContext();
    } catch (e) {
      // env must still show where things are when the context (or a store) is damaged: that is when it is needed.
      if (!isSigchainError(e)) throw e;
      contextProblem = `(unreadable: ${e.code})`;
      ctx.printer.warn(e.message);
    }
    const rows = ws.describePaths(ctx.env);
    const p = ws.paths;
    const storeSource = str(ctx, 'store') !== undefined ? '--store' : ctx.env.SIGCHAIN_STORE ? '$SIGCHAIN_STORE' : 'the stores folder (no --store, no $SIGCHAIN_STORE)';
    const table = renderGrid('sigchain Environment', ['Setting', 'Value', 'Source'], [
      ['Store', ws.store.kind === 'nats-kv' ? `JetStream KV ${ws.store.location}` : ws.store.location, storeSource],
      ...rows.map((r) => [r.name, r.value, r.source]),
      ['Current Operator', now.operator ?? contextProblem ?? '', source(now.operator, saved.operator, 'operator')],
      ['Current Account', now.account ?? contextProblem ?? '', source(now.account, saved.account, 'account')],
    ]);
    ctx.printer.result(
      {
        mode: p.mode,
        store: { kind: ws.store.kind, location: ws.store.location },
        paths: {
          home: p.home.path,
          stores_dir: p.storesDir.path,
          keystore_dir: p.keystoreDir.path,
          config_dir: p.configDir.path,
          config_file: p.configFile.path,
        },
        operator: now.operator ?? null,
        account: now.account ?? null,
        settings: rows,
      },
      table,
    );
  },
};
