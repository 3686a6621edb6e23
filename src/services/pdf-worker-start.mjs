// The printer thread's entry (printing.ts). On Node 20 a worker thread's own
// entry is not run through the loader hooks the main thread registered with
// tsx (a .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION even with the same
// execArgv), so this plain module registers tsx and then loads the printer.
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker.ts');
