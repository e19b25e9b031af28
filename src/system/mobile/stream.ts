/**
 * The token stream: the hidden vectors that enter the first layer, one per decoded token, in order.
 * Offloaded MoE inference decodes one token at a time (batch 1), so a cache sees the tokens of one
 * sequence in turn, and what makes caching pay is that consecutive tokens route alike. We model
 * that locality as a first-order autoregressive stream, x_t = rho x_{t-1} + sqrt(1 - rho^2) n_t
 * with n_t standard normal per element (every x_t stays standard normal), rho = `correlation`.
 * rho = 0 is independent tokens; the default 0.5 is our choice (a parameter): with it, about 40%
 * of a token's top-2 experts in a Mixtral layer repeat the previous token's (25% by chance; 20-25%
 * of the top-4/top-6 of Qwen-MoE and DeepSeek-V2-Lite, 7-9% by chance), the kind of temporal
 * locality Mixtral's authors report for consecutive tokens.
 */
import { mulberry32 } from "../../golden/prng.js";
import { gaussian, mixSeed } from "./numerics.js";

export const DEFAULT_TOKEN_CORRELATION = 0.5;

export interface StreamOptions {
  readonly tokens: number;
  readonly hidden: number;
  readonly seed: number;
  /** rho, in [0, 1). */
  readonly correlation?: number;
}

export function tokenStream(o: StreamOptions): Float64Array[] {
  const rho = o.correlation ?? DEFAULT_TOKEN_CORRELATION;
  if (!Number.isInteger(o.tokens) || o.tokens < 0) throw new RangeError(`tokens = ${o.tokens} must be a whole number >= 0`);
  if (!(rho >= 0 && rho < 1)) throw new RangeError(`token correlation ${rho} must be in [0, 1)`);
  const rand = mulberry32(mixSeed(o.seed, 5));
  const fresh = Math.sqrt(1 - rho * rho);
  const out: Float64Array[] = [];
  let prev: Float64Array | undefined;
  for (let t = 0; t < o.tokens; t++) {
    const x = new Float64Array(o.hidden);
    for (let i = 0; i < o.hidden; i++) x[i] = prev ? rho * prev[i] + fresh * gaussian(rand) : gaussian(rand);
    out.push(x);
    prev = x;
  }
  return out;
}
