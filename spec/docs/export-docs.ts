/**
 * Reads the TSDoc of every public export of lib/index.ts with the TypeScript compiler API, for
 * spec/docs/exports.spec.ts.
 */
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

/** One public export and what its TSDoc holds. */
export interface ExportDoc {
  readonly name: string;
  /** The whole doc comment: text and tags. */
  readonly text: string;
  readonly hasExample: boolean;
}

let cached: ExportDoc[] | undefined;

/** The public exports of lib/index.ts (the package's entry point), with their TSDoc (read once). */
export function publicExportDocs(): ExportDoc[] {
  cached ??= readExportDocs();
  return cached;
}

function readExportDocs(): ExportDoc[] {
  const index = fileURLToPath(new URL('../../../lib/index.ts', import.meta.url));
  const program = ts.createProgram([index], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(index);
  if (!source) throw new Error(`cannot read ${index}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${index} is not a module`);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const tags = symbol.getJsDocTags(checker);
    const text = [
      ts.displayPartsToString(symbol.getDocumentationComment(checker)),
      ...tags.map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`),
    ].join('\n');
    return { name: exported.name, text, hasExample: tags.some((tag) => tag.name === 'example') };
  });
}
