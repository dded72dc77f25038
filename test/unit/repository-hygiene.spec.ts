import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Every file under `dir` (relative to the root) whose name matches, skipping build output and dependencies. */
function filesUnder(dir: string, name: RegExp): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      // Build output is not source: dist/, and modules the build generates (*.generated.ts, git-ignored).
      if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.') || entry.endsWith('.generated.ts')) continue;
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.test(entry)) found.push(relative(ROOT, full));
    }
  };
  if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return found;
}

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Module names a TypeScript file imports or requires (static forms only). */
function importsOf(file: string): string[] {
  const pattern = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)'([^']+)'/g;
  return [...read(file).matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The package a bare import names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier);

describe('the repository stands alone', () => {
  const product = [
    'README.md',
    ...filesUnder('docs', /\.(md|ts)$/),
    ...filesUnder('libs', /\.(md|ts|json)$/),
    ...filesUnder('apps', /\.(ts|json)$/),
    ...filesUnder('test', /\.(ts|js|json)$/),
    ...filesUnder('bench', /\.ts$/),
    ...filesUnder('scripts', /\.m?js$/),
    'package.json',
    'jest.config.js',
    'nest-cli.json',
    'eslint.config.mjs',
    'tsconfig.json',
    'tsconfig.base.json',
    'tsconfig.build.json',
    '.ci/run',
  ];
  // Spelled in pieces so that this file does not match itself.
  const outside = new RegExp(['\\.\\./', 'shared', '|', 'shared/', '(design\\.md|golden)'].join(''));

  it('nothing in README, docs, code or tests points at files beside the repository', () => {
    expect(product.length).toBeGreaterThan(50);
    expect(product.filter((file) => outside.test(read(file)))).toEqual([]);
  });

  it('the golden scenarios the tests replay are in test/fixtures', () => {
    const golden = JSON.parse(read('test/fixtures/lease-health-scenarios.json')) as { scenarios: unknown[] };
    expect(golden.scenarios.length).toBeGreaterThan(5);
  });
});

describe('each package declares what it imports', () => {
  for (const lib of readdirSync(join(ROOT, 'libs'))) {
    it(`libs/${lib}`, () => {
      const manifest = JSON.parse(read(`libs/${lib}/package.json`)) as Record<string, Record<string, string> | undefined>;
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
      const imported = new Set(
        filesUnder(`libs/${lib}/src`, /\.ts$/)
          .flatMap(importsOf)
          .filter((specifier) => !specifier.startsWith('.') && !isBuiltin(specifier))
          .map(packageOf),
      );
      expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
      // Nest decorators need reflect-metadata and Nest's own peers need rxjs: the host must provide them.
      if (imported.has('@nestjs/common')) for (const peer of ['reflect-metadata', 'rxjs']) expect(declared.has(peer)).toBe(true);
    });
  }

  it('nest-cli.json names no schematics collection that is not installed', () => {
    const config = JSON.parse(read('nest-cli.json')) as { collection?: string };
    if (config.collection !== undefined) expect(existsSync(join(ROOT, 'node_modules', config.collection))).toBe(true);
  });
});

describe('helpers live in one place', () => {
  const code = [...filesUnder('apps', /\.ts$/), ...filesUnder('libs', /\.ts$/)];

  it('ordinal string comparison is defined once, in the kit base', () => {
    const definitions = code.filter((file) => /function compareOrdinal\b|\(a < b \? -1 : a > b \? 1 : 0\)/.test(read(file)));
    expect(definitions).toEqual(['libs/peer-health/src/base/ordering.ts']);
  });

  it('the endpoint path and the wire date of "never" are spelled once, in the kit base', () => {
    const path = /['"`]\/omnirelay\/control(\/lease-health)?['"`]/;
    const codeLines = (file: string): string[] => read(file).split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line));
    expect(code.filter((file) => codeLines(file).some((line) => path.test(line)))).toEqual(['libs/peer-health/src/base/peer-health.routes.ts']);
    expect(code.filter((file) => read(file).includes("'0001-01-01T00:00:00+00:00'"))).toEqual(['libs/peer-health/src/base/never-wire-date.ts']);
  });

  it('the producer subpath loads only Node built-ins, its own files, dependency-free base files and the tracker input checks, so a worker needs no Nest', () => {
    const imports = filesUnder('libs/peer-health/src/producer', /\.ts$/).flatMap(importsOf);
    expect(imports.length).toBeGreaterThan(5);
    const kitFiles = imports.filter((specifier) => /^\.\.\/(base\/[\w./-]+|tracker\/input-validation)$/.test(specifier));
    expect(imports.filter((specifier) => !isBuiltin(specifier) && !/^\.\/[\w.-]+$/.test(specifier) && !kitFiles.includes(specifier))).toEqual([]);
    for (const specifier of kitFiles) {
      const imported = importsOf(`libs/peer-health/src/producer/${specifier}.ts`);
      expect({ specifier, packages: imported.filter((s) => !s.startsWith('.') && !isBuiltin(s)) }).toEqual({ specifier, packages: [] });
    }
  });

  it('the CLI loads only Node built-ins, its own files and dependency-free files of the kit base, so the bin starts without Nest', () => {
    const cliImports = filesUnder('libs/peer-health/src/cli', /\.ts$/).flatMap(importsOf);
    expect(cliImports.length).toBeGreaterThan(5);
    const baseFiles = cliImports.filter((specifier) => /^\.\.\/base\/[\w./-]+$/.test(specifier));
    expect(cliImports.filter((specifier) => !isBuiltin(specifier) && !/^\.\/[\w-]+$/.test(specifier) && !baseFiles.includes(specifier))).toEqual([]);
    for (const specifier of baseFiles) {
      const imported = importsOf(`libs/peer-health/src/cli/${specifier}.ts`);
      expect({ specifier, packages: imported.filter((s) => !s.startsWith('.')) }).toEqual({ specifier, packages: [] });
    }
  });
});
