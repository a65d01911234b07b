/**
 * wasmCloud 0.82 entities and their `wasmbus://` URLs, exactly as `wasmcloud-core` 0.82 formats
 * them (`WasmCloudEntity::url`, `Invocation::origin_url`/`target_url`). The URLs are what an
 * invocation token signs, so a single character of difference breaks interoperability.
 */

/**
 * An actor or a capability provider, as the 0.82 wire names it. An actor has empty `link_name`
 * and `contract_id`; a provider has both.
 *
 * @example
 * ```ts
 * const actor: WasmCloudEntity = { public_key: 'MDNX…', link_name: '', contract_id: '' };
 * const provider: WasmCloudEntity = { public_key: 'VC3I…', link_name: 'default', contract_id: 'wasmcloud:keyvalue' };
 * ```
 */
export interface WasmCloudEntity {
  public_key: string;
  link_name: string;
  contract_id: string;
}

/**
 * The entity's URL as 0.82 writes it: `wasmbus://{public_key}` when the key starts with `M` or
 * `m` (0.82 upper-cases the key and tests its first letter), else
 * `wasmbus://{contract_id: ':'→'/', ' '→'_', lower-cased}/{link_name: ' '→'_', lower-cased}/{public_key}`.
 * Every `:` and space is replaced (Rust's `str::replace` replaces all), and lower-casing is
 * Unicode lower-casing, as Rust's `to_lowercase`.
 *
 * @example
 * ```ts
 * entityUrl({ public_key: 'VC3I…GCXW', link_name: 'default', contract_id: 'wasmcloud:testoperation' });
 * // 'wasmbus://wasmcloud/testoperation/default/VC3I…GCXW'
 * ```
 */
export function entityUrl(entity: WasmCloudEntity): string {
  const pk = entity.public_key;
  // to_uppercase().starts_with('M'): only 'M' and 'm' upper-case to a text starting with M.
  const first = pk.charCodeAt(0);
  if (first === 0x4d || first === 0x6d) return `wasmbus://${pk}`;
  const contract = entity.contract_id.replaceAll(':', '/').replaceAll(' ', '_').toLowerCase();
  const link = entity.link_name.replaceAll(' ', '_').toLowerCase();
  return `wasmbus://${contract}/${link}/${pk}`;
}

/**
 * The URL of an invocation's target with its operation: `entityUrl(target) + '/' + operation`.
 *
 * @example
 * ```ts
 * targetUrl({ public_key: 'MDNX…', link_name: '', contract_id: '' }, 'Echo.Echo'); // 'wasmbus://MDNX…/Echo.Echo'
 * ```
 */
export function targetUrl(target: WasmCloudEntity, operation: string): string {
  return `${entityUrl(target)}/${operation}`;
}

/**
 * True when 0.82 would treat the entity as an actor (`is_actor`: an empty link name or an empty
 * contract id). The URL uses the key's first letter instead; checkInvocationShape requires both
 * to agree.
 */
export function isActorEntity(entity: WasmCloudEntity): boolean {
  return entity.link_name === '' || entity.contract_id === '';
}

/**
 * An actor entity (empty link name and contract id), as 0.82 builds one.
 *
 * @example
 * ```ts
 * actorEntity('MDNX3CB6VBXG55GOJ6UYON7AMK6SLYPB6GLPRZGTEE6625EFLJDQKWWR');
 * ```
 */
export function actorEntity(publicKey: string): WasmCloudEntity {
  return { public_key: publicKey, link_name: '', contract_id: '' };
}

/**
 * A provider entity.
 *
 * @example
 * ```ts
 * providerEntity('VC3I…GCXW', 'default', 'wasmcloud:keyvalue');
 * ```
 */
export function providerEntity(publicKey: string, linkName: string, contractId: string): WasmCloudEntity {
  return { public_key: publicKey, link_name: linkName, contract_id: contractId };
}
