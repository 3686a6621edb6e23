import { AppError } from '../errors.ts';

/**
 * A named queue for heavy work (image decoding, PDF printing): at most
 * `concurrency` jobs run at once, at most `maxWaiting` wait, and past that a
 * job is refused at once with 503 and Retry-After instead of queueing without
 * end. Image jobs run on libuv's thread pool, like scrypt: keeping
 * `concurrency` below the pool's size leaves threads for sign-in.
 */
export interface WorkQueue {
  readonly name: string;
  run<T>(job: () => Promise<T>): Promise<T>;
  stats(): WorkQueueStats;
}

/** Jobs running and waiting now, the most that ever ran at once, and how long jobs waited for their turn. */
export interface WorkQueueStats {
  name: string;
  concurrency: number;
  maxWaiting: number;
  running: number;
  waiting: number;
  peak: number;
  started: number;
  refused: number;
  /** Milliseconds jobs waited before starting: total, the longest, and the median and p99 of the last 1,000. */
  wait: { totalMs: number; maxMs: number; p50Ms: number; p99Ms: number };
}

export const queueBusy = () => new AppError(503, 'busy', 'errors.busy', { headers: { 'Retry-After': '5' } });

const RECENT = 1000;
const all = new Set<WorkQueue>();

/** Every queue made in this process, for the queue report (SIGUSR2 in main.ts, the benchmark). */
export function allQueueStats(): WorkQueueStats[] {
  return [...all].map((q) => q.stats());
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export interface WorkQueueOptions {
  concurrency: number;
  maxWaiting: number;
  /** Told how long (seconds) each job waited before it ran (the metrics' queue wait). */
  onWait?: (seconds: number) => void;
  /** Told of each job refused because the queue was full. */
  onRefused?: () => void;
}

export function createWorkQueue(name: string, options: WorkQueueOptions, now: () => number = () => performance.now()): WorkQueue {
  let running = 0;
  let peak = 0;
  let started = 0;
  let refused = 0;
  let totalWait = 0;
  let maxWait = 0;
  const recent: number[] = [];
  const waiting: Array<() => void> = [];
  // A finished job hands its slot straight to the next waiter, so a newcomer can never slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const queue: WorkQueue = {
    name,
    async run<T>(job: () => Promise<T>): Promise<T> {
      const asked = now();
      if (running < options.concurrency) running++;
      else {
        if (waiting.length >= options.maxWaiting) {
          refused++;
          options.onRefused?.();
          throw queueBusy();
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      started++;
      peak = Math.max(peak, running);
      const waited = now() - asked;
      options.onWait?.(waited / 1000);
      totalWait += waited;
      maxWait = Math.max(maxWait, waited);
      recent.push(waited);
      if (recent.length > RECENT) recent.shift();
      try {
        return await job();
      } finally {
        release();
      }
    },
    stats: () => {
      const sorted = [...recent].sort((a, b) => a - b);
      const r = (ms: number) => Math.round(ms * 10) / 10;
      return {
        name,
        concurrency: options.concurrency,
        maxWaiting: options.maxWaiting,
        running,
        waiting: waiting.length,
        peak,
        started,
        refused,
        wait: { totalMs: r(totalWait), maxMs: r(maxWait), p50Ms: r(percentile(sorted, 0.5)), p99Ms: r(percentile(sorted, 0.99)) },
      };
    },
  };
  all.add(queue);
  return queue;
}
