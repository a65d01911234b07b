import { checkCoverage } from '../../workspace/signing/coverage.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { openWorkspace, snake } from './support.js';

/** `sigchain check coverage`: which kinds of statement some key at hand may still sign. */
export const checkCoverageCommand: Command = {
  words: ['check', 'coverage'],
  summary: 'Warn when signing-key restrictions leave a kind of statement no key may sign',
  usage: 'check coverage [--operator NAME] [--json]',
  description: [
    'For the operator and each of its accounts, lists every kind of statement their keys sign',
    '(operator: account, signing-keys; account: user, activation) and the keys that may sign it',
    'now: the seed is in the key store, the key holds the issuing usage and is not retired, its',
    'restriction (--restrict-sk) allows the kind, and for the identity key, strict signing-key',
    'usage does not bar it. A signing-keys change re-issues the account, so it needs ONE key',
    'allowed both `account` and `signing-keys`: a key allowed only `account` and another allowed',
    'only `signing-keys` cover neither. A kind no key may sign gets a warning: restricting every key away',
    'from `signing-keys`, say, means no account can ever rotate its signing keys again without',
    're-issuing the operator first. Reads only; exits 0 even with warnings.',
  ].join('\n'),
  examples: ['sigchain check coverage', 'sigchain check coverage --operator O --json'],
  options: {
    operator: { type: 'string', valueName: 'NAME', description: 'The operator to check (default: the current one).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const name = str(ctx, 'operator');
    const r = await checkCoverage(openWorkspace(ctx), name !== undefined ? { operator: name } : {});
    // The warnings ARE this command's findings: with --json they are printed once, in the JSON
    // (still counted for SIGCHAIN_STRICT_WARNINGS), not a second time as [WARN] lines.
    for (const w of r.warnings) {
      if (ctx.printer.json) ctx.printer.warnings.push(w);
      else ctx.printer.warn(w);
    }
    const table = renderGrid(
      `Signing Coverage of operator "${r.operator}"`,
      ['Entity', 'Statement', 'May Sign'],
      r.rows.map((row) => [`${row.entity} ${row.name}`, row.kind, row.signers.length ? row.signers.join(', ') : 'NONE']),
    );
    ctx.printer.result(snake(r), table);
  },
};
