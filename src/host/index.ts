export { type CallOptions, call, callWithId } from './call.js';
export { type NatsConnectOptions, connectNats } from './connect.js';
export { echoActor } from './echo.js';
export {
  type ClusterSettings,
  type Host,
  type HostActor,
  type HostStats,
  type OperationContext,
  type OperationHandler,
  type StartHostOptions,
  startHost,
} from './host.js';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_LATTICE,
  type InvocationAnswer,
  type SendInvocationOptions,
  checkLattice,
  refusalError,
  refusalText,
  rpcSubject,
  sendInvocation,
  targetEntity,
} from './invoke.js';
