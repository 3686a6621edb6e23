import client from 'prom-client';

/**
 * What this process measures beside each app's own metrics (src/http/operations.ts):
 * the Node.js process (CPU, memory, event loop, GC) and the image work queue, which
 * is one per process (libuv's thread pool is). Every app in the process answers
 * these on its /metrics merged with its own.
 */
export const processRegistry = new client.Registry();
client.collectDefaultMetrics({ register: processRegistry, prefix: 'cuota_' });

/** How long a job waited in a work queue before it ran (seconds), per queue. */
export const queueWait = new client.Histogram({
  name: 'cuota_work_queue_wait_seconds',
  help: 'Time a job (an uploaded image) waited in a work queue before it started',
  labelNames: ['queue'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});

/** Jobs refused because the queue was full (answered 503 busy). */
export const queueRefused = new client.Counter({
  name: 'cuota_work_queue_refused_total',
  help: 'Jobs refused at once because the queue was full (503 busy)',
  labelNames: ['queue'] as const,
  registers: [processRegistry],
});

const watchedQueues = new Set<{ name: string; stats(): { running: number; waiting: number } }>();

/** Jobs running and waiting now, per work queue. */
new client.Gauge({
  name: 'cuota_work_queue_jobs',
  help: 'Jobs running and waiting now in a work queue',
  labelNames: ['queue', 'state'] as const,
  registers: [processRegistry],
  collect() {
    this.reset();
    for (const q of watchedQueues) {
      const { running, waiting } = q.stats();
      this.inc({ queue: q.name, state: 'running' }, running);
      this.inc({ queue: q.name, state: 'waiting' }, waiting);
    }
  },
});

/** Reports a work queue's jobs in the process's metrics. */
export function watchQueue(queue: { name: string; stats(): { running: number; waiting: number } }): void {
  watchedQueues.add(queue);
}
