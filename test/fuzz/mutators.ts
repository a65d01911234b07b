// The mutators: byte/text damage (bit flips, truncation, insertions, segment games, base64
// alphabet and padding, NUL and non-UTF-8, long runs of one character, multi-megabyte inputs)
// and payload damage re-signed with the genuine key, so the signature is valid while a field
// has the wrong type, depth, size, number form or case, or is a `__proto__` key. Each returns
// the new text and a short recipe saying what it did (the recipe is the minimal reproduction
// of a re-signed finding: the signature cannot survive shrinking the token itself).
import type { KeyPair } from '../../src/nkeys/index.js';
import type { Corpus } from './corpus.js';
import type { Rng } from './rng.js';

export interface Mutated {
  text: string;
  recipe: string;
}

/** The field names Go's nats-io/jwt v2.3.0 decodes (its json tags), for case games. */
export const GO_FIELDS = (
  'account account_server_url account_token_position advertise allow allowed_connection_types assert_server_version aud ' +
  'bearer_token cluster conn consumer data default_permissions deny description disallow_bearer disk_max_stream_bytes ' +
  'disk_storage end exp exports iat imports info_url iss issuer_account jti key kind leaf limits local_subject mappings max ' +
  'max_ack_pending max_bytes_required mem_max_stream_bytes mem_storage name nats nbf operator_service_urls payload pub resp ' +
  'response_threshold response_type results revocations role sampling service_latency share signing_keys src start streams ' +
  'strict_signing_key_usage sub subject subs system_account tags template tiered_limits times times_location to token ' +
  'token_req ttl typ type version weight wildcards'
).split(' ');

const HEADER = Buffer.from('{"typ":"JWT","alg":"ed25519-nkey"}').toString('base64url');

/** A compact JWT over exactly these payload bytes, signed by `signer` (header as Go writes it). */
export function signRaw(payload: string | Buffer, signer: KeyPair, header = HEADER): string {
  const input = `${header}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${Buffer.from(signer.sign(Buffer.from(input, 'ascii'))).toString('base64url')}`;
}

// --- text damage ---

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const RUN_CHARS = ['-', ' ', '\t', '\n', '\r\n', '=', '.', 'A', 'eyJ', '-----', '*', '\u0000', '{', '['];
const ODD = ['\u0000', '\u00A0', '\uFFFD', '\uD800', '\uDFFF', '\u00FF', '\u00E9', '\u200B', '\uFEFF', '\r', '\u2028', 'ř', '\u{1F600}'];

function runLength(rng: Rng, big: boolean): number {
  if (big && rng.chance(0.05)) return 1_000_000 + rng.int(3_000_000);
  return rng.pick([1, 2, 3, 16, 64, 400, 600, 1000, 4096, 10_000, 100_000]);
}

function at(rng: Rng, s: string): number {
  return rng.int(s.length + 1);
}

type TextMutator = (rng: Rng, s: string, big: boolean) => Mutated;

const TEXT_MUTATORS: Array<[string, TextMutator]> = [
  ['bitflip', (rng, s) => {
    if (!s) return { text: s, recipe: 'bitflip(empty)' };
    const i = rng.int(s.length);
    const bit = rng.int(8);
    return { text: s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << bit)) + s.slice(i + 1), recipe: `bitflip(@${i},bit${bit})` };
  }],
  ['truncate', (rng, s) => {
    const n = rng.int(s.length + 1);
    return { text: s.slice(0, n), recipe: `truncate(${n})` };
  }],
  ['chop-front', (rng, s) => {
    const n = rng.int(s.length + 1);
    return { text: s.slice(n), recipe: `chop-front(${n})` };
  }],
  ['insert', (rng, s) => {
    const i = at(rng, s);
    const n = 1 + rng.size(8);
    let ins = '';
    for (let k = 0; k < n; k++) ins += rng.chance(0.5) ? B64[rng.int(64)] : String.fromCharCode(rng.int(256));
    return { text: s.slice(0, i) + ins + s.slice(i), recipe: `insert(@${i},${JSON.stringify(ins)})` };
  }],
  ['remove', (rng, s) => {
    const i = rng.int(s.length);
    const n = 1 + rng.size(16);
    return { text: s.slice(0, i) + s.slice(i + n), recipe: `remove(@${i},${n})` };
  }],
  ['segments', (rng, s) => {
    const parts = s.split('.');
    const op = rng.int(6);
    const i = rng.int(parts.length);
    if (op === 0) parts.push(rng.pick(['', 'extra', parts[0]!, parts[parts.length - 1]!]));
    else if (op === 1) parts.splice(i, 0, parts[i]!);
    else if (op === 2) parts.splice(i, 1);
    else if (op === 3) parts.reverse();
    else if (op === 4) parts.unshift('');
    else {
      const j = rng.int(parts.length);
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    }
    return { text: parts.join('.'), recipe: `segments(op${op},@${i})` };
  }],
  ['padding', (rng, s) => {
    const pad = rng.pick(['=', '==', '===', '=\n']);
    const dots = [...s.matchAll(/\./g)].map((m) => m.index!);
    const i = rng.chance(0.5) || dots.length === 0 ? s.length : rng.pick(dots);
    return { text: s.slice(0, i) + pad + s.slice(i), recipe: `padding(@${i},${JSON.stringify(pad)})` };
  }],
  ['alphabet', (rng, s) => {
    const swaps: Array<[RegExp, string, string]> = [
      [/-/g, '+', '-→+'],
      [/_/g, '/', '_→/'],
      [/[A-Z]/g, '', 'upper→lower'],
    ];
    const [re, to, name] = rng.pick(swaps);
    const text = to ? s.replace(re, to) : s.replace(re, (c) => c.toLowerCase());
    return { text, recipe: `alphabet(${name})` };
  }],
  ['odd-char', (rng, s) => {
    const i = at(rng, s);
    const c = rng.pick(ODD);
    return { text: s.slice(0, i) + c + s.slice(i), recipe: `odd-char(@${i},U+${c.codePointAt(0)!.toString(16)})` };
  }],
  ['run', (rng, s, big) => {
    const i = at(rng, s);
    const c = rng.pick(RUN_CHARS);
    const n = runLength(rng, big);
    return { text: s.slice(0, i) + c.repeat(n) + s.slice(i), recipe: `run(@${i},${JSON.stringify(c)}x${n})` };
  }],
  ['only-run', (rng, _s, big) => {
    const c = rng.pick(RUN_CHARS);
    const n = runLength(rng, big);
    const tail = rng.pick(['', '---x', 'x', '\n', '.']);
    return { text: c.repeat(n) + tail, recipe: `only-run(${JSON.stringify(c)}x${n}+${JSON.stringify(tail)})` };
  }],
  ['whitespace', (rng, s) => {
    const i = at(rng, s);
    const w = rng.pick([' ', '\n', '\r\n', '\t', '\u00a0', '\v']);
    return { text: s.slice(0, i) + w + s.slice(i), recipe: `whitespace(@${i},${JSON.stringify(w)})` };
  }],
  ['repeat', (rng, s, big) => {
    const n = big && rng.chance(0.1) ? Math.ceil(2_000_000 / Math.max(1, s.length)) : 2 + rng.size(30);
    const sep = rng.pick(['', '\n', ' ', '.']);
    return { text: Array.from({ length: n }, () => s).join(sep), recipe: `repeat(x${n},sep ${JSON.stringify(sep)})` };
  }],
];

/** One to three text mutations of `s`. `big` allows multi-megabyte results. */
export function mutateText(rng: Rng, s: string, big = true): Mutated {
  let text = s;
  const recipe: string[] = [];
  const n = 1 + rng.size(2);
  for (let k = 0; k < n; k++) {
    const [, m] = rng.pick(TEXT_MUTATORS);
    const r = m(rng, text, big && k === 0);
    text = r.text;
    recipe.push(r.recipe);
    // Never stack a second mutation on a multi-megabyte result: it only costs time.
    if (text.length > 100_000) break;
  }
  return { text, recipe: recipe.join(' ∘ ') };
}

// --- payload damage, re-signed ---

type Json = unknown;
const RAW = '\u0001RAW\u0001';

function deep(n: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}

// Values of every JSON type and awkward shape: the wrong type for any field somewhere.
function wrongValue(rng: Rng): { value?: Json; raw?: string; what: string } {
  const k = rng.int(24);
  switch (k) {
    case 0: return { value: 5, what: '5' };
    case 1: return { value: -1, what: '-1' };
    case 2: return { value: 'x', what: '"x"' };
    case 3: return { value: '', what: '""' };
    case 4: return { value: true, what: 'true' };
    case 5: return { value: false, what: 'false' };
    case 6: return { value: null, what: 'null' };
    case 7: return { value: [], what: '[]' };
    case 8: return { value: {}, what: '{}' };
    case 9: return { value: [1, 2], what: '[1,2]' };
    case 10: return { value: { a: 1 }, what: '{"a":1}' };
    case 11: return { value: [null], what: '[null]' };
    case 12: return { value: [{}], what: '[{}]' };
    case 13: return { value: 'x'.repeat(rng.pick([1000, 100_000])), what: 'long string' };
    case 14: return { raw: rng.pick(['2.0', '2e0', '1e300', '-0', '1.5', '9007199254740993', '1E400', '-1e300', '0.0000001', '123456789012345678901234567890']), what: 'number form' };
    case 15: { const n = rng.pick([100, 1000, 10_001, 100_000]); return { raw: deep(n, 'array'), what: `array nested ${n}` }; }
    case 16: { const n = rng.pick([100, 1000, 10_001, 100_000]); return { raw: deep(n, 'object'), what: `object nested ${n}` }; }
    case 17: return { value: Array.from({ length: rng.pick([1000, 10_000]) }, (_, i) => `s.${i}`), what: 'big array' };
    case 18: return { value: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])), what: 'big object' };
    case 19: return { value: { key: null, kind: 'user_scope' }, what: '{key:null,kind:user_scope}' };
    case 20: return { value: ['UAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 5], what: 'mixed list' };
    case 21: return { raw: '"\\ud800"', what: 'lone surrogate escape' };
    case 22: return { value: '\u0000', what: 'NUL string' };
    default: return { value: { __proto__: null, toString: 1 }, what: '{toString:1}' };
  }
}

interface Slot {
  holder: Record<string, Json> | Json[];
  key: string | number;
  path: string;
}

// Every place a value sits in the payload (objects and arrays), to choose one to damage.
function slots(v: Json, path: string, out: Slot[]): Slot[] {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push({ holder: v, key: i, path: `${path}[${i}]` }); slots(x, `${path}[${i}]`, out); });
  else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      out.push({ holder: v as Record<string, Json>, key: k, path: path ? `${path}.${k}` : k });
      slots((v as Record<string, Json>)[k], path ? `${path}.${k}` : k, out);
    }
  }
  return out;
}

function objects(v: Json, path: string, out: Array<{ obj: Record<string, Json>; path: string }>): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => objects(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    out.push({ obj: v as Record<string, Json>, path: path || '(top)' });
    for (const [k, x] of Object.entries(v)) objects(x, path ? `${path}.${k}` : k, out);
  }
  return out;
}

function caseVariant(rng: Rng, key: string): string {
  if (!key) return key;
  const v = rng.int(3);
  if (v === 0) return key.toUpperCase();
  if (v === 1) return key[0]!.toUpperCase() + key.slice(1);
  // One letter flipped; Go folds case (and also ſ→s, K→k), so try those too.
  if (key.includes('s') && rng.chance(0.3)) return key.replace('s', 'ſ');
  if (key.includes('k') && rng.chance(0.3)) return key.replace('k', 'K');
  const i = rng.int(key.length);
  return key.slice(0, i) + key[i]!.toUpperCase() + key.slice(i + 1);
}

export interface PayloadSource {
  kind: string;
  signer: KeyPair;
  json: Record<string, unknown>;
}

/**
 * A payload from the corpus with one or two structural mutations, serialised (raw forms such
 * as `2.0`, nesting 100,000 deep or duplicate keys spliced in as text) and re-signed by the
 * genuine issuer key.
 */
export function resign(rng: Rng, c: Corpus, src?: PayloadSource): Mutated & { kind: string; payload: string } {
  const base = src ?? rng.pick(c.payloads);
  const obj = structuredClone(base.json) as Record<string, Json>;
  const raws: string[] = [];
  const recipe: string[] = [];
  const put = (holder: Slot['holder'], key: string | number, w: ReturnType<typeof wrongValue>): void => {
    if (w.raw !== undefined) {
      (holder as Record<string, Json>)[key as string] = `${RAW}${raws.length}`;
      raws.push(w.raw);
    } else (holder as Record<string, Json>)[key as string] = w.value;
  };
  let text: string | undefined;
  const n = 1 + rng.size(1);
  for (let k = 0; k < n; k++) {
    const op = rng.int(10);
    if (op <= 2) {
      // Wrong type/size/depth at an existing place.
      const all = slots(obj, '', []);
      const s = rng.pick(all);
      const w = wrongValue(rng);
      put(s.holder, s.key, w);
      recipe.push(`${s.path} := ${w.what}`);
    } else if (op === 3) {
      // A field Go knows, added where it is missing, with any value.
      const o = rng.pick(objects(obj, '', []));
      const f = rng.pick(GO_FIELDS);
      const w = wrongValue(rng);
      put(o.obj, f, w);
      recipe.push(`${o.path}.${f} := ${w.what} (added)`);
    } else if (op === 4 || op === 5) {
      // A key differing only in case, beside the original or instead of it.
      const o = rng.pick(objects(obj, '', []));
      const keys = Object.keys(o.obj);
      if (!keys.length) continue;
      const key = rng.pick(keys);
      const variant = caseVariant(rng, key);
      if (variant === key) continue;
      const beside = op === 4;
      const value = rng.chance(0.5) ? o.obj[key] : wrongValue(rng).value ?? 7;
      if (!beside) delete o.obj[key];
      o.obj[variant] = typeof o.obj[key] === 'number' && beside ? (o.obj[key] as number) + 1000 : value;
      recipe.push(`${o.path}: ${JSON.stringify(variant)} ${beside ? 'beside' : 'instead of'} ${JSON.stringify(key)}`);
    } else if (op === 6) {
      const o = rng.pick(objects(obj, '', []));
      Object.defineProperty(o.obj, '__proto__', { value: rng.pick([{ polluted: true }, { type: 'operator' }, null, 1, []]), enumerable: true, configurable: true, writable: true });
      recipe.push(`${o.path}.__proto__ added`);
    } else if (op === 7) {
      // An earlier mutation may have made nats a number or a list: then there is no nats to edit.
      const nats = obj.nats && typeof obj.nats === 'object' && !Array.isArray(obj.nats) ? (obj.nats as Record<string, Json>) : undefined;
      const m = rng.int(6);
      if (m === 0 && nats) { delete nats.type; recipe.push('nats.type removed'); }
      else if (m === 1 && nats) { put(nats, 'version', { raw: rng.pick(['2.0', '1', '3', '"2"', '2e0', '-2']), what: '' }); recipe.push(`nats.version := ${raws[raws.length - 1]}`); }
      else if (m === 2) { obj.type = rng.pick(['user', 'account', 'operator']); recipe.push(`top-level type := ${String(obj.type)}`); }
      else if (m === 3 && nats) { nats.type = rng.pick(['user', 'account', 'operator', 'activation', 'cluster', 'server', 'generic', 'USER', '']); recipe.push(`nats.type := ${JSON.stringify(nats.type)}`); }
      else if (m === 4) { delete obj.nats; recipe.push('nats removed'); }
      else { for (const f of ['exp', 'nbf', 'iat']) if (rng.chance(0.5)) put(obj, f, { raw: rng.pick(['1e300', '-1', '2.5', '9999999999999', '1E400', '0']), what: '' }); recipe.push('times := odd numbers'); }
    } else if (op === 8) {
      // Exact duplicate key in the text: the last wins in both JS and Go.
      const keys = Object.keys(obj);
      const key = rng.pick(keys);
      text = JSON.stringify(obj).replace(/^\{/, `{${JSON.stringify(key)}:${rng.pick(['1', '"x"', 'null', '{}'])},`);
      recipe.push(`duplicate ${JSON.stringify(key)} first`);
    } else {
      // Bytes that are not UTF-8, or a BOM, inside or around the JSON.
      const t = JSON.stringify(obj);
      const i = rng.int(t.length + 1);
      const bytes = Buffer.concat([Buffer.from(t.slice(0, i)), Buffer.from(rng.pick([[0xff], [0xc3], [0xef, 0xbb, 0xbf], [0x00], [0xed, 0xa0, 0x80]])), Buffer.from(t.slice(i))]);
      const payload = bytes.toString('latin1');
      recipe.push(`raw bytes @${i}`);
      const tok = signRaw(bytes, base.signer);
      return { text: tok, recipe: `${base.kind}/${base.signer.publicKey.slice(0, 4)}: ${recipe.join('; ')}`, kind: base.kind, payload };
    }
  }
  let payload = text ?? JSON.stringify(obj);
  raws.forEach((raw, i) => {
    payload = payload.replace(JSON.stringify(`${RAW}${i}`), raw);
  });
  return { text: signRaw(payload, base.signer), recipe: `${base.kind}/${base.signer.publicKey.slice(0, 4)}: ${recipe.join('; ') || 'unchanged'}`, kind: base.kind, payload };
}
