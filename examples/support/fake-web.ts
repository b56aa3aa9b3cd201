// A tiny local "internet" for the crawler examples: the seed programs fetch
// real sites (baidu.com, python.org, maoyan.com ...), but examples must run
// offline and print the same thing every time, so each crawler example starts
// this server on 127.0.0.1 (ephemeral port) and crawls it instead.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWeb {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Full URL of a page path, e.g. `url('/www.python.org')`. */
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * Serve `pages` (path -> HTML) on 127.0.0.1 with an ephemeral port.
 * Unknown paths answer 404, like a real site would.
 */
export async function startFakeWeb(pages: Record<string, string>): Promise<FakeWeb> {
  const server: Server = createServer((req, res) => {
    const body = pages[req.url ?? '/'];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // fetch() keeps connections alive; drop them so close() returns now.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A page of exactly `size` bytes of ASCII, so `len(text)` is predictable. */
export function pageOfSize(title: string, size: number): string {
  const head = `<html><head><title>${title}</title></head><body>`;
  const tail = '</body></html>';
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
}
