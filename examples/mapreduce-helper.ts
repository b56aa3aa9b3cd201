/**
 * Word count with a map-reduce helper that creates its own pool: PyMOTW-3's
 * multiprocessing_wordcount.py, on the helper in examples/support/simple-mapreduce.ts.
 *
 * ```python
 * import multiprocessing, string
 * from multiprocessing_mapreduce import SimpleMapReduce
 *
 * def file_to_words(filename):
 *     STOP_WORDS = set(['a', 'an', 'and', 'are', 'as', 'be', 'by', 'for', 'if', 'in', 'is', 'it', 'of', 'or', 'py', 'rst', 'that', 'the', 'to', 'with'])
 *     TR = str.maketrans({p: ' ' for p in string.punctuation})
 *     print('{} reading {}'.format(multiprocessing.current_process().name, filename))
 *     output = []
 *     with open(filename, 'rt') as f:
 *         for line in f:
 *             if line.lstrip().startswith('..'):  # Skip comment lines
 *                 continue
 *             line = line.translate(TR)  # Strip punctuation
 *             for word in line.split():
 *                 word = word.lower()
 *                 if word.isalpha() and word not in STOP_WORDS:
 *                     output.append((word, 1))
 *     return output
 *
 * def count_words(item):
 *     word, occurences = item
 *     return (word, sum(occurences))
 *
 * if __name__ == '__main__':
 *     import operator, glob
 *     input_files = glob.glob('*.rst')
 *     mapper = SimpleMapReduce(file_to_words, count_words)
 *     word_counts = mapper(input_files)
 *     word_counts.sort(key=operator.itemgetter(1))
 *     word_counts.reverse()
 *     print('\nTOP 20 WORDS BY FREQUENCY\n')
 *     top20 = word_counts[:20]
 *     longest = max(len(word) for word, count in top20)
 *     for word, count in top20:
 *         print('{word:<{len}}: {count:5}'.format(len=longest + 1, word=word, count=count))
 * ```
 *
 * The port registers this module with `registerTaskModule(import.meta.url)`: the pool that the
 * helper creates then loads it in its workers, so `fileToWords` and `countWords` run there with
 * this module's `STOP_WORDS`, without passing a module URL to the helper. Every worker imports
 * this file, so its main code is guarded, as in Python.
 *
 * Run: npm run build && node build/examples/mapreduce-helper.js
 */
import { readFileSync, readdirSync } from 'node:fs';
import { current_process, registerTaskModule } from 'pypool';
import { SimpleMapReduce } from './support/simple-mapreduce.js';

registerTaskModule(import.meta.url);

const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'as', 'be', 'by', 'for', 'if', 'in', 'is', 'it', 'of', 'or', 'py', 'rst', 'that', 'the', 'to', 'with']);
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

export function fileToWords(filename: string): [string, number][] {
  console.log(`${current_process().name} reading ${filename}`);
  const output: [string, number][] = [];
  for (const line of readFileSync(filename, 'utf8').split('\n')) {
    if (line.trimStart().startsWith('..')) continue; // Skip comment lines
    for (const raw of line.replace(PUNCTUATION, ' ').split(/\s+/)) {
      const word = raw.toLowerCase();
      if (/^[a-z]+$/.test(word) && !STOP_WORDS.has(word)) output.push([word, 1]);
    }
  }
  return output;
}

export function countWords([word, occurrences]: [string, number[]]): [string, number] {
  return [word, occurrences.reduce((a, b) => a + b, 0)];
}

if (current_process().name === 'MainProcess') {
  // Python globs *.rst; the port counts the words of pypool's own docs.
  const docs = new URL('../../docs/', import.meta.url);
  const inputFiles = readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => new URL(f, docs).pathname);
  const mapper = new SimpleMapReduce(fileToWords, countWords, 2);
  const wordCounts = await mapper.run(inputFiles);
  await mapper.close();
  // Python's sort is stable, then reversed: equal counts end up in reverse order of first appearance.
  wordCounts.reverse().sort((a, b) => b[1] - a[1]);
  console.log('\nTOP 20 WORDS BY FREQUENCY\n');
  const top20 = wordCounts.slice(0, 20);
  const longest = Math.max(...top20.map(([word]) => word.length));
  for (const [word, count] of top20) console.log(`${word.padEnd(longest + 1)}: ${String(count).padStart(5)}`);
}
