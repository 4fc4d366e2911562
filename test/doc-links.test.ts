/**
 * Every document a file cites is a file of this repository: comments, configs and READMEs cite
 * `docs/<name>.md` (which must exist), never a bare `api.md` or a path outside the repository; a
 * reference guide is named by its title and section, not by its file. Reads the tracked files
 * once (git ls-files), so it takes well under a second.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@sentinel/testing';

const SELF = 'test/doc-links.test.ts';
const SKIP = new Set(['pnpm-lock.yaml', SELF]);
const MAX_BYTES = 1024 * 1024;

/** `docs/x.md`, `../docs/x.md`, `](docs/x.md)`; not `services/a/docs/x.md`. */
const DOCS_CITATION = /(?:^|[^\w./-])((?:\.\.\/)*docs\/([\w.-]+\.md))/g;
/** The design docs by bare name, as the code cited them before they were in the repository. */
const BARE_DOC = /(?:^|[^\w./-])((?:api|architecture|platform|conventions)\.md)\b/g;
/** A path that leaves the repository for the shared folders, or a reference guide's file name. */
const OUTSIDE = /(?:\.\.\/)+(?:shared|reference)\/|\bsentinel-0\.\d+-[\w-]+\.(?:md|txt)\b/g;
/** A relative markdown link inside docs/: `](other.md)` or `](other.md#section)`. */
const DOCS_LINK = /\]\(([\w.-]+\.md)(?:#[^)]*)?\)/g;

interface Problem {
  file: string;
  line: number;
  problem: string;
}

function trackedTextFiles(): Array<{ file: string; text: string }> {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((file) => file !== '' && !SKIP.has(file))
    .flatMap((file) => {
      const path = join(PROJECT_ROOT, file);
      // A tracked file deleted in the working tree, or a big data file: nothing to cite from.
      if (!existsSync(path) || statSync(path).size > MAX_BYTES) return [];
      const bytes = readFileSync(path);
      return bytes.includes(0) ? [] : [{ file, text: bytes.toString('utf8') }];
    });
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

function problemsIn(file: string, text: string): Problem[] {
  const problems: Problem[] = [];
  const add = (index: number, problem: string) => problems.push({ file, line: lineOf(text, index), problem });
  for (const m of text.matchAll(OUTSIDE)) add(m.index, `cites "${m[0]}", outside the repository`);
  if (file.startsWith('docs/')) {
    for (const m of text.matchAll(DOCS_LINK)) {
      if (!existsSync(join(PROJECT_ROOT, 'docs', m[1]!))) add(m.index, `links to docs/${m[1]!}, which does not exist`);
    }
    return problems;
  }
  for (const m of text.matchAll(DOCS_CITATION)) {
    if (!existsSync(join(PROJECT_ROOT, 'docs', m[2]!))) add(m.index, `cites ${m[1]!}, which is not in docs/`);
  }
  for (const m of text.matchAll(BARE_DOC)) add(m.index, `cites "${m[1]!}": write docs/${m[1]!}`);
  return problems;
}

describe('document citations', () => {
  it('when a file cites a document, then it is a file in docs/ (or a reference guide by its title)', () => {
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap(({ file, text }) => problemsIn(file, text));
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.problem}`)).toEqual([]);
  });

  it('when a citation goes wrong, then it is reported (the rules can fail)', () => {
    const outside = ['api', 'architecture'].map((name) => `../shared/docs/${name}.md`).join(' ');
    expect(problemsIn('src/a.ts', `// see ${outside} and ../reference/x.txt`).length).toBeGreaterThanOrEqual(3);
    expect(problemsIn('src/a.ts', '// see the 0.7 guide, sentinel-0.7-contract.md §2')).toHaveLength(1);
    expect(problemsIn('src/a.ts', '// as api.md says; docs/nothing-here.md')).toHaveLength(2);
    expect(problemsIn('docs/x.md', 'see [it](nothing-here.md)')).toHaveLength(1);
    expect(problemsIn('src/a.ts', '// docs/api.md, "Tokens"; GET /permissions/resource/docs/doc/1')).toEqual([]);
  });
});
