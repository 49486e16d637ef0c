// Fault injection: rules matched per route pattern and method, decided before the
// request is authenticated; the pipeline (pipeline.ts) carries out what they decide.

import { z } from 'zod';
import type { EmulatorClock } from './clock.js';

export const FAULT_KINDS = ['error', 'rate_limit', 'latency', 'reset', 'commit_then_drop', 'outage', 'answer', 'late_commit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Characters Node accepts in a header value (anything else throws when the answer is sent). */
const headerValue = z.string().max(8192).regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must be a valid HTTP header value');
/** HTTP token characters (RFC 9110, 5.6.2). */
const headerName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be an HTTP header name');
/** Set from `contentType` and the body: the answer's framing stays the emulator's. */
const RESERVED_HEADERS = ['content-type', 'content-length', 'transfer-encoding'];
const ANSWER_ONLY = ['body', 'contentType', 'headers'] as const;
/** Statuses HTTP sends without a body. */
const bodiless = (status: number) => status < 200 || status === 204 || status === 304;

export const faultRuleSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    /** Path pattern: `:name` matches one segment, `*` matches anything. Default `*`. */
    route: z.string().min(1).max(500).optional(),
    /** HTTP method or `*`. Default `*`. */
    method: z.string().regex(/^([A-Za-z]+|\*)$/, 'must be an HTTP method or *').optional(),
    /** error: 500, 502 or 503 (default 500). answer: any status 100-599 (required). */
    status: z.int().min(100).max(599).optional(),
    /** answer: the body sent as is (default empty). */
    body: z.string().max(65_536).optional(),
    /** answer: the Content-Type (default none, or text/plain when there is a body). */
    contentType: headerValue.min(1).optional(),
    /** answer: more headers, at most 20 (Content-Type goes in `contentType`). */
    headers: z
      .record(headerName, headerValue)
      .refine((headers) => Object.keys(headers).length <= 20, 'must have at most 20 headers')
      .refine((headers) => Object.keys(headers).every((name) => !RESERVED_HEADERS.includes(name.toLowerCase())), {
        message: `must not set ${RESERVED_HEADERS.join(', ')} (use contentType for the first)`,
      })
      .optional(),
    /** rate_limit: the Retry-After header in seconds (default 1). */
    retryAfterSeconds: z.int().min(0).max(86_400).optional(),
    /** latency: delay added before the request is handled; late_commit: how long the request is held. */
    latencyMs: z.int().min(0).max(600_000).optional(),
    /** Probability in [0, 1] that a matching request is hit. */
    rate: z.number().min(0).max(1).optional(),
    /** Apply to the next N matching requests only (deterministic). */
    count: z.int().min(1).optional(),
    /** Let the first N matching requests through untouched before the rule applies (e.g. fail page 2 of a listing). */
    skip: z.int().min(1).optional(),
    /** outage: window on the emulator clock; absent `from` = now, absent `until` = until cleared. */
    from: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((rule, issues) => {
    const problem = (field: string, message: string) => issues.addIssue({ code: 'custom', path: [field], message });
    if ((rule.kind === 'latency' || rule.kind === 'late_commit') && rule.latencyMs === undefined) {
      problem('latencyMs', `is required for ${rule.kind} faults`);
    }
    if (rule.kind === 'error' && rule.status !== undefined && ![500, 502, 503].includes(rule.status)) {
      problem('status', 'must be 500, 502 or 503 for error faults');
    }
    if (rule.kind !== 'answer') {
      for (const field of ANSWER_ONLY) if (rule[field] !== undefined) problem(field, 'is only for answer faults');
      return;
    }
    if (rule.status === undefined) problem('status', 'is required for answer faults');
    else if (rule.body && bodiless(rule.status)) problem('body', `must be empty: HTTP sends a ${rule.status} without one`);
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Requests left for a `count` rule. */
  remaining?: number;
  /** Matching requests still let through by a `skip` rule before it applies. */
  skipping?: number;
  /** Requests this rule has hit so far. */
  hits: number;
}

export type FaultAction =
  | { kind: 'error'; status: number }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'outage'; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'commit_then_drop' }
  | { kind: 'answer'; status: number; body: string; contentType?: string; headers: Record<string, string> }
  | { kind: 'late_commit'; latencyMs: number };

export interface FaultDecision {
  latencyMs: number;
  action?: FaultAction;
  ruleIds: string[];
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

export class FaultRegistry {
  #rules: { rule: FaultRule; route: RegExp }[] = [];
  #nextId = 1;
  readonly #clock: EmulatorClock;
  readonly #random: () => number;

  constructor(clock: EmulatorClock, random: () => number = Math.random) {
    this.#clock = clock;
    this.#random = random;
  }

  /** Validates and adds a rule; throws a ZodError on bad input. */
  add(input: unknown): FaultRule {
    const parsed = faultRuleSchema.parse(input);
    const rule: FaultRule = {
      ...parsed,
      id: `fault-${this.#nextId++}`,
      hits: 0,
      ...(parsed.count !== undefined ? { remaining: parsed.count } : {}),
      ...(parsed.skip !== undefined ? { skipping: parsed.skip } : {}),
    };
    if (rule.kind === 'outage' && rule.from === undefined) rule.from = this.#clock.nowIso();
    this.#rules.push({ rule, route: patternToRegExp(rule.route ?? '*') });
    return { ...rule };
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((entry) => entry.rule.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  list(): FaultRule[] {
    this.#dropExpired();
    return this.#rules.map((entry) => ({ ...entry.rule }));
  }

  /** Decides what happens to one request, consuming `count` budgets of the rules it hits. */
  decide(method: string, path: string): FaultDecision {
    this.#dropExpired();
    const decision: FaultDecision = { latencyMs: 0, ruleIds: [] };
    const now = this.#clock.now().getTime();
    for (const { rule, route } of this.#rules) {
      if (decision.action) break;
      if (!route.test(path)) continue;
      if (rule.method && rule.method !== '*' && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.kind === 'outage' && !this.#inWindow(rule, now)) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.skipping !== undefined && rule.skipping > 0) {
        rule.skipping -= 1;
        continue;
      }
      if (rule.rate !== undefined && this.#random() >= rule.rate) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      rule.hits += 1;
      decision.ruleIds.push(rule.id);
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
      else decision.action = this.#action(rule, now);
    }
    this.#dropExpired();
    return decision;
  }

  #action(rule: FaultRule, now: number): FaultAction {
    switch (rule.kind) {
      case 'error':
        return { kind: 'error', status: rule.status ?? 500 };
      case 'rate_limit':
        return { kind: 'rate_limit', retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
      case 'outage':
        return rule.until === undefined
          ? { kind: 'outage' }
          : { kind: 'outage', retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(rule.until) - now) / 1000)) };
      case 'reset':
        return { kind: 'reset' };
      case 'answer': {
        const contentType = rule.contentType ?? (rule.body ? 'text/plain' : undefined);
        return {
          kind: 'answer',
          status: rule.status ?? 200,
          body: rule.body ?? '',
          ...(contentType !== undefined ? { contentType } : {}),
          headers: rule.headers ?? {},
        };
      }
      case 'late_commit':
        return { kind: 'late_commit', latencyMs: rule.latencyMs ?? 0 };
      default:
        return { kind: 'commit_then_drop' };
    }
  }

  #inWindow(rule: FaultRule, now: number): boolean {
    const from = rule.from === undefined ? -Infinity : Date.parse(rule.from);
    const until = rule.until === undefined ? Infinity : Date.parse(rule.until);
    return from <= now && now < until;
  }

  /** Exhausted count rules and finished outage windows go away by themselves. */
  #dropExpired(): void {
    const now = this.#clock.now().getTime();
    this.#rules = this.#rules.filter(
      ({ rule }) =>
        !(rule.remaining !== undefined && rule.remaining <= 0) &&
        !(rule.kind === 'outage' && rule.until !== undefined && Date.parse(rule.until) <= now),
    );
  }
}
