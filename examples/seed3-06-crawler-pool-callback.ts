// Seed 003_7f709452d8791b48.txt, program 6 — "回调函数" (callbacks): Pool(3).apply_async()
// downloads pages in the workers; `callback=` parses each result in the main process.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-06-crawler-pool-callback.js
//
// Python original:
//   def get_page(url):
//       print('<进程%s> get %s' % (os.getpid(), url))
//       respone = requests.get(url)
//       if respone.status_code == 200:
//           return {'url': url, 'text': respone.text}
//   def pasrse_page(res):
//       print('<进程%s> parse %s' % (os.getpid(), res['url']))
//       parse_res = 'url:<%s> size:[%s]\n' % (res['url'], len(res['text']))
//       with open('db.txt', 'a') as f:
//           f.write(parse_res)
//   if __name__ == '__main__':
//       urls = ['https://www.baidu.com', 'https://www.python.org',
//               'https://www.openstack.org', 'http://www.sina.com.cn/']
//       p = Pool(3)
//       res_l = []
//       for url in urls:
//           res = p.apply_async(get_page, args=(url,), callback=pasrse_page)
//           res_l.append(res)
//       p.close()
//       p.join()
//       print([res.get()['url'] for res in res_l])  # 拿到的是get_page的结果 … 完全没必要
//                                    # (get_page's results: not needed, the callback had them)
//
// No internet here: the "sites" are served by a local HTTP server this example starts
// (support/fake-web.ts), and db.txt goes to a temporary directory.
// What it shows: the callback gets the task's *value* (not a future, unlike
// add_done_callback) and runs in the main process, before get() would return it.
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, current_process } from 'pypool';
import { pageOfSize, startFakeWeb } from './support/fake-web.js';

interface Page {
  url: string;
  text: string;
}

const who = () => `${current_process().pid} ${current_process().name}`;

export async function get_page(url: string): Promise<Page | undefined> {
  console.log(`<进程${who()}> get ${url}`);
  const respone = await fetch(url); // (sic)
  if (respone.status === 200) {
    return { url, text: await respone.text() };
  }
  return undefined;
}

if (current_process().name === 'MainProcess') {
  const db = join(mkdtempSync(join(tmpdir(), 'pypool-crawler-')), 'db.txt');

  const pasrse_page = (res: Page | undefined): void => {
    // (sic) the tutorial's spelling
    console.log(`<进程${who()}> parse ${res!.url}`);
    const parse_res = `url:<${res!.url}> size:[${res!.text.length}]\n`;
    appendFileSync(db, parse_res);
  };

  const web = await startFakeWeb({
    '/www.baidu.com': pageOfSize('百度一下', 2443),
    '/www.python.org': pageOfSize('Welcome to Python.org', 50102),
    '/www.openstack.org': pageOfSize('OpenStack', 31234),
    '/www.sina.com.cn/': pageOfSize('新浪首页', 40120),
  });
  const urls = [
    web.url('/www.baidu.com'),
    web.url('/www.python.org'),
    web.url('/www.openstack.org'),
    web.url('/www.sina.com.cn/'),
  ];

  const p = new Pool({ processes: 3, module: import.meta.url });
  const res_l = [];
  for (const url of urls) {
    const res = p.apply_async(get_page, [url], { callback: pasrse_page });
    res_l.push(res);
  }
  p.close();
  await p.join();
  const got = [];
  for (const res of res_l) got.push((await res.get())!.url);
  console.dir(got, { breakLength: Infinity }); // print([...]): one line, like Python

  await web.close();
  // Not in the original: show what the callback wrote.
  console.log(`db.txt:\n${readFileSync(db, 'utf8').trimEnd()}`);
}
