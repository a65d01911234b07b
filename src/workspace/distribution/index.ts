export { type AccountOutcome, type PushOptions, type PushResult, type ServerOutcome, type ServerStatus, pushAccounts, pushSucceeded } from './push.js';
export { type PullOptions, type PullOutcome, type PullStatus, pullAccounts, pullSucceeded } from './pull.js';
export { type Cluster, DEFAULT_TIMEOUT_MS, type MintedUser, SYSTEM_USER_PUB, SYSTEM_USER_SUB, SYSTEM_USER_TTL, type ServerChoice, chooseServers, mintSystemUser } from './session.js';
