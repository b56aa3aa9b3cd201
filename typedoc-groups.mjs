// A TypeDoc plugin: puts each public export of the API reference in its group (Pools, Results,
// Errors...), read from docs/api-groups.json, so the reference is not one flat list by kind.
// Groups live in one file rather than as @group tags spread over lib/: adding an export means
// adding its name there (spec/docs/exports.spec.ts fails until it is).
import { readFileSync } from 'node:fs';
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  const groups = JSON.parse(readFileSync(new URL('./docs/api-groups.json', import.meta.url), 'utf8'));
  const groupOf = new Map();
  for (const [group, names] of Object.entries(groups)) {
    if (!group.startsWith('$')) for (const name of names) groupOf.set(name, group);
  }
  // Before TypeDoc's own grouping, which runs late in the same event (priority -100).
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      const parent = reflection.parent;
      if (!parent || !(parent.kindOf(ReflectionKind.SomeModule) || parent.kindOf(ReflectionKind.Project))) continue;
      const group = groupOf.get(reflection.name);
      if (!group) continue;
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: group }]));
    }
  }, 0);
}
