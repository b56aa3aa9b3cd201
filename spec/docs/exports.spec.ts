/**
 * Every public export of pypool documents its Python equivalent and shows an example: the API
 * reference is how a Python user finds their way, and an export without either is a gap
 * (issue 11). Reads lib/index.ts with the TypeScript compiler API.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { publicExportDocs, type ExportDoc } from './export-docs.js';

describe('Public exports are documented for Python users', function () {
  // Type-checking lib/ takes a few seconds on a busy machine: a hang guard, not a timing.
  this.timeout(120_000);
  let docs: ExportDoc[];
  before(() => {
    docs = publicExportDocs();
  });

  it('finds the public exports (Pool, ProcessPoolExecutor, errors...)', () => {
    const names = docs.map((d) => d.name);
    expect(names).to.include.members(['Pool', 'ThreadPool', 'ProcessPoolExecutor', 'as_completed', 'SerializationError', 'registerExports']);
  });

  it('every export has an @example', () => {
    expect(docs.filter((d) => !d.hasExample).map((d) => d.name)).to.deep.equal([]);
  });

  it('every export has a "Python equivalent" line', () => {
    expect(docs.filter((d) => !/Python equivalent/i.test(d.text)).map((d) => d.name)).to.deep.equal([]);
  });
});

describe('Public exports are grouped in the API reference', function () {
  this.timeout(120_000);
  /** docs/api-groups.json, read by typedoc-groups.mjs: group name -> export names. */
  const groups = JSON.parse(readFileSync(new URL('../../../docs/api-groups.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const grouped = Object.entries(groups).filter(([group]) => !group.startsWith('$')).flatMap(([, names]) => names as string[]);

  it('every export is in exactly one group of docs/api-groups.json, and every name there is an export', () => {
    const exported = publicExportDocs().map((d) => d.name);
    expect(exported.filter((name) => !grouped.includes(name)), 'exports without a group').to.deep.equal([]);
    expect(grouped.filter((name) => !exported.includes(name)), 'grouped names that are not exports').to.deep.equal([]);
    expect(grouped.filter((name, i) => grouped.indexOf(name) !== i), 'names in two groups').to.deep.equal([]);
  });
});
