// The printer thread's entry (printing.ts): a worker thread starts without the
// TypeScript loader the main thread was given (tsx), so it registers its own
// before loading the printer.
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker.ts');
