/** The built-in actor of `sigchain host`: `Echo.Echo` answers with the body it was sent. */
import { KeyPair } from '../nkeys/keypair.js';
import type { HostActor } from './host.js';

/**
 * An echo actor with the key given (default: a fresh actor key, printed by the host at start).
 *
 * @example
 * ```ts
 * const host = await startHost({ natsUrl, cluster, actors: [echoActor()] });
 * ```
 */
export function echoActor(publicKey: string = KeyPair.create('module').publicKey, name = 'echo'): HostActor {
  return { name, publicKey, operations: { 'Echo.Echo': (msg) => msg } };
}
