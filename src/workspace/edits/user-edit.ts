import type { Permission, UserPermissionLimits } from '../../claims/nats/types.js';

/**
 * A change to a user's permissions and limits, as nsc's `add user` / `edit user` flags
 * express it. The same shape edits a scoped signing key's template.
 */
export interface UserEdit {
  allowPub?: string[];
  allowSub?: string[];
  allowPubsub?: string[];
  denyPub?: string[];
  denySub?: string[];
  denyPubsub?: string[];
  /** Subjects to remove from every allow and deny list. */
  rm?: string[];
  /** Allow publishing `max` replies to received requests. */
  allowPubResponse?: number;
  /** Go duration in nanoseconds for the response permission. */
  responseTtl?: number;
  rmResponsePerms?: boolean;
  bearer?: boolean;
  sourceNetwork?: string[];
  rmSourceNetwork?: string[];
  subs?: number;
  data?: number;
  payload?: number;
  connTypes?: string[];
  rmConnTypes?: string[];
  times?: Array<{ start: string; end: string }>;
  rmTimes?: boolean;
  locale?: string;
}

/** True when the edit sets any permission or limit (a scoped key forbids that). */
export function editSetsPermissions(e: UserEdit): boolean {
  return Object.entries(e).some(([k, v]) => !k.startsWith('rm') && v !== undefined && !(Array.isArray(v) && v.length === 0));
}

function add(list: string[] | undefined, items: string[] | undefined): string[] | undefined {
  if (!items?.length) return list;
  const out = [...(list ?? [])];
  for (const i of items) if (!out.includes(i)) out.push(i);
  return out;
}

function edit(p: Permission | undefined, allow: string[] | undefined, deny: string[] | undefined, rm: string[] | undefined): Permission {
  const out: Permission = { ...(p ?? {}) };
  const a = add(out.allow, allow)?.filter((s) => !rm?.includes(s));
  const d = add(out.deny, deny)?.filter((s) => !rm?.includes(s));
  if (a?.length) out.allow = a;
  else delete out.allow;
  if (d?.length) out.deny = d;
  else delete out.deny;
  return out;
}

/**
 * Applies `e` to `target` in place.
 *
 * @example
 * ```ts
 * applyUserEdit(user.nats, { allowPub: ['orders.>'], denySub: ['secret.>'] });
 * ```
 */
export function applyUserEdit(target: UserPermissionLimits, e: UserEdit): UserPermissionLimits {
  target.pub = edit(target.pub, [...(e.allowPub ?? []), ...(e.allowPubsub ?? [])], [...(e.denyPub ?? []), ...(e.denyPubsub ?? [])], e.rm);
  target.sub = edit(target.sub, [...(e.allowSub ?? []), ...(e.allowPubsub ?? [])], [...(e.denySub ?? []), ...(e.denyPubsub ?? [])], e.rm);
  if (e.rmResponsePerms) delete target.resp;
  if (e.allowPubResponse !== undefined || e.responseTtl !== undefined) {
    target.resp = { max: e.allowPubResponse ?? target.resp?.max ?? 1, ttl: e.responseTtl ?? target.resp?.ttl ?? 0 };
  }
  if (e.bearer !== undefined) {
    if (e.bearer) target.bearer_token = true;
    else delete target.bearer_token;
  }
  const src = add(target.src, e.sourceNetwork)?.filter((s) => !e.rmSourceNetwork?.includes(s));
  if (src?.length) target.src = src;
  else delete target.src;
  if (e.subs !== undefined) target.subs = e.subs;
  if (e.data !== undefined) target.data = e.data;
  if (e.payload !== undefined) target.payload = e.payload;
  const ct = add(target.allowed_connection_types, e.connTypes?.map((c) => c.toUpperCase()))?.filter((c) => !e.rmConnTypes?.map((x) => x.toUpperCase()).includes(c));
  if (ct?.length) target.allowed_connection_types = ct;
  else delete target.allowed_connection_types;
  if (e.rmTimes) delete target.times;
  if (e.times?.length) target.times = [...(target.times ?? []), ...e.times];
  if (e.locale !== undefined) {
    if (e.locale) target.times_location = e.locale;
    else delete target.times_location;
  }
  return target;
}
