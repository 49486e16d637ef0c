// hasCapability(org, name): AMS's capability review behind a short cache, so the
// installer can gate a feature on an organisation capability without asking AMS on
// every request. A class of its own: the lifecycle calls need no AMS configuration.
import type { AmsClientOptions } from '../ams/config.js';
import { AmsError } from '../ams/errors.js';
import { AmsInputError, AmsOperatorClient, capabilityKey, requireId } from '../ams/operator.js';
import { loadAmsConfig } from '../worker/config.js';
import { ClusterLifecycleError, InvalidInputError } from './errors.js';

export interface CapabilityCheckerOptions {
  /** AMS connection (as the worker's: baseUrl and auth), or a client to share. */
  ams: AmsClientOptions | AmsOperatorClient;
  /** Account whose review is asked; default: the one the credentials log in as (looked up once). */
  accountUsername?: string;
  /** How long an answer is reused, in ms (default 60 000; 0 turns the cache off). */
  cacheTtlMs?: number;
  /** Answers kept at most (the oldest go first; default 10 000). */
  maxEntries?: number;
  /** Clock (epoch ms); tests inject one. */
  now?: () => number;
}

export const CAPABILITY_CACHE_DEFAULTS = { cacheTtlMs: 60_000, maxEntries: 10_000 } as const;

/** AMS could not answer the review (unreachable, refused, 5xx). Never cached: the next call asks again. */
export class CapabilityCheckError extends ClusterLifecycleError {
  override name = 'CapabilityCheckError';
  constructor(
    readonly organizationId: string,
    readonly capability: string,
    /** AMS's HTTP status, when it answered. */
    readonly status: number | undefined,
    options: { cause: unknown },
  ) {
    super(`capability review of ${capability} for organization ${organizationId} failed: ${(options.cause as Error).message}`, options);
  }
}

type Entry = { expiresAt: number; value: boolean } | { pending: Promise<boolean> };

export class CapabilityChecker {
  readonly #ams: AmsOperatorClient;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #account: Promise<string> | undefined;

  constructor(options: CapabilityCheckerOptions) {
    this.#ams = options.ams instanceof AmsOperatorClient ? options.ams : new AmsOperatorClient(options.ams);
    this.#ttlMs = options.cacheTtlMs ?? CAPABILITY_CACHE_DEFAULTS.cacheTtlMs;
    this.#maxEntries = options.maxEntries ?? CAPABILITY_CACHE_DEFAULTS.maxEntries;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#ttlMs) || this.#ttlMs < 0) {
      throw new TypeError(`CapabilityCheckerOptions.cacheTtlMs: must be a whole number >= 0, got ${String(this.#ttlMs)}`);
    }
    if (!Number.isSafeInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new TypeError(`CapabilityCheckerOptions.maxEntries: must be a whole number >= 1, got ${String(this.#maxEntries)}`);
    }
    if (options.accountUsername !== undefined) {
      if (typeof options.accountUsername !== 'string' || options.accountUsername === '') {
        throw new TypeError('CapabilityCheckerOptions.accountUsername: must be a non-empty string');
      }
      this.#account = Promise.resolve(options.accountUsername);
    }
  }

  /**
   * True when AMS's capability review says the organisation has the capability
   * (`bare_metal_installer_multiarch` or the whole key `capability.organization.…`).
   * Calls for the same organisation and capability share one request; an answer is
   * reused for cacheTtlMs; a failure (CapabilityCheckError) is not kept.
   */
  hasCapability(organizationId: string, name: string): Promise<boolean> {
    let capability: string;
    try {
      requireId('hasCapability', 'organizationId', organizationId);
      capability = capabilityKey('hasCapability', name);
    } catch (error) {
      if (error instanceof AmsInputError) return Promise.reject(new InvalidInputError('hasCapability', [{ field: error.field, rule: error.rule }]));
      throw error;
    }
    const key = `${organizationId}\n${capability}`;
    const entry = this.#entries.get(key);
    if (entry && 'pending' in entry) return entry.pending;
    if (entry && entry.expiresAt > this.#now()) return Promise.resolve(entry.value);
    const slot = { pending: Promise.resolve(false) };
    // Only the request still in its slot settles it (clear() may have emptied it meanwhile).
    const mine = () => this.#entries.get(key) === slot;
    slot.pending = this.#review(organizationId, capability).then(
      (value) => {
        if (!mine()) return value;
        this.#entries.delete(key);
        if (this.#ttlMs > 0) this.#remember(key, { expiresAt: this.#now() + this.#ttlMs, value });
        return value;
      },
      (error: unknown) => {
        if (mine()) this.#entries.delete(key);
        throw error;
      },
    );
    this.#remember(key, slot);
    return slot.pending;
  }

  /** Forgets every cached answer (an operator just changed a capability). */
  clear(): void {
    this.#entries.clear();
  }

  async #review(organizationId: string, capability: string): Promise<boolean> {
    try {
      const accountUsername = await this.#accountUsername();
      return await this.#ams.reviewCapability({ accountUsername, capability, organizationId });
    } catch (error) {
      if (!(error instanceof AmsError)) throw error;
      throw new CapabilityCheckError(organizationId, capability, 'status' in error ? (error.status as number) : undefined, { cause: error });
    }
  }

  /** The account the reviews are asked for: the one given, else the login's username, else its id (AMS accounts may have no username). */
  reviewedAccount(): Promise<string> {
    return this.#accountUsername();
  }

  #accountUsername(): Promise<string> {
    this.#account ??= this.#ams.getCurrentAccount().then(
      (account) => account.username ?? account.id,
      (error: unknown) => {
        this.#account = undefined; // not kept: the next call asks again
        throw error;
      },
    );
    return this.#account;
  }

  #remember(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** A checker on the worker's AMS variables (AMS_URL and its credentials); a bad one throws ConfigError naming it. */
export function capabilityCheckerFromEnv(env: Record<string, string | undefined> = process.env, options: Omit<CapabilityCheckerOptions, 'ams'> = {}): CapabilityChecker {
  return new CapabilityChecker({ ...options, ams: loadAmsConfig(env) });
}
