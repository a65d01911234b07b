/** The shapes `planCompromise` and `applyCompromise` return (plain data, ready for `--json`). */
import type { UserScope } from '../../claims/nats/types.js';
import type { ErrorCode } from '../../errors.js';
import type { Restriction } from '../../keys/restrictions.js';
import type { Role } from '../../nkeys/roles.js';

/** An entity whose token lists the compromised key among its signing keys. */
export interface CompromiseParent {
  kind: 'operator' | 'account';
  /** The operator (store folder) it belongs to; for an operator, itself. */
  operator: string;
  name: string;
  /** Its identity key. */
  publicKey: string;
  /** The scope of the compromised key (account signing keys); the replacement gets the same. `null`: unscoped. */
  scope: UserScope | null;
  /** sigchain's delegation restriction of the compromised key (absent: it may sign all); the replacement gets the same. */
  restriction?: Restriction;
  /** The replacement key an interrupted run chose (it will be used again). */
  replacement?: string;
  /** True when its token already lists the replacement instead of the compromised key. */
  replaced: boolean;
  /** The key that will re-sign its token (not set once `replaced`). */
  signer?: { publicKey: string; as: 'identity' | 'signing-key' };
  /** Why its token cannot be re-signed now. Nothing is changed until it can: pass the key with -K. */
  blocked?: {
    code: ErrorCode;
    message: string;
    /**
     * The public key whose private key would unblock it (give it with -K): the operator's
     * identity key for an operator token; for an account token, an operator signing key (its
     * identity key when it lists none, or when all it lists are barred).
     */
    needs: string;
  };
}

/** A token the compromised key signed, to be re-issued with the replacement key. */
export interface ReissueTarget {
  kind: 'account' | 'user' | 'activation';
  operator: string;
  /** The account: the re-issued account itself, the user's account, or the account importing with the activation. */
  account: string;
  /** The account or user name; for an activation, the import's name (else its subject). */
  name: string;
  /** The token's subject. */
  publicKey: string;
  /** Users: whether the creds file can be rewritten, and with which seed. */
  creds?: 'key-store' | 'creds-file' | 'none';
  /** Users: the stored file was damaged; its claims come from the interrupted run's backup. */
  fromBackup?: boolean;
}

/** Something that is not (fully) re-issued, and why. */
export interface NotReissued {
  kind: 'account' | 'user' | 'activation' | 'creds';
  operator: string;
  account?: string;
  name: string;
  reason: string;
}

/** The blast radius of a compromised signing key: what `applyCompromise` would do. */
export interface CompromisePlan {
  publicKey: string;
  role: Role;
  /**
   * `listed`: entities list it; `resuming`: an interrupted run is to be finished; `not-listed`:
   * no entity lists it (never did, or it was handled already).
   */
  status: 'listed' | 'resuming' | 'not-listed';
  parents: CompromiseParent[];
  /** Tokens to re-issue. */
  reissue: ReissueTarget[];
  /** Tokens an interrupted run already re-issued with the replacement key. */
  alreadyReissued: number;
  /** Tokens (and creds files) that will not be re-issued, with the reason. */
  cannot: NotReissued[];
  /** Tokens of the same parents signed by other keys: left byte for byte as they are. */
  untouched: number;
  notes: string[];
  /**
   * What could not be searched (an operator or account JWT, an account's users, an activation
   * that cannot be read): the key may have signed or be listed there. When not empty the plan
   * is incomplete, and applying it is refused with `SEARCH_INCOMPLETE`.
   */
  unsearched: Unsearched[];
}

/** A part of the store `keys compromised` could not read, so could not search. */
export interface Unsearched {
  kind: 'operator' | 'account' | 'users' | 'user' | 'activation';
  operator: string;
  /** The account it is in (for users and activations), or the account itself. */
  account?: string;
  name: string;
  /** Why: the code of the refusal to read it. */
  code: string;
}

/** Progress of {@link CompromiseResult}'s work, for a progress bar. */
export interface CompromiseProgress {
  phase: 'accounts' | 'users';
  done: number;
  total: number;
}

/** What `applyCompromise` did. */
export interface CompromiseResult {
  publicKey: string;
  role: Role;
  /** `done`, or `not-listed` when there was nothing to do. */
  status: 'done' | 'not-listed';
  /** True when it finished an interrupted run. */
  resumed: boolean;
  /** The new signing keys, one per parent. */
  replacements: Array<{ kind: 'operator' | 'account'; operator: string; name: string; publicKey: string; storedAt: string; scope?: string }>;
  /** Tokens re-signed with another key of their parent: the parents themselves, and accounts whose imports carried activations. */
  resigned: Array<{ kind: 'operator' | 'account'; operator: string; name: string; signer: string; as: 'identity' | 'signing-key' }>;
  /** Tokens re-issued with the replacement key. */
  reissued: ReissueTarget[];
  /** Creds files rewritten. */
  credsWritten: number;
  cannot: NotReissued[];
  /** True when the compromised key's seed was in the key store and is now retired there. */
  retired: boolean;
  warnings: string[];
  /** What to do next on the servers. */
  next: string[];
  /** Wall time of the whole run. */
  seconds: number;
  /**
   * Where the time went: reading the store (`scan`), re-signing the parents, re-issuing the
   * users (signing and writing their files), and making it all durable (`sync`).
   */
  phases: { scan: number; parents: number; users: number; sync: number };
}
