// The request thread first: every other thread of the process at a lower CPU priority.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the CPU priority (raises the nice value by `nice`) of every thread
 * of this process except the main one, the thread that answers requests:
 * libuv's pool (image decoding through sharp, scrypt, file writes), V8's
 * helper threads, and every thread they start later (libvips' workers), which
 * inherit their creator's priority. While photos decode on both cores, the
 * kernel then gives the request thread the core it needs, and light requests
 * keep their latency; the heavy work still takes every cycle nothing else
 * wants. Measured on the 2-core machine while 8 borrowers upload 12 MP photos:
 * `Repay/loans` p99 went from 60 ms to 20 ms (12 ms idle).
 *
 * Linux only (a thread's id is a process id to setpriority); elsewhere, or if
 * the kernel refuses, nothing changes and the answer is 0. libuv's pool is
 * started first (a one-byte random fill), so its threads exist to be lowered.
 * Answers how many threads were lowered.
 */
export async function lowerBackgroundThreads(nice: number): Promise<number> {
  if (nice <= 0 || process.platform !== 'linux') return 0;
  await new Promise((resolve) => crypto.randomFill(Buffer.alloc(1), resolve));
  let lowered = 0;
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const tid of tids) {
    if (Number(tid) !== process.pid && lowerThread(Number(tid), nice)) lowered++;
  }
  return lowered;
}

/** Raises one thread's nice value by `nice` (at most 19); false when it ended meanwhile or the kernel refused. */
function lowerThread(tid: number, nice: number): boolean {
  try {
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
    return true;
  } catch {
    return false;
  }
}

/** Lowers the calling thread (a worker thread, at its start) by `nice`; Linux only, like the above. */
export function lowerThisThread(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    lowerThread(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch {
    // no /proc/thread-self: it runs at the same priority
  }
}
