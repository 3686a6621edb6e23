/** The one source of "now". Production uses the system clock; tests move a MovableClock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move, or that runs at an offset from real time. */
export class MovableClock implements Clock {
  #offsetMs: number;
  #frozenAt: number | null;

  constructor(start?: Date, running = false) {
    const real = Date.now();
    this.#offsetMs = start ? start.getTime() - real : 0;
    this.#frozenAt = running ? null : (start?.getTime() ?? real);
  }

  now(): Date {
    return new Date(this.#frozenAt ?? Date.now() + this.#offsetMs);
  }

  /** Moves the clock forward (or back, with a negative number) by `ms`. */
  advance(ms: number): void {
    if (this.#frozenAt === null) this.#offsetMs += ms;
    else this.#frozenAt += ms;
  }

  set(at: Date): void {
    if (this.#frozenAt === null) this.#offsetMs = at.getTime() - Date.now();
    else this.#frozenAt = at.getTime();
  }
}
