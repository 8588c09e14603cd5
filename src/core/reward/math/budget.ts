// Every check runs under a budget so that adversarial answers (towers of exponents, 9999!, megabyte
// strings) end with a verdict instead of a hang. Time is read from the clock, not from signals, so the
// same code is safe on worker threads; the pool adds a hard wall-clock limit on top.

export class BudgetExceeded extends Error {
  constructor(readonly what: string) {
    super(`budget exceeded: ${what}`);
  }
}

/** Thrown when a value cannot be represented (float overflow, exact number too large). */
export class Unrepresentable extends Error {}

export class Budget {
  private readonly deadline: number;
  private steps = 0;

  constructor(readonly timeMs: number, readonly maxSteps = 2_000_000) {
    this.deadline = performance.now() + timeMs;
  }

  /** Charge `cost` steps; every few hundred steps the clock is consulted. */
  tick(cost = 1): void {
    const before = this.steps;
    this.steps += cost;
    if (this.steps > this.maxSteps) throw new BudgetExceeded(`more than ${this.maxSteps} evaluation steps`);
    if ((before >> 8) !== (this.steps >> 8) && performance.now() > this.deadline) {
      throw new BudgetExceeded(`more than ${this.timeMs} ms`);
    }
  }

  expired(): boolean {
    return performance.now() > this.deadline;
  }
}
