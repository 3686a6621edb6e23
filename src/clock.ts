/** The one source of "now". Production uses the system clock; tests move a MovableClock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and runs forward in real time (CLOCK_AT, for demos). */
export function clockStartingAt(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** A clock that stands still until told to move: tests use it instead of sleeping. */
export class MovableClock implements Clock {
  #at: number;

  constructor(start: Date = new Date()) {
    this.#at = start.getTime();
  }

  now(): Date {
    return new Date(this.#at);
  }

  /** Moves the clock forward (or back, with a negative number) by `ms`. */
  advance(ms: number): void {
    this.#at += ms;
  }

  set(at: Date): void {
    this.#at = at.getTime();
  }
}
