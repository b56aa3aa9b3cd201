/**
 * Every public export of pypool documents its Python equivalent and shows an example: the API
 * reference is how a Python user finds their way, and an export without either is a gap
 * (issue 11). Reads lib/index.ts with the TypeScript compiler API.
 */
import { expect } from 'chai';
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
