/**
 * An account's imports against the accounts they import from, as nats-server 2.9.10 decides
 * whether an import takes effect: the exporting account must be known, must export a subject
 * that covers the import, and a private export needs an activation token issued by the
 * exporter's identity key or by a signing key the exporter's CURRENT token lists, not revoked
 * by the export. The server logs and drops an import that fails (the account still loads), so
 * these are findings about the account, not reasons its chain is invalid: `validate` reports
 * them, `verifyChain` does not. nsc's `validate` checks none of the cross-account rules.
 */
import type { Finding } from '../../errors.js';
import { revokedUntil } from '../../claims/nats/account.js';
import { isoSeconds } from '../../claims/nats/common.js';
import type { RevocationList } from '../../claims/nats/types.js';
import { isContainedIn } from '../../claims/nats/subjects.js';
import { label } from '../judge.js';
import type { SyncChainResolver } from '../resolver.js';
import { signingKeysOf } from './operators.js';
import { type TokenFacts, tokenFacts } from './token-facts.js';

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function show(im: Json, i: number): string {
  const name = str(im.name);
  const subject = JSON.stringify(im.subject ?? '');
  // nsc names an import after its subject: said once, not `import "a.b" "a.b"`.
  return `import ${name && JSON.stringify(name) !== subject ? `"${name}" ` : ''}${subject} (nats.imports[${i}])`;
}

// The export of `exporter` that serves an import of `subject` of kind `type`: the server picks
// the export whose subject contains the import's (a stream import may narrow a wildcard export).
function matchingExport(exporter: TokenFacts, type: string, subject: string): Json | undefined {
  const exports = Array.isArray(exporter.nats.exports) ? exporter.nats.exports : [];
  for (const raw of exports) {
    const e = obj(raw);
    if (!e || (e.type ?? 'stream') !== type || typeof e.subject !== 'string') continue;
    if (isContainedIn(subject, e.subject)) return e;
  }
  return undefined;
}

/**
 * Judges each import of an account token against the exporting accounts `resolver` knows,
 * returning one finding per import that would not take effect (codes `IMPORT_EXPORTER_MISSING`,
 * `IMPORT_NOT_EXPORTED`, `ACTIVATION_REQUIRED`, `SIGNING_KEY_NOT_LISTED` for an activation
 * signed by a key the exporter does not list, `BAD_SIGNATURE`, `TOKEN_REVOKED`, and, judged at
 * `now` (Unix seconds), `TOKEN_EXPIRED` / `TOKEN_NOT_YET_VALID`). Defects of the import itself
 * (a malformed token, one made for another account) are the account token's own findings ({@link tokenFacts}), not repeated here. Never throws.
 *
 * @example
 * ```ts
 * const findings = judgeImports(accountJwt, memoryResolver([operatorJwt, accountJwt, exporterJwt]));
 * for (const f of findings) console.log(f.code, f.field, f.message);
 * ```
 */
export function judgeImports(accountToken: string, resolver: Pick<SyncChainResolver, 'account'>, now: number = Date.now() / 1000): Finding[] {
  const out: Finding[] = [];
  const account = tokenFacts(accountToken);
  if (!account.claims || account.type !== 'account') return out;
  const imports = Array.isArray(account.nats.imports) ? account.nats.imports : [];
  imports.forEach((raw, i) => {
    const im = obj(raw);
    const field = `nats.imports[${i}]`;
    if (!im) return; // a null import is already the token's own finding
    const from = str(im.account);
    const subject = str(im.subject);
    const type = str(im.type) ?? 'stream';
    if (!from || !subject) return; // also the token's own finding
    const exporterToken = resolver.account(from);
    if (!exporterToken) {
      out.push({ code: 'IMPORT_EXPORTER_MISSING', message: `The ${show(im, i)} comes from account ${from}, which is not known here, so nats-server drops the import. Add the exporting account, or remove the import.`, field: `${field}.account` });
      return;
    }
    const exporter = tokenFacts(exporterToken);
    // A damaged exporter is reported as itself; judging imports against it would guess.
    if (!exporter.signatureOk || exporter.type !== 'account') return;
    const who = label(exporter.sub, exporter.name);
    const e = matchingExport(exporter, type, subject);
    if (!e) {
      out.push({ code: 'IMPORT_NOT_EXPORTED', message: `The ${show(im, i)} asks account ${who} for a ${type} it does not export (no ${type} export covers ${JSON.stringify(subject)}), so nats-server drops the import. Export it from ${who}, or fix the import's subject.`, field: `${field}.subject` });
      return;
    }
    const token = str(im.token);
    if (!token) {
      if (e.token_req === true) {
        out.push({ code: 'ACTIVATION_REQUIRED', message: `The ${show(im, i)} imports the private ${type} ${JSON.stringify(e.subject)} of account ${who} without an activation token, so nats-server drops the import. Have ${who} generate an activation for this account and add it to the import.`, field: `${field}.token` });
      }
      return;
    }
    if (/^https?:\/\//i.test(token)) return; // fetched by the server at run time: not judged here
    const act = tokenFacts(token);
    if (!act.claims) return; // an unreadable activation is the token's own finding
    if (!act.signatureOk) {
      out.push({ code: 'BAD_SIGNATURE', message: `The activation token of the ${show(im, i)} does not verify with its issuer key ${act.iss}: it was altered or forged. Ask ${who} for a new one.`, field: `${field}.token` });
      return;
    }
    if (act.iss !== exporter.sub && !signingKeysOf(exporter.nats).includes(act.iss)) {
      out.push({
        code: 'SIGNING_KEY_NOT_LISTED',
        message: `The activation token of the ${show(im, i)} is signed by ${act.iss}, which is neither the identity key nor a signing key of account ${who} (its current token), so nats-server refuses the activation. Ask ${who} for an activation signed by one of its keys.`,
        field: `${field}.token`,
      });
      return;
    }
    // In time at `now`, as nats-server checks an activation when it applies the import (and
    // drops the import when it expires).
    if (act.exp !== undefined && act.exp > 0 && now > act.exp) {
      out.push({ code: 'TOKEN_EXPIRED', message: `The activation token of the ${show(im, i)} expired at ${isoSeconds(act.exp).replace('.000Z', 'Z')}, so nats-server drops the import. Ask ${who} for a new activation.`, field: `${field}.token` });
      return;
    }
    if (act.nbf !== undefined && act.nbf > 0 && act.nbf > now) {
      out.push({ code: 'TOKEN_NOT_YET_VALID', message: `The activation token of the ${show(im, i)} is not valid before ${isoSeconds(act.nbf).replace('.000Z', 'Z')}, so nats-server does not apply the import until then.`, field: `${field}.token` });
      return;
    }
    // Both the importer's entry and "*" count, as Go's RevocationList.IsRevoked reads them.
    const since = revokedUntil(obj(e.revocations) as RevocationList | undefined, account.sub)?.at;
    if (since !== undefined && act.iat !== undefined && act.iat <= since) {
      out.push({ code: 'TOKEN_REVOKED', message: `The activation token of the ${show(im, i)} was issued at or before its revocation by account ${who}'s export, so nats-server refuses it. Ask ${who} for a new activation.`, field: `${field}.token` });
    }
  });
  return out;
}
