import http from 'node:http';

/**
 * Sends a request's headers (and `body`, maybe only part of what
 * Content-Length promises) and answers the response as soon as it arrives,
 * without ever sending the rest: how a test proves the server answered before
 * reading the body. Rejects if no answer comes within `timeoutMs`.
 */
export function rawRequest(
  base: string,
  path: string,
  headers: Record<string, string>,
  options: { body?: Buffer; method?: string; timeoutMs?: number } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; abort(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: options.method ?? 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), abort: () => req.destroy() });
      });
      res.on('error', reject);
    });
    req.flushHeaders();
    if (options.body) req.write(options.body);
  });
}

/** Starts a request that sends its headers and part of its body, then holds the connection open. */
export function openUpload(base: string, path: string, headers: Record<string, string>, partial: Buffer): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: 'POST', headers });
    req.on('error', () => {});
    req.flushHeaders();
    req.write(partial, (err) => (err ? reject(err) : resolve(req)));
  });
}
