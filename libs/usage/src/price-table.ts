import { createHash } from 'node:crypto';
import { DEFAULT_PRICES, DEFAULT_PRICES_DATE } from './default-prices';

/** USD per million tokens for the models a pattern names, at one provider instance (or `*`: any). */
export interface ModelPrice {
  /** A provider instance name from the config (`openai`, `azure-east`…), or `*` for every instance. */
  provider: string;
  /** A model name, or a glob where `*` stands for any run of characters: `gpt-4o*`, `claude-*-haiku*`. */
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A price entry as configured: provider defaults to `*`; unset cache prices are charged like input tokens. */
export interface PriceEntryInput {
  provider?: string;
  model: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface PriceSettings {
  /** Start from DEFAULT_PRICES (true) or from an empty table. */
  useDefaults: boolean;
  entries: readonly PriceEntryInput[];
}

/** The token counters of one upstream response, as recorded (input excludes cache reads and writes). */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface Cost {
  /** Integer micro-dollars (1 USD = 1,000,000). */
  costMicros: number;
  /** False when no entry matched the model: the cost is 0 and should not be trusted. */
  priced: boolean;
}

/** Prices carry at most this many decimals (micro-dollars per million tokens); finer digits are rounded away. */
const PRICE_SCALE = 1_000_000n;

interface CompiledPrice {
  price: ModelPrice;
  /** Source order: on equal specificity the later entry (configured after the defaults) wins. */
  order: number;
  exactProvider: boolean;
  exactModel: boolean;
  literalPrefix: number;
  matcher: RegExp;
  scaled: { input: bigint; output: bigint; cacheRead: bigint; cacheWrite: bigint };
}

/**
 * A price table. Lookup takes the most specific entry matching (provider instance, model):
 * 1. an entry naming the provider instance beats a `*` one;
 * 2. then an exact model name beats a glob;
 * 3. then the glob with the longer literal prefix (the characters before its first `*`) wins;
 * 4. then the later entry wins, so a configured entry overrides a default with the same pattern.
 */
export class PriceTable {
  private readonly compiled: CompiledPrice[];
  private readonly cache = new Map<string, CompiledPrice | null>();

  constructor(
    entries: readonly ModelPrice[],
    /** Identifies this table in the rows it priced (`interceptions.price_version`). */
    readonly version: string,
  ) {
    this.compiled = entries.map((price, order) => compile(price, order));
  }

  get entries(): readonly ModelPrice[] {
    return this.compiled.map((entry) => entry.price);
  }

  /** The entry that prices this provider instance's model, if any. */
  find(providerName: string, model: string): ModelPrice | undefined {
    return this.lookup(providerName, model)?.price;
  }

  /**
   * The cost of one token-usage row: each counter times its price, each product rounded half up to a whole
   * micro-dollar, then summed. A model no entry matches costs 0 with `priced: false`.
   */
  cost(providerName: string, model: string, tokens: TokenCounts): Cost {
    const entry = this.lookup(providerName, model);
    if (!entry) return { costMicros: 0, priced: false };
    const micros =
      component(tokens.inputTokens, entry.scaled.input) +
      component(tokens.outputTokens, entry.scaled.output) +
      component(tokens.cacheReadInputTokens, entry.scaled.cacheRead) +
      component(tokens.cacheWriteInputTokens, entry.scaled.cacheWrite);
    return { costMicros: Number(micros), priced: true };
  }

  private lookup(providerName: string, model: string): CompiledPrice | undefined {
    const key = `${providerName}\u0000${model}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let best: CompiledPrice | undefined;
    for (const entry of this.compiled) {
      if (entry.price.provider !== '*' && entry.price.provider !== providerName) continue;
      if (!entry.matcher.test(model)) continue;
      if (!best || moreSpecific(entry, best)) best = entry;
    }
    // Bounded by the distinct (provider, model) pairs seen, which the config's providers and clients' models limit.
    if (this.cache.size < 10_000) this.cache.set(key, best ?? null);
    return best;
  }
}

/** The effective table: the defaults (unless turned off) followed by the configured entries, with its version. */
export function createPriceTable(settings: PriceSettings = { useDefaults: true, entries: [] }): PriceTable {
  const configured = settings.entries.map(resolveEntry);
  const entries = [...(settings.useDefaults ? DEFAULT_PRICES : []), ...configured];
  return new PriceTable(entries, priceVersion(settings.useDefaults, configured));
}

/**
 * `default-<date>` for the defaults alone; `default-<date>+<hash>` with overrides; `custom-<hash>` without the
 * defaults. The hash is the first 12 hex digits of SHA-256 over the configured entries.
 */
export function priceVersion(useDefaults: boolean, configured: readonly ModelPrice[]): string {
  const base = `default-${DEFAULT_PRICES_DATE}`;
  if (configured.length === 0) return useDefaults ? base : 'custom-empty';
  const hash = createHash('sha256').update(JSON.stringify(configured)).digest('hex').slice(0, 12);
  return useDefaults ? `${base}+${hash}` : `custom-${hash}`;
}

function resolveEntry(entry: PriceEntryInput): ModelPrice {
  return {
    provider: entry.provider ?? '*',
    model: entry.model,
    input: entry.input,
    output: entry.output,
    cacheRead: entry.cacheRead ?? entry.input,
    cacheWrite: entry.cacheWrite ?? entry.input,
  };
}

function compile(price: ModelPrice, order: number): CompiledPrice {
  const star = price.model.indexOf('*');
  const source = price.model.split('*').map(escapeRegExp).join('.*');
  return {
    price,
    order,
    exactProvider: price.provider !== '*',
    exactModel: star === -1,
    literalPrefix: star === -1 ? price.model.length : star,
    matcher: new RegExp(`^${source}$`, 's'),
    scaled: { input: scale(price.input), output: scale(price.output), cacheRead: scale(price.cacheRead), cacheWrite: scale(price.cacheWrite) },
  };
}

function moreSpecific(candidate: CompiledPrice, best: CompiledPrice): boolean {
  if (candidate.exactProvider !== best.exactProvider) return candidate.exactProvider;
  if (candidate.exactModel !== best.exactModel) return candidate.exactModel;
  if (candidate.literalPrefix !== best.literalPrefix) return candidate.literalPrefix > best.literalPrefix;
  return candidate.order > best.order;
}

function scale(usdPerMillion: number): bigint {
  if (!Number.isFinite(usdPerMillion) || usdPerMillion < 0) throw new RangeError(`a price must be a finite number ≥ 0, got ${usdPerMillion}`);
  return BigInt(Math.round(usdPerMillion * Number(PRICE_SCALE)));
}

/**
 * tokens × (USD per million tokens) is micro-dollars; with the price scaled by 10^6 that is
 * tokens × scaled / 10^6, rounded half up, in exact integer arithmetic.
 */
function component(tokens: number, scaled: bigint): bigint {
  if (tokens <= 0 || scaled === 0n) return 0n;
  return (BigInt(Math.trunc(tokens)) * scaled + PRICE_SCALE / 2n) / PRICE_SCALE;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
