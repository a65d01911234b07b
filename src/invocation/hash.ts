/**
 * The invocation hash of wasmCloud 0.78–0.82 (`wasmcloud_core::invocation_hash`):
 * `HEXUPPER(SHA-256(origin_url ‖ target_url ‖ operation ‖ msg))`, plain concatenation with no
 * separators (the operation appears twice: once inside target_url). The token signs this hash
 * and both URLs.
 */
import { createHash } from 'node:crypto';
import { SigchainError } from '../errors.js';
import { type WasmCloudEntity, entityUrl, targetUrl } from './entity.js';

/**
 * The 0.82 hash of the four parts (the argument order of 0.82 itself is target, origin; the bytes
 * hashed are origin first).
 *
 * @example
 * ```ts
 * invocationHashOf('wasmbus://MDNX…', 'wasmbus://wasmcloud/testoperation/default/VC3I…/TestOperation.HandleTest',
 *   'TestOperation.HandleTest', Uint8Array.of(0xf0, 0x9f, 0x8c, 0xae));
 * // '4D86A5A93DCAC493863241F746474A6E4E7EF78005A1FB6D7BAD32EE3021CF1D'
 * ```
 */
export function invocationHashOf(originUrl: string, targetUrlWithOp: string, operation: string, msg: Uint8Array): string {
  return createHash('sha256').update(originUrl, 'utf8').update(targetUrlWithOp, 'utf8').update(operation, 'utf8').update(msg).digest('hex').toUpperCase();
}

/**
 * The hash an invocation's token must carry (0.82 `Invocation::hash`).
 *
 * @example
 * ```ts
 * const hash = invocationHash(req); // 64 upper-case hex digits
 * ```
 */
export function invocationHash(req: { origin: WasmCloudEntity; target: WasmCloudEntity; operation: string; msg: Uint8Array }): string {
  return invocationHashOf(entityUrl(req.origin), targetUrl(req.target, req.operation), req.operation, req.msg);
}

/**
 * The operation as 0.82 puts it on the wire: what follows the last `/` of `ns:pkg/Op`
 * (`wasmcloud:bus/TestOperation.HandleTest` → `TestOperation.HandleTest`). 0.82 refuses an
 * operation without `/` ("failed to parse operation"), and so does this.
 *
 * @example
 * ```ts
 * operationName('wasmcloud:bus/TestOperation.HandleTest'); // 'TestOperation.HandleTest'
 * ```
 */
export function operationName(operation: string): string {
  const slash = operation.lastIndexOf('/');
  if (slash < 0) throw new SigchainError('MALFORMED_INVOCATION', `The operation "${operation.slice(0, 80)}" has no interface: give it as ns:pkg/Operation (e.g. wasmcloud:bus/Echo.Echo); 0.82 keeps the part after the last /.`);
  return operation.slice(slash + 1);
}
