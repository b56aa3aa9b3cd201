// Seed 003_7f709452d8791b48.txt, program 7 — "爬虫实例" (a crawler): fetch the Maoyan movie
// board in a Pool() worker, pass the compiled regex along, and let the callback extract
// index / title / actors / release time with findall().
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-07-crawler-regex-maoyan.js
//
// Python original (the regex is one line in the real program):
//   def get_page(url, pattern):
//       response = urlopen(url).read().decode('utf-8')
//       return pattern, response
//   def parse_page(info):
//       pattern, page_content = info
//       res = re.findall(pattern, page_content)
//       for item in res:
//           dic = {'index': item[0].strip(), 'title': item[1].strip(),
//                  'actor': item[2].strip(), 'time': item[3].strip()}
//           print(dic)
//   if __name__ == '__main__':
//       regex = r'<dd>.*?<.*?class="board-index.*?>(\d+)</i>.*?title="(.*?)".*?class="movie-item-info".*?<p class="star">(.*?)</p>.*?<p class="releasetime">(.*?)</p>'
//       pattern1 = re.compile(regex, re.S)
//       url_dic = {'http://maoyan.com/board/7': pattern1}
//       p = Pool()
//       res_l = []
//       for url, pattern in url_dic.items():
//           res = p.apply_async(get_page, args=(url, pattern), callback=parse_page)
//           res_l.append(res)
//       for i in res_l:
//           i.get()
//
// No internet here: a local HTTP server this example starts serves a copy of the board's
// markup (three films). A RegExp survives the trip to the worker and back, like a
// compiled pattern survives pickling: structured clone copies its source and flags.
// re.S is the `s` flag; findall needs `g` in JavaScript.
import { Pool, current_process } from 'pypool';
import { startFakeWeb } from './support/fake-web.js';

// urlopen(url).read().decode('utf-8'); fetch is Node's built-in HTTP client.
export async function get_page(url: string, pattern: RegExp): Promise<[RegExp, string]> {
  const response = await (await fetch(url)).text();
  return [pattern, response];
}

function parse_page(info: [RegExp, string]): void {
  const [pattern, page_content] = info;
  for (const item of page_content.matchAll(pattern)) {
    // re.findall(pattern, page_content)
    const dic = {
      index: item[1]!.trim(),
      title: item[2]!.trim(),
      actor: item[3]!.trim(),
      time: item[4]!.trim(),
    };
    console.dir(dic, { breakLength: Infinity }); // print(dic): one line per film
  }
}

const film = (i: number, id: number, title: string, star: string, time: string) => `
    <dd>
      <i class="board-index board-index-${i}">${i}</i>
      <a href="/films/${id}" title="${title}" class="image-link" data-act="boarditem-click">
        <img data-src="https://p0.meituan.net/movie/${id}.jpg" alt="${title}" class="board-img" />
      </a>
      <div class="board-item-main">
        <div class="board-item-content">
          <div class="movie-item-info">
            <p class="name"><a href="/films/${id}" title="${title}">${title}</a></p>
            <p class="star">
                ${star}
            </p>
            <p class="releasetime">${time}</p>
          </div>
        </div>
      </div>
    </dd>`;

if (current_process().name === 'MainProcess') {
  const web = await startFakeWeb({
    '/board/7': `<!DOCTYPE html><html><head><meta charset="utf-8"><title>热映口碑榜</title></head>
<body><dl class="board-wrapper">${[
      film(1, 1203, '霸王别姬', '主演：张国荣,张丰毅,巩俐', '上映时间：1993-07-26'),
      film(2, 1297, '肖申克的救赎', '主演：蒂姆·罗宾斯,摩根·弗里曼,鲍勃·冈顿', '上映时间：1994-09-10(加拿大)'),
      film(3, 2641, '罗马假日', '主演：格利高里·派克,奥黛丽·赫本,埃迪·艾伯特', '上映时间：1953-09-02(美国)'),
    ].join('')}
</dl></body></html>`,
  });

  const regex =
    '<dd>.*?<.*?class="board-index.*?>(\\d+)</i>.*?title="(.*?)".*?class="movie-item-info".*?<p class="star">(.*?)</p>.*?<p class="releasetime">(.*?)</p>';
  const pattern1 = new RegExp(regex, 'gs'); // re.compile(regex, re.S)
  const url_dic = new Map([[web.url('/board/7'), pattern1]]);

  const p = new Pool({ module: import.meta.url }); // Pool(): one worker per CPU
  const res_l = [];
  for (const [url, pattern] of url_dic) {
    const res = p.apply_async(get_page, [url, pattern], { callback: parse_page });
    res_l.push(res);
  }
  for (const i of res_l) {
    await i.get();
  }

  // Not in the original: stop the local server and the pool so the program can exit.
  await web.close();
  await p.terminate();
}
