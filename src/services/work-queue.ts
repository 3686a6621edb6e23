import { AppError } from '../errors.ts';

/**
 * A named queue for heavy work (image decoding, later other CPU-bound jobs):
 * at most `concurrency` jobs run at once, at most `maxWaiting` wait, and past
 * that a job is refused at once with 503 and Retry-After instead of queueing
 * without end. Image jobs run on libuv's thread pool, like scrypt: keeping
 * `concurrency` below the pool's size leaves threads for sign-in.
 */
export interface WorkQueue {
  readonly name: string;
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running now, waiting now, and the most that ever ran at once. */
  stats(): { running: number; waiting: number; peak: number };
}

export const queueBusy = () => new AppError(503, 'busy', 'errors.busy', { headers: { 'Retry-After': '5' } });

export interface WorkQueueOptions {
  concurrency: number;
  maxWaiting: number;
  /** Told how long (seconds) each job waited before it ran (the metrics' queue wait). */
  onWait?: (seconds: number) => void;
  /** Told of each job refused because the queue was full. */
  onRefused?: () => void;
}

export function createWorkQueue(name: string, options: WorkQueueOptions): WorkQueue {
  let running = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) next();
  };
  return {
    name,
    async run<T>(job: () => Promise<T>): Promise<T> {
      const queued = performance.now();
      if (running >= options.concurrency) {
        if (waiting.length >= options.maxWaiting) {
          options.onRefused?.();
          throw queueBusy();
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      options.onWait?.((performance.now() - queued) / 1000);
      running++;
      peak = Math.max(peak, running);
      try {
        return await job();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length, peak }),
  };
}
