/**
 * The PKCS#11 plumbing under the `pkcs11` keyring: loading the `pkcs11js` addon and the token's
 * module (the vendor's `.so`), finding the token, logging in with a PIN, and closing it all again
 * (`C_Finalize`) so the process exits cleanly.
 *
 * A PKCS#11 module is initialised once per process and logged in once per token, whoever asks, so
 * connections are pooled by (module, slot): the second keyring or signer on a token shares the
 * first one's logged-in session and its operation queue (a session runs one operation at a time).
 * A second PIN for a token this process is already logged in to with another PIN is refused as
 * incorrect without asking the token: a token has one user PIN, and logging out to try it would log
 * out every other user of the session.
 *
 * No PIN is ever put in an error message, a URI sigchain prints, or a log.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { SigchainError } from '../../errors.js';
import { type Pkcs11Uri, parsePkcs11Uri } from './uri.js';

// PKCS#11 constants (v2.40 / v3.0), written out so the build does not need the optional addon's types.
export const CK = {
  CKF_RW_SESSION: 0x2,
  CKF_SERIAL_SESSION: 0x4,
  CKF_LOGIN_REQUIRED: 0x4,
  CKF_PROTECTED_AUTHENTICATION_PATH: 0x100,
  CKF_TOKEN_INITIALIZED: 0x400,
  CKU_USER: 1,
  CKO_DATA: 0,
  CKO_PUBLIC_KEY: 2,
  CKO_PRIVATE_KEY: 3,
  CKK_EC: 0x3,
  CKK_EC_EDWARDS: 0x40,
  CKA_CLASS: 0x0,
  CKA_TOKEN: 0x1,
  CKA_PRIVATE: 0x2,
  CKA_LABEL: 0x3,
  CKA_APPLICATION: 0x10,
  CKA_VALUE: 0x11,
  CKA_KEY_TYPE: 0x100,
  CKA_ID: 0x102,
  CKA_SENSITIVE: 0x103,
  CKA_ENCRYPT: 0x104,
  CKA_DECRYPT: 0x105,
  CKA_WRAP: 0x106,
  CKA_UNWRAP: 0x107,
  CKA_SIGN: 0x108,
  CKA_SIGN_RECOVER: 0x109,
  CKA_VERIFY: 0x10a,
  CKA_VERIFY_RECOVER: 0x10b,
  CKA_DERIVE: 0x10c,
  CKA_PUBLIC_KEY_INFO: 0x129,
  CKA_EXTRACTABLE: 0x162,
  CKA_MODIFIABLE: 0x170,
  CKA_EC_PARAMS: 0x180,
  CKA_EC_POINT: 0x181,
  CKA_ALWAYS_AUTHENTICATE: 0x202,
  CKM_EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  CKM_EDDSA: 0x1057,
  CKR_ATTRIBUTE_VALUE_INVALID: 0x13,
  CKR_KEY_HANDLE_INVALID: 0x60,
  CKR_OBJECT_HANDLE_INVALID: 0x82,
  CKR_PIN_INCORRECT: 0xa0,
  CKR_PIN_INVALID: 0xa1,
  CKR_PIN_LEN_RANGE: 0xa2,
  CKR_PIN_EXPIRED: 0xa3,
  CKR_PIN_LOCKED: 0xa4,
  CKR_SESSION_HANDLE_INVALID: 0xb3,
  CKR_SESSION_CLOSED: 0xb0,
  CKR_USER_ALREADY_LOGGED_IN: 0x100,
  CKR_USER_PIN_NOT_INITIALIZED: 0x102,
  CKR_DOMAIN_PARAMS_INVALID: 0x130,
  CKR_CURVE_NOT_SUPPORTED: 0x140,
  CKR_CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

/** A PKCS#11 object or session handle, as pkcs11js gives it. */
export type Handle = Buffer;
/** One attribute of a template. */
export interface Attr {
  type: number;
  value?: number | boolean | string | Buffer;
}

/** The part of pkcs11js's `PKCS11` class sigchain calls. */
export interface Pkcs11Api {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetSlotInfo(slot: Handle): { slotDescription: string; manufacturerID: string; flags: number };
  C_GetTokenInfo(slot: Handle): { label: string; manufacturerID: string; model: string; serialNumber: string; flags: number };
  C_GetInfo(): { manufacturerID: string; libraryDescription: string; libraryVersion: { major: number; minor: number } };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attr[]): void;
  C_FindObjects(session: Handle, max: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attr[]): Array<{ type: number; value: Buffer }>;
  C_SetAttributeValue(session: Handle, object: Handle, template: Attr[]): void;
  C_CreateObject(session: Handle, template: Attr[]): Handle;
  C_DestroyObject(session: Handle, object: Handle): void;
  C_GenerateKeyPair(session: Handle, mechanism: { mechanism: number }, publicTemplate: Attr[], privateTemplate: Attr[]): { publicKey: Handle; privateKey: Handle };
  C_SignInit(session: Handle, mechanism: { mechanism: number }, key: Handle): void;
  C_Sign(session: Handle, data: Buffer, out: Buffer): Buffer;
}

/** Where a connection's module, token and PIN come from. */
export interface Pkcs11Options {
  /** A `pkcs11:` URI (module-path, token, serial, pin-source, pin-value…), text or parsed. */
  uri?: string | Pkcs11Uri;
  /** Where `SIGCHAIN_PKCS11_MODULE`, `SIGCHAIN_PKCS11_TOKEN` and `SIGCHAIN_PKCS11_PIN` are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** `--pin-file F`: the PIN is the file's text, one trailing newline stripped. Wins over the URI and the environment. */
  pinFile?: string;
  /**
   * The PIN itself, held by the caller in memory (sigchain's key agent, given it by `agent add`).
   * Wins over every other source; never written anywhere.
   */
  pin?: string;
}

/** A logged-in session on one token. Operations on it run one at a time through {@link exclusive}. */
export interface Pkcs11Connection {
  readonly api: Pkcs11Api;
  readonly session: Handle;
  /** The module's path as loaded. */
  readonly modulePath: string;
  /** The token's label and serial (trailing blanks trimmed): what a URI names it by. */
  readonly token: { readonly label: string; readonly serial: string; readonly manufacturer: string; readonly model: string };
  /** Runs `fn` when no other operation is running on this session. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T>;
  /**
   * Replaces the session with a fresh one (the login stays: it belongs to the token, and the new
   * session opens before the old one closes). For after a failed operation that some modules
   * leave active, so the next one is not refused with CKR_OPERATION_ACTIVE. Call inside `exclusive`.
   */
  resetSession(): void;
  /** Gives the connection back; the last one out closes the session and finalises the module. */
  release(): Promise<void>;
  /** True once the session is closed (released by its last user, or by {@link closeAllPkcs11}). */
  readonly closed: boolean;
}

/** The module paths tried, in order, when neither a URI nor SIGCHAIN_PKCS11_MODULE names one. */
export function defaultModulePaths(): string[] {
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'arm' ? 'arm-linux-gnueabihf' : 'x86_64-linux-gnu';
  return ['/usr/lib/softhsm/libsofthsm2.so', `/usr/lib/${multiarch}/softhsm/libsofthsm2.so`, '/usr/local/lib/softhsm/libsofthsm2.so'];
}

// Where a `module-name` is looked for (RFC 7512 leaves the mapping to the consumer; these are
// the places Debian, Fedora and p11-kit put modules).
function moduleNameCandidates(name: string): string[] {
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [`/usr/lib/${multiarch}/pkcs11`, '/usr/lib/pkcs11', '/usr/lib64/pkcs11', `/usr/lib/${multiarch}`, '/usr/lib', '/usr/lib64', `/usr/lib/${multiarch}/softhsm`, '/usr/lib/softhsm'];
  const files = name.endsWith('.so') ? [name] : [`${name}.so`, `lib${name}.so`];
  return dirs.flatMap((d) => files.map((f) => `${d}/${f}`));
}

/** The URI of `opts`, parsed (or undefined). */
export function uriOf(opts: Pkcs11Options): Pkcs11Uri | undefined {
  return typeof opts.uri === 'string' ? parsePkcs11Uri(opts.uri) : opts.uri;
}

/**
 * The module path a connection uses: the URI's `module-path` (or `module-name`), else
 * `SIGCHAIN_PKCS11_MODULE`, else the first of {@link defaultModulePaths} that exists.
 * `PKCS11_MODULE_NOT_FOUND` when none is there.
 *
 * @example
 * ```ts
 * resolveModulePath({ uri: 'pkcs11:token=T?module-path=/usr/lib/softhsm/libsofthsm2.so' });
 * ```
 */
export function resolveModulePath(opts: Pkcs11Options): string {
  const uri = uriOf(opts);
  const env = opts.env ?? process.env;
  const named = uri?.modulePath ?? env.SIGCHAIN_PKCS11_MODULE;
  if (named) {
    if (!existsSync(named)) {
      throw new SigchainError(
        'PKCS11_MODULE_NOT_FOUND',
        `No PKCS#11 module at ${named}. Give the path of the token's library in the URI (module-path=…) or SIGCHAIN_PKCS11_MODULE; for SoftHSM2 it is /usr/lib/softhsm/libsofthsm2.so (Debian package softhsm2).`,
        { modulePath: named },
      );
    }
    return named;
  }
  const candidates = uri?.moduleName ? moduleNameCandidates(uri.moduleName) : defaultModulePaths();
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new SigchainError(
    'PKCS11_MODULE_NOT_FOUND',
    uri?.moduleName
      ? `No PKCS#11 module named "${uri.moduleName}" in ${[...new Set(candidates.map((c) => c.slice(0, c.lastIndexOf('/'))))].join(', ')}. Give its full path with module-path=… instead.`
      : `No PKCS#11 module was named and SoftHSM2 is not installed where sigchain looks (${defaultModulePaths().join(', ')}). Name the token's library with module-path=… in the URI or SIGCHAIN_PKCS11_MODULE, or install SoftHSM2 (Debian package softhsm2).`,
    uri?.moduleName ? { moduleName: uri.moduleName } : undefined,
  );
}

/**
 * The PIN a connection logs in with, from the first source that has one: `pin` (given in
 * memory), `--pin-file`, the URI's `pin-source` (a file) or `pin-value`, then
 * `SIGCHAIN_PKCS11_PIN`. A file's one trailing newline is stripped. Undefined when none has one.
 *
 * @example
 * ```ts
 * resolvePin({ pinFile: '/run/secrets/hsm-pin' });
 * ```
 */
export function resolvePin(opts: Pkcs11Options): string | undefined {
  if (opts.pin !== undefined) return opts.pin;
  if (opts.pinFile !== undefined) return readPinFile(opts.pinFile, '--pin-file');
  const uri = uriOf(opts);
  if (uri?.pinSource !== undefined) return readPinFile(pinSourcePath(uri.pinSource), 'pin-source');
  if (uri?.pinValue !== undefined) return uri.pinValue;
  const env = opts.env ?? process.env;
  return env.SIGCHAIN_PKCS11_PIN === undefined || env.SIGCHAIN_PKCS11_PIN === '' ? undefined : env.SIGCHAIN_PKCS11_PIN;
}

function pinSourcePath(source: string): string {
  // RFC 7512 gives pin-source as a URI; sigchain reads files (file:/p, file:///p, or a bare absolute path).
  let path: string | undefined;
  if (source.startsWith('file://')) path = source.slice('file://'.length);
  else if (source.startsWith('file:')) path = source.slice('file:'.length);
  else if (isAbsolute(source)) path = source;
  if (!path || !isAbsolute(path)) {
    throw new SigchainError('KEY_URI_INVALID', `sigchain reads a PIN only from a file: write pin-source=file:/absolute/path (not ${JSON.stringify(source.slice(0, 60))}).`, { attribute: 'pin-source' });
  }
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function readPinFile(path: string, from: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new SigchainError('IO_ERROR', `The PIN file ${path} (from ${from}) cannot be read (${code}). Check the path and that this user may read it.`, { path, from });
  }
  return text.replace(/\r?\n$/, '');
}

// The process-wide state: one loaded module per path, one connection per token of it.
interface LoadedModule {
  api: Pkcs11Api;
  path: string;
  connections: Map<string, Promise<PooledConnection>>;
}
interface PooledConnection extends Pkcs11Connection {
  refs: number;
  pinDigest: string;
  closed: boolean;
}

/**
 * A connection opened at the first `get()` (so a keyring or signer that is never used never asks
 * for a PIN), opened again after a fault (a PIN fixed, a token plugged in) or after
 * {@link closeAllPkcs11} closed it, and given back by `release()`.
 *
 * @example
 * ```ts
 * const lazy = lazyConnection({ uri });
 * const conn = await lazy.get();
 * await lazy.release();
 * ```
 */
export function lazyConnection(opts: Pkcs11Options): { get(): Promise<Pkcs11Connection>; release(): Promise<void> } {
  let opened: Promise<Pkcs11Connection> | undefined;
  return {
    async get(): Promise<Pkcs11Connection> {
      if (opened) {
        const c = await opened.catch(() => undefined);
        if (c && !c.closed) return c;
      }
      const attempt = connectPkcs11(opts);
      opened = attempt;
      attempt.catch(() => {
        if (opened === attempt) opened = undefined;
      });
      return attempt;
    },
    async release(): Promise<void> {
      const c = await opened?.catch(() => undefined);
      opened = undefined;
      await c?.release();
    },
  };
}
const modules = new Map<string, Promise<LoadedModule>>();
// The same modules once loaded, for the exit hook, which must finish synchronously.
const loaded = new Set<LoadedModule>();
const pinKey = randomBytes(32);
const digestPin = (pin: string | undefined): string => (pin === undefined ? '' : createHmac('sha256', pinKey).update(pin, 'utf8').digest('hex'));
let exitHookInstalled = false;

/** Loads pkcs11js, lazily: it is an optional native addon, needed only by this backend. */
async function loadAddon(): Promise<{ PKCS11: new () => Pkcs11Api }> {
  const name = 'pkcs11js'; // not a literal import, so the build needs neither the addon nor its types
  try {
    const mod = (await import(name)) as { default?: { PKCS11: new () => Pkcs11Api }; PKCS11?: new () => Pkcs11Api };
    const ctor = mod.PKCS11 ?? mod.default?.PKCS11;
    if (!ctor) throw new Error('pkcs11js exports no PKCS11 class');
    return { PKCS11: ctor };
  } catch (e) {
    throw new SigchainError(
      'PKCS11_MODULE_NOT_FOUND',
      'The pkcs11js addon, which sigchain uses to talk to PKCS#11 tokens, is not installed or did not build. Run `npm install pkcs11js` where sigchain is installed (it builds with node-gyp: python3, make and g++).',
      { addon: 'pkcs11js' },
      { cause: e },
    );
  }
}

async function loadModule(path: string): Promise<LoadedModule> {
  let pending = modules.get(path);
  if (!pending) {
    pending = (async () => {
      const { PKCS11 } = await loadAddon();
      const api = new PKCS11();
      try {
        api.load(path);
      } catch (e) {
        throw new SigchainError(
          'PKCS11_MODULE_NOT_FOUND',
          `${path} cannot be loaded as a PKCS#11 module (${oneLine(e)}). Name the token vendor's PKCS#11 library (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so).`,
          { modulePath: path },
        );
      }
      try {
        api.C_Initialize();
      } catch (e) {
        if (ckr(e) !== CK.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw p11Error(e, `initialising the PKCS#11 module ${path}`);
      }
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', finalizeAllSync);
      }
      const mod: LoadedModule = { api, path, connections: new Map() };
      loaded.add(mod);
      return mod;
    })();
    modules.set(path, pending);
    pending.catch(() => modules.delete(path));
  }
  return pending;
}

/** The CKR_ code of a pkcs11js error, if it is one. */
export function ckr(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' && code > 0 ? code : undefined;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

/** A PKCS11_ERROR naming the operation and the module's CKR_ name (pkcs11js messages never hold a PIN). */
export function p11Error(e: unknown, doing: string): SigchainError {
  if (e instanceof SigchainError) return e;
  return new SigchainError('PKCS11_ERROR', `The PKCS#11 module failed while ${doing}: ${oneLine(e)}.`, ckr(e) ? { ckr: ckr(e) } : undefined, { cause: e });
}

const trimPad = (s: string): string => s.replace(/[\s\0]+$/, '');

interface SlotFacts {
  slot: Handle;
  slotId: string;
  token: Pkcs11Connection['token'];
  flags: number;
  slotDescription: string;
  slotManufacturer: string;
}

function tokensOf(api: Pkcs11Api): SlotFacts[] {
  const out: SlotFacts[] = [];
  let slots: Handle[];
  try {
    slots = api.C_GetSlotList(true);
  } catch (e) {
    throw p11Error(e, 'listing its slots');
  }
  for (const slot of slots) {
    try {
      const t = api.C_GetTokenInfo(slot);
      if (!(t.flags & CK.CKF_TOKEN_INITIALIZED)) continue;
      const s = api.C_GetSlotInfo(slot);
      out.push({
        slot,
        slotId: slot.length >= 8 ? slot.readBigUInt64LE(0).toString() : String(slot.readUInt32LE(0)),
        token: { label: trimPad(t.label), serial: trimPad(t.serialNumber), manufacturer: trimPad(t.manufacturerID), model: trimPad(t.model) },
        flags: t.flags,
        slotDescription: trimPad(s.slotDescription),
        slotManufacturer: trimPad(s.manufacturerID),
      });
    } catch {
      // a slot whose token went away between the list and the look: not a candidate
    }
  }
  return out;
}

function pickToken(api: Pkcs11Api, modulePath: string, uri: Pkcs11Uri | undefined, env: NodeJS.ProcessEnv): SlotFacts {
  const all = tokensOf(api);
  const label = uri?.token ?? (uri?.serial === undefined && uri?.slotId === undefined ? env.SIGCHAIN_PKCS11_TOKEN || undefined : undefined);
  const matches = all.filter(
    (t) =>
      (label === undefined || t.token.label === label) &&
      (uri?.serial === undefined || t.token.serial === uri.serial) &&
      (uri?.manufacturer === undefined || t.token.manufacturer === uri.manufacturer) &&
      (uri?.model === undefined || t.token.model === uri.model) &&
      (uri?.slotId === undefined || t.slotId === String(uri.slotId)) &&
      (uri?.slotDescription === undefined || t.slotDescription === uri.slotDescription) &&
      (uri?.slotManufacturer === undefined || t.slotManufacturer === uri.slotManufacturer),
  );
  const named = [label !== undefined ? `label "${label}"` : '', uri?.serial !== undefined ? `serial ${uri.serial}` : '', uri?.slotId !== undefined ? `slot ${uri.slotId}` : ''].filter(Boolean).join(', ');
  const have = all.length ? all.map((t) => `"${t.token.label}" (serial ${t.token.serial})`).join(', ') : 'none';
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new SigchainError(
      'PKCS11_TOKEN_NOT_FOUND',
      `${named ? `No initialised token with ${named}` : 'No initialised token'} in ${modulePath}; the tokens there: ${have}. Name the token with token=LABEL (or serial=…) in the URI, or SIGCHAIN_PKCS11_TOKEN.`,
      { modulePath, ...(label !== undefined ? { token: label } : {}), ...(uri?.serial !== undefined ? { serial: uri.serial } : {}) },
    );
  }
  throw new SigchainError(
    'PKCS11_TOKEN_NOT_FOUND',
    `${matches.length} tokens in ${modulePath} match${named ? ` ${named}` : ''}: ${matches.map((t) => `"${t.token.label}" (serial ${t.token.serial})`).join(', ')}. Name one with token=LABEL;serial=SERIAL in the URI.`,
    { modulePath, matches: matches.length },
  );
}

/**
 * A logged-in session on the token `opts` names, shared with whoever in this process already
 * holds one on that token. Faults: `PKCS11_MODULE_NOT_FOUND`, `PKCS11_TOKEN_NOT_FOUND`,
 * `PKCS11_PIN_INCORRECT`, `PKCS11_PIN_REQUIRED`. Give it back with `release()`.
 *
 * @example
 * ```ts
 * const conn = await connectPkcs11({ uri: 'pkcs11:token=T?module-path=/usr/lib/softhsm/libsofthsm2.so', pinFile: 'pin.txt' });
 * try { … } finally { await conn.release(); }
 * ```
 */
export async function connectPkcs11(opts: Pkcs11Options): Promise<Pkcs11Connection> {
  const uri = uriOf(opts);
  const env = opts.env ?? process.env;
  const modulePath = resolveModulePath(opts);
  const pin = resolvePin(opts);
  const mod = await loadModule(modulePath);
  checkLibrary(mod, uri);
  const facts = pickToken(mod.api, modulePath, uri, env);
  const key = facts.slotId;
  let pending = mod.connections.get(key);
  if (!pending) {
    pending = openConnection(mod, facts, pin);
    mod.connections.set(key, pending);
    pending.catch(() => {
      if (mod.connections.get(key) === pending) mod.connections.delete(key);
      void finalizeIfIdle(mod);
    });
  }
  const conn = await pending;
  if (conn.pinDigest !== digestPin(pin)) {
    if (pin === undefined) throw pinRequired(facts);
    throw pinIncorrect(facts);
  }
  conn.refs++;
  return conn;
}

// library-* attributes narrow which module is meant: a module that is not that library is not it.
function checkLibrary(mod: LoadedModule, uri: Pkcs11Uri | undefined): void {
  if (uri?.libraryManufacturer === undefined && uri?.libraryDescription === undefined && uri?.libraryVersion === undefined) return;
  let info: ReturnType<Pkcs11Api['C_GetInfo']>;
  try {
    info = mod.api.C_GetInfo();
  } catch (e) {
    throw p11Error(e, 'reading the module information');
  }
  const version = `${info.libraryVersion.major}.${info.libraryVersion.minor}`;
  const wantVersion = uri.libraryVersion === undefined ? undefined : uri.libraryVersion.includes('.') ? uri.libraryVersion : `${uri.libraryVersion}.0`;
  const ok =
    (uri.libraryManufacturer === undefined || trimPad(info.manufacturerID) === uri.libraryManufacturer) &&
    (uri.libraryDescription === undefined || trimPad(info.libraryDescription) === uri.libraryDescription) &&
    (wantVersion === undefined || Number(wantVersion.split('.')[0]) === info.libraryVersion.major && Number(wantVersion.split('.')[1]) === info.libraryVersion.minor);
  if (!ok) {
    throw new SigchainError(
      'PKCS11_MODULE_NOT_FOUND',
      `The module at ${mod.path} is "${trimPad(info.libraryDescription)}" by "${trimPad(info.manufacturerID)}", version ${version}, not the library the URI names (library-manufacturer, library-description, library-version). Point module-path at that library.`,
      { modulePath: mod.path },
    );
  }
}

function pinIncorrect(facts: SlotFacts, locked = false): SigchainError {
  return new SigchainError(
    'PKCS11_PIN_INCORRECT',
    locked
      ? `Token "${facts.token.label}" has locked its user PIN after too many wrong tries; its security officer must unlock it (e.g. softhsm2-util / the vendor's tool) before it signs again.`
      : `Token "${facts.token.label}" refused the PIN. Check the PIN file (--pin-file, pin-source=file:…) or SIGCHAIN_PKCS11_PIN; tokens lock the PIN after a few wrong tries.`,
    { token: facts.token.label, serial: facts.token.serial, ...(locked ? { locked: true } : {}) },
  );
}

function pinRequired(facts: SlotFacts): SigchainError {
  return new SigchainError(
    'PKCS11_PIN_REQUIRED',
    `Token "${facts.token.label}" needs its user PIN. Give it with --pin-file F, pin-source=file:F in the URI, or SIGCHAIN_PKCS11_PIN (pin-value=… in the URI is for tests).`,
    { token: facts.token.label, serial: facts.token.serial },
  );
}

async function openConnection(mod: LoadedModule, facts: SlotFacts, pin: string | undefined): Promise<PooledConnection> {
  const { api } = mod;
  let session: Handle;
  try {
    session = api.C_OpenSession(facts.slot, CK.CKF_RW_SESSION | CK.CKF_SERIAL_SESSION);
  } catch (e) {
    throw p11Error(e, `opening a session on token "${facts.token.label}"`);
  }
  const protectedPath = (facts.flags & CK.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0;
  try {
    if (pin === undefined && !protectedPath) throw pinRequired(facts);
    try {
      api.C_Login(session, CK.CKU_USER, pin);
    } catch (e) {
      const code = ckr(e);
      if (code === CK.CKR_USER_ALREADY_LOGGED_IN) {
        // another handle in this process (outside this pool) logged in: the session is usable
      } else if (code === CK.CKR_PIN_INCORRECT || code === CK.CKR_PIN_INVALID || code === CK.CKR_PIN_LEN_RANGE) throw pinIncorrect(facts);
      else if (code === CK.CKR_PIN_LOCKED) throw pinIncorrect(facts, true);
      else if (code === CK.CKR_PIN_EXPIRED) throw new SigchainError('PKCS11_PIN_INCORRECT', `Token "${facts.token.label}" says the user PIN has expired; set a new one with the vendor's tool.`, { token: facts.token.label });
      else if (code === CK.CKR_USER_PIN_NOT_INITIALIZED) throw new SigchainError('PKCS11_PIN_INCORRECT', `Token "${facts.token.label}" has no user PIN yet; initialise it (softhsm2-util --init-token … --pin …, or the vendor's tool).`, { token: facts.token.label });
      else throw p11Error(e, `logging in to token "${facts.token.label}"`);
    }
  } catch (e) {
    try {
      api.C_CloseSession(session);
    } catch {
      // the session is being thrown away; the refusal above is what matters
    }
    throw e;
  }
  let queue: Promise<unknown> = Promise.resolve();
  const conn: PooledConnection = {
    api,
    get session(): Handle {
      return session;
    },
    modulePath: mod.path,
    token: facts.token,
    refs: 0,
    pinDigest: digestPin(pin),
    closed: false,
    exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
      if (conn.closed) return Promise.reject(new SigchainError('PKCS11_ERROR', `The session on token "${facts.token.label}" was closed; open the keyring again.`));
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    resetSession(): void {
      let fresh: Handle;
      try {
        fresh = api.C_OpenSession(facts.slot, CK.CKF_RW_SESSION | CK.CKF_SERIAL_SESSION);
      } catch {
        return; // keep the old one: a fresh session is a nicety, not a must
      }
      try {
        api.C_CloseSession(session);
      } catch {
        // gone already
      }
      session = fresh;
    },
    async release(): Promise<void> {
      if (conn.refs <= 0) return;
      conn.refs--;
      if (conn.refs > 0) return;
      await queue;
      if (conn.refs > 0) return; // taken again while the last operation finished
      conn.closed = true;
      mod.connections.delete(facts.slotId);
      try {
        api.C_CloseSession(session);
      } catch {
        // already gone with its token: nothing left to close
      }
      await finalizeIfIdle(mod);
    },
  };
  return conn;
}

async function finalizeIfIdle(mod: LoadedModule): Promise<void> {
  if (mod.connections.size > 0) return;
  if ((await modules.get(mod.path)?.catch(() => undefined)) !== mod) return;
  modules.delete(mod.path);
  loaded.delete(mod);
  try {
    mod.api.C_Finalize();
  } catch {
    // finalising a module that is already down is not an error worth reporting
  }
}

function finalizeAllSync(): void {
  // At exit: whatever is still open is closed, so the module can flush and the process ends.
  for (const mod of loaded) {
    try {
      mod.api.C_Finalize();
    } catch {
      // exiting anyway
    }
  }
  loaded.clear();
}

/**
 * Closes every PKCS#11 session this process holds and finalises every module (`C_Finalize`).
 * For tests, the key agent's shutdown and long-running processes; a CLI command may leave it to
 * the exit hook.
 *
 * @example
 * ```ts
 * await closeAllPkcs11();
 * ```
 */
export async function closeAllPkcs11(): Promise<void> {
  for (const [path, pending] of [...modules.entries()]) {
    const mod = await pending.catch(() => undefined);
    modules.delete(path);
    if (!mod) continue;
    for (const c of mod.connections.values()) {
      const conn = await c.catch(() => undefined);
      if (!conn) continue;
      conn.closed = true;
      try {
        mod.api.C_CloseSession(conn.session);
      } catch {
        // gone already
      }
    }
    mod.connections.clear();
    loaded.delete(mod);
    try {
      mod.api.C_Finalize();
    } catch {
      // down already
    }
  }
}
