// Seed 001_6ec5b9b748fa8350.txt, program 6 — "回调函数" (callbacks): a crawler whose pages
// are fetched in a ProcessPoolExecutor(3) and parsed by add_done_callback() in the main
// process, which appends one line per page to db.txt.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-06-crawler-process-pool-add-done-callback.js
//
// Python original:
//   def get_page(url):
//       print('<进程%s> get %s' % (os.getpid(), url))
//       respone = requests.get(url)
//       if respone.status_code == 200:
//           return {'url': url, 'text': respone.text}
//   def parse_page(res):
//       res = res.result()
//       print('<进程%s> parse %s' % (os.getpid(), res['url']))
//       parse_res = 'url:<%s> size:[%s]\n' % (res['url'], len(res['text']))
//       with open('db.txt', 'a') as f:
//           f.write(parse_res)
//   if __name__ == '__main__':
//       urls = ['https://www.baidu.com', 'https://www.python.org', 'https://www.openstack.org',
//               'https://help.github.com/', 'http://www.sina.com.cn/']
//       p = ProcessPoolExecutor(3)
//       for url in urls:
//           p.submit(get_page, url).add_done_callback(parse_page)
//           # parse_page拿到的是一个future对象obj,需要用obj.result()拿到结果
//           # (parse_page receives a Future; obj.result() gives the value)
//
// No internet here: the five "sites" are served by a local HTTP server this example starts
// (support/fake-web.ts), and db.txt goes to a temporary directory.
// What it shows: downloads happen in the workers (`get` lines name a PoolWorker), parsing
// happens back in the main process (`parse` lines say MainProcess).
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessPoolExecutor, current_process, type Future } from 'pypool';
import { pageOfSize, startFakeWeb } from './support/fake-web.js';

interface Page {
  url: string;
  text: string;
}

const who = () => `${current_process().pid} ${current_process().name}`;

// Runs in a pool worker: fetch() is built into Node, so nothing to install.
export async function get_page(url: string): Promise<Page | undefined> {
  console.log(`<进程${who()}> get ${url}`);
  const respone = await fetch(url); // (sic) the tutorial's spelling
  if (respone.status === 200) {
    return { url, text: await respone.text() };
  }
  return undefined; // Python returns None for a non-200 page
}

if (current_process().name === 'MainProcess') {
  const db = join(mkdtempSync(join(tmpdir(), 'pypool-crawler-')), 'db.txt');

  // Runs in the main process, once per finished future.
  const parse_page = async (future: Future<Page | undefined>): Promise<void> => {
    const res = (await future.result())!;
    console.log(`<进程${who()}> parse ${res.url}`);
    const parse_res = `url:<${res.url}> size:[${res.text.length}]\n`;
    appendFileSync(db, parse_res); // with open('db.txt', 'a') as f: f.write(parse_res)
  };

  const web = await startFakeWeb({
    '/www.baidu.com': pageOfSize('百度一下', 2443),
    '/www.python.org': pageOfSize('Welcome to Python.org', 50102),
    '/www.openstack.org': pageOfSize('OpenStack', 31234),
    '/help.github.com/': pageOfSize('GitHub Docs', 12005),
    '/www.sina.com.cn/': pageOfSize('新浪首页', 40120),
  });
  const urls = [
    web.url('/www.baidu.com'),
    web.url('/www.python.org'),
    web.url('/www.openstack.org'),
    web.url('/help.github.com/'),
    web.url('/www.sina.com.cn/'),
  ];

  const p = new ProcessPoolExecutor(3, { module: import.meta.url });
  for (const url of urls) {
    p.submit(get_page, url).add_done_callback(parse_page);
  }

  // Not in the original: wait for the pool so we can stop the local server, and show
  // what the callbacks wrote.
  await p.shutdown(true);
  await web.close();
  console.log(`db.txt:\n${readFileSync(db, 'utf8').trimEnd()}`);
}
