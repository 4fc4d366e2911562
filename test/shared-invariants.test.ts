// Each shared invariant is written once, in a package; a second copy in a service or another
// package drifts. This reads the sources (not the tests) and names any file that restates one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'generated' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const codeFiles = ['services', 'packages'].flatMap((top) =>
  readdirSync(join(root, top)).flatMap((name) => {
    try {
      return sources(join(root, top, name, 'src'));
    } catch {
      return [];
    }
  }),
);

/** Files outside `home` whose source matches `pattern`. */
function copiesOutside(home: string, pattern: RegExp): string[] {
  return codeFiles
    .map((file) => relative(root, file))
    .filter((file) => !file.startsWith(home) && pattern.test(readFileSync(join(root, file), 'utf8')));
}

describe('shared invariants live in one package', () => {
  it('when code checks for a unique violation, then it calls isUniqueViolation from @sentinel/db', () => {
    expect(copiesOutside('packages/db/', /'P2002'|'23505'/)).toEqual([]);
  });

  it('when code bumps a workspace access revision, then it calls bumpAccessRevision from @sentinel/db', () => {
    expect(copiesOutside('packages/db/', /access_revision\s*=|accessRevision:\s*\{\s*increment/)).toEqual([]);
  });

  it('when code pages or searches a list, then it uses the page and search helpers of @sentinel/db', () => {
    expect(copiesOutside('packages/db/', /\bILIKE\b|\bOFFSET\b|\bskip: \(\w+\.page\b/)).toEqual([]);
  });

  it('when code needs the workspace roles or their order, then it takes them from @sentinel/contracts', () => {
    expect(copiesOutside('packages/contracts/', /'viewer',\s*'editor'|\bviewer:\s*\d/)).toEqual([]);
  });

  it('when a workspace is created, then createWorkspaceWithOwner of @sentinel/db writes its entry', () => {
    expect(copiesOutside('packages/db/', /'workspace_created'/)).toEqual([]);
  });

  it('when a service runs a job on a timer, then it uses startPeriodicJob from @sentinel/runtime', () => {
    expect(copiesOutside('packages/', /\bsetInterval\(/).filter((file) => file.startsWith('services/'))).toEqual([]);
  });
});
