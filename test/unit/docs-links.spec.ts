import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'libs'))
    .map((lib) => `libs/${lib}/README.md`)
    .filter((file) => existsSync(join(ROOT, file))),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text of a Markdown file outside its fenced code blocks. */
function prose(doc: string): string[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  let fenced = false;
  return lines.filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors of a file's headings, repeated ones numbered as GitHub does (`-1`, `-2`, ...). */
function anchorsOf(doc: string): Set<string> {
  const cached = anchorCache.get(doc);
  if (cached) return cached;
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(doc)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  anchorCache.set(doc, anchors);
  return anchors;
}

interface Link {
  readonly doc: string;
  readonly target: string;
}

/** Relative links `[text](target)` of a file's prose (URLs with a scheme are left out). */
function linksOf(doc: string): Link[] {
  const text = prose(doc).join('\n');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ doc, target }));
}

/** Why a link does not resolve, or undefined when it does. */
function brokenReason({ doc, target }: Link): string | undefined {
  const hash = target.indexOf('#');
  const path = hash === -1 ? target : target.slice(0, hash);
  const fragment = hash === -1 ? '' : target.slice(hash + 1);
  const file = path === '' ? doc : normalize(join(dirname(doc), path));
  if (!existsSync(join(ROOT, file))) return `${doc}: ${target}: no file ${file}`;
  if (fragment !== '' && file.endsWith('.md') && !anchorsOf(file).has(fragment)) return `${doc}: ${target}: no heading #${fragment} in ${file}`;
  return undefined;
}

describe('links in the docs', () => {
  const links = DOCS.flatMap(linksOf);

  it('finds the docs and their links, anchors included', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/performance.md', 'docs/security.md']));
    expect(links.filter((link) => link.target.includes('#')).length).toBeGreaterThan(10);
  });

  it('computes GitHub anchors for headings with code and punctuation', () => {
    expect(slug('Fleet view (`npm run bench -- fleet`)')).toBe('fleet-view-npm-run-bench----fleet');
    expect(slug('Who may say what (membership rules)')).toBe('who-may-say-what-membership-rules');
  });

  it('every relative link reaches a file, and every #anchor a heading of it', () => {
    const broken = links.map(brokenReason).filter((reason): reason is string => reason !== undefined);
    expect(broken).toEqual([]);
  });
});
