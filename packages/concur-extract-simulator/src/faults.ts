/**
 * Seeded fault injection. Every eligible request draws the same number of random values, so a
 * given seed and request sequence always yields the same faults.
 */
import {makeRng, Rng} from './rng';
import {Faults} from './scenario';

export type StatusFault =
  | 'rate_429'
  | 'rate_500'
  | 'rate_502'
  | 'rate_503'
  | 'forbidden'
  | 'expire_token';
export type BodyFault = 'reset_mid_body' | 'malformed_xml' | 'xml_entity';
export type FaultName = StatusFault | BodyFault | 'stall';

export interface FaultPlan {
  status?: StatusFault;
  stallMs?: number;
  /** Candidate body fault; applied (and counted) only when the body fits. */
  body?: BodyFault;
}

const rate = (v: number | boolean | undefined) =>
  v === true ? 1 : typeof v === 'number' ? v : 0;

const RATE_FAULTS = ['rate_429', 'rate_500', 'rate_502', 'rate_503'] as const;
const BODY_FAULTS = ['reset_mid_body', 'malformed_xml', 'xml_entity'] as const;

/** The fault whose slice of [0, 1), laid end to end by rate in `names` order, holds `draw`. */
function pickByRate<N extends keyof Faults>(
  f: Faults,
  names: readonly N[],
  draw: number
): N | undefined {
  let edge = 0;
  for (const name of names) {
    edge += rate(f[name] as number | boolean | undefined);
    if (draw < edge) return name;
  }
  return undefined;
}

export class FaultInjector {
  private f: Faults;
  private rng: Rng;
  private applied = 0;
  private apiRequests = 0;
  private onlyPaths?: RegExp;

  constructor(faults: Faults = {}) {
    this.f = {...faults};
    this.rng = makeRng(`faults:${faults.seed ?? 0}`);
    this.compile();
  }

  get settings(): Faults {
    return {...this.f};
  }

  /** Merge new settings; restarts the fault cap, and the random sequence when `seed` is given. */
  update(partial: Partial<Faults>): void {
    this.f = {...this.f, ...partial};
    if (partial.seed !== undefined) {
      this.rng = makeRng(`faults:${partial.seed}`);
      this.apiRequests = 0;
    }
    this.applied = 0;
    this.compile();
  }

  private compile(): void {
    this.onlyPaths = this.f.only_paths
      ? new RegExp(this.f.only_paths)
      : undefined;
  }

  /** Count one fault if the cap allows it. */
  private take(): boolean {
    if (this.f.max_faults !== undefined && this.applied >= this.f.max_faults)
      return false;
    this.applied++;
    return true;
  }

  /** Decide the faults of one request. `isApi`: an Extract API call (not the token endpoint). */
  plan(path: string, isApi: boolean): FaultPlan {
    if (this.onlyPaths && !this.onlyPaths.test(path)) return {};
    const f = this.f;
    const a = this.rng();
    const b = this.rng();
    const c = this.rng();
    const plan: FaultPlan = {};
    if (isApi) this.apiRequests++;
    const every = f.expire_token_every ?? 0;
    if (isApi && f.forbidden_always) {
      if (this.take()) plan.status = 'forbidden';
    } else if (isApi && every > 0 && this.apiRequests % every === 0) {
      if (this.take()) plan.status = 'expire_token';
    } else {
      const name = pickByRate(f, RATE_FAULTS, a);
      if (name && this.take()) plan.status = name;
    }
    if (!plan.status && b < rate(f.stall_rate) && this.take())
      plan.stallMs = f.stall_ms ?? 30_000;
    const body = pickByRate(f, BODY_FAULTS, c);
    if (body) plan.body = body;
    return plan;
  }

  /** Apply the planned body fault if it fits this body; XML faults need an XML document. */
  bodyFault(plan: FaultPlan, isXmlDocument: boolean): BodyFault | undefined {
    if (!plan.body || plan.status) return undefined;
    if (plan.body !== 'reset_mid_body' && !isXmlDocument) return undefined;
    return this.take() ? plan.body : undefined;
  }

  /** Bytes to send before a reset. */
  resetAfter(length: number): number {
    const half = Math.floor(length / 2);
    const n = this.f.reset_after_bytes ?? Math.min(half, 1024 * 1024);
    return Math.max(0, Math.min(n, Math.max(length - 1, 0)));
  }

  retryAfter(): number | null {
    return this.f.retry_after_seconds === undefined
      ? 1
      : this.f.retry_after_seconds;
  }
}
