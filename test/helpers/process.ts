import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Starts src/main.ts as a real process; resolves with its URL once it listens. */
export function bootPortal(env: Record<string, string>, started?: ChildProcess[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The caller's list of every child started, to kill them all even when one fails to boot.
  started?.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk;
      const m = /Cuota is listening on (http:\/\/[^"\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
  });
}

/** The exit code (null when killed by a signal). */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Resolves once the output contains `text` (the process writes it as it goes). */
export function waitForOutput(child: ChildProcess, output: () => string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output().includes(text)) {
        child.stdout!.off('data', check);
        child.off('exit', gone);
        resolve();
      }
    };
    const gone = () => reject(new Error(`exited before writing ${text}:\n${output()}`));
    child.stdout!.on('data', check);
    child.once('exit', gone);
    check();
  });
}
