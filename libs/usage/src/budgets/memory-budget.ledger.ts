import { systemClock, type Clock } from '@tollgate/time';
import type { BudgetLedger, BudgetOwner, BudgetReservation, ReserveResult, SpendBaseline } from './budget.ledger';
import { admits } from './budget.ledger';

interface Counter {
  spent: number;
  reserved: number;
  generation: string;
  resetsAtMs: number;
}

export interface MemoryBudgetLedgerOptions {
  baseline: SpendBaseline;
  /** Counters of ended periods are dropped by this clock's time. Default: the system clock. */
  clock?: Clock;
}

/** The ledger of one process (embedded mode: a single gateway). Same rules as the Redis ledger. */
export class MemoryBudgetLedger implements BudgetLedger {
  private readonly counters = new Map<string, Counter>();
  private readonly clock: Clock;
  private generations = 0;

  constructor(private readonly options: MemoryBudgetLedgerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async reserve(owner: BudgetOwner, periodKey: string, limitMicros: number, estimateMicros: number, resetsAt: Date): Promise<ReserveResult> {
    const key = counterKey(owner, periodKey);
    let counter = this.counters.get(key);
    if (!counter) {
      const baseline = await this.options.baseline(owner, periodKey);
      this.prune();
      // Another request may have initialised it while the baseline was read: the first one wins.
      counter = this.counters.get(key);
      if (!counter) {
        counter = { spent: baseline, reserved: 0, generation: String(++this.generations), resetsAtMs: resetsAt.getTime() };
        this.counters.set(key, counter);
      }
    }
    if (!admits(counter.spent, counter.reserved, estimateMicros, limitMicros)) return { ok: false, spentMicros: counter.spent, resetsAt };
    counter.reserved += estimateMicros;
    return { ok: true, reservation: { owner, periodKey, estimateMicros, generation: counter.generation } };
  }

  async settle(reservation: BudgetReservation, actualMicros: number): Promise<void> {
    const counter = this.counters.get(counterKey(reservation.owner, reservation.periodKey));
    if (!counter) return;
    if (counter.generation === reservation.generation) counter.reserved = Math.max(0, counter.reserved - reservation.estimateMicros);
    counter.spent += actualMicros;
  }

  async release(reservation: BudgetReservation): Promise<void> {
    await this.settle(reservation, 0);
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** Test and diagnostics view of a counter. */
  peek(owner: BudgetOwner, periodKey: string): { spentMicros: number; reservedMicros: number } | undefined {
    const counter = this.counters.get(counterKey(owner, periodKey));
    return counter && { spentMicros: counter.spent, reservedMicros: counter.reserved };
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, counter] of this.counters) if (counter.resetsAtMs <= now) this.counters.delete(key);
  }
}

function counterKey(owner: BudgetOwner, periodKey: string): string {
  return `${owner.scope}\u0000${owner.id}\u0000${periodKey}`;
}
