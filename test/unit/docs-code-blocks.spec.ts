import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const DOCS = ['README.md', 'libs/peer-health/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const EXAMPLE_MARKER = /^<!-- example: (docs\/examples\/[\w-]+\.ts) -->$/;
const FRAGMENT_MARKER = /^<!-- fragment: \S.* -->$/;

interface CodeBlock {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The line just before the fence (where the marker goes). */
  readonly marker: string;
  readonly code: string;
}

/** The ```ts / ```typescript blocks of a Markdown file. */
function typeScriptBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})(\S*)/.exec(lines[i] ?? '');
    if (!fence) continue;
    const close = lines.findIndex((line, j) => j > i && line.trim() === fence[2]);
    if (close === -1) throw new Error(`${doc}:${i + 1}: code block never closed`);
    if (fence[3] === 'ts' || fence[3] === 'typescript') {
      blocks.push({ doc, line: i + 1, marker: (lines[i - 1] ?? '').trim(), code: lines.slice(i + 1, close).join('\n') });
    }
    i = close;
  }
  return blocks;
}

const blocks = DOCS.flatMap(typeScriptBlocks);

describe('TypeScript in the docs', () => {
  it('finds the docs and their blocks', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/usage.md', 'libs/peer-health/README.md']));
    expect(blocks.length).toBeGreaterThan(10);
  });

  it('every block is an example file or is marked as a fragment', () => {
    const unmarked = blocks.filter((b) => !EXAMPLE_MARKER.test(b.marker) && !FRAGMENT_MARKER.test(b.marker));
    expect(unmarked.map((b) => `${b.doc}:${b.line}`)).toEqual([]);
  });

  it('an example block is its file, character for character', () => {
    const different = blocks.flatMap((b) => {
      const file = EXAMPLE_MARKER.exec(b.marker)?.[1];
      if (file === undefined) return [];
      if (!existsSync(join(ROOT, file))) return [`${b.doc}:${b.line}: ${file} does not exist`];
      return readFileSync(join(ROOT, file), 'utf8') === `${b.code}\n` ? [] : [`${b.doc}:${b.line}: differs from ${file}`];
    });
    expect(different).toEqual([]);
  });

  it('every example file is shown by a doc', () => {
    const shown = new Set(blocks.map((b) => EXAMPLE_MARKER.exec(b.marker)?.[1]));
    const files = readdirSync(join(ROOT, 'docs/examples')).filter((f) => f.endsWith('.ts')).map((f) => `docs/examples/${f}`);
    expect(files.filter((file) => !shown.has(file))).toEqual([]);
  });
});
