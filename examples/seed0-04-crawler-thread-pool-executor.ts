// Seed 000_662332178814a49c.txt, program 4 — "示例" (example): a small crawler on a
// ThreadPoolExecutor(2); each download's Future gets a parse callback.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed0-04-crawler-thread-pool-executor.js
//
// Python original:
//   def get(url):
//       print('GET %s' % url)
//       resp = requests.get(url)
//       time.sleep(3)
//       return {'url': url, 'content': resp.text}
//
//   def parse(future):
//       ret = future.result()
//       print('parse content is %s' % len(ret['content']))
//
//   if __name__ == '__main__':
//       urls = ['http://www.baidu.com', 'http://cnblogs.com', 'http://www.python.org']
//       pool = ThreadPoolExecutor(2)
//       for url in urls:
//           pool.submit(get, url).add_done_callback(parse)
//
// There is no internet here, so the example serves the three sites itself from a local
// HTTP server (see support/fake-web.ts) and crawls that.
// What it shows: only 2 GETs run at once; the third starts when a slot frees up.
import { ThreadPoolExecutor, type Future } from 'pypool';
import { pageOfSize, startFakeWeb } from './support/fake-web.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Page {
  url: string;
  content: string;
}

async function get(url: string): Promise<Page> {
  console.log(`GET ${url}`);
  const resp = await fetch(url); // requests.get(url)
  const content = await resp.text();
  await sleep(300); // time.sleep(3), scaled: 1 s -> 100 ms
  return { url, content };
}

async function parse(future: Future<Page>): Promise<void> {
  const ret = await future.result();
  console.log(`parse content is ${ret.content.length}`);
}

const web = await startFakeWeb({
  '/www.baidu.com': pageOfSize('百度一下', 2381),
  '/cnblogs.com': pageOfSize('博客园', 46750),
  '/www.python.org': pageOfSize('Welcome to Python.org', 50102),
});
const urls = [web.url('/www.baidu.com'), web.url('/cnblogs.com'), web.url('/www.python.org')];

const pool = new ThreadPoolExecutor(2);
for (const url of urls) {
  pool.submit(get, url).add_done_callback(parse);
}

// Not in the original: Python's script ends when its threads do; ours must also stop the
// local web server, so wait for the pool to drain first.
await pool.shutdown(true);
await web.close();
