import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSbom, bundledPackages, purlOf, sha256Sums, validateSbom, verifySha256Sums, type Sbom } from '../../scripts/release-sbom';

/** A scratch project: a root package, an app file, and packages under node_modules (one nested). */
function scratchProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'omnirelay-sbom-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (value: object): string => JSON.stringify(value);
  write('package.json', manifest({ name: 'scratch-root', version: '9.9.9', private: true }));
  write('dist/main.js', 'app');
  write('node_modules/@scope/kit/package.json', manifest({ name: '@scope/kit', version: '1.2.3', license: 'MIT' }));
  write('node_modules/@scope/kit/lib/index.js', 'kit');
  // A nested package.json that only sets the module type belongs to the package above it.
  write('node_modules/@scope/kit/lib/esm/package.json', manifest({ type: 'module' }));
  write('node_modules/@scope/kit/lib/esm/index.js', 'kit esm');
  write('node_modules/legacy/package.json', manifest({ name: 'legacy', version: '0.1.0', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }));
  write('node_modules/legacy/index.js', 'legacy');
  write('node_modules/dep/package.json', manifest({ name: 'dep', version: '2.0.0', license: 'ISC' }));
  write('node_modules/dep/index.js', 'dep 2');
  write('node_modules/legacy/node_modules/dep/package.json', manifest({ name: 'dep', version: '1.0.0', license: 'ISC' }));
  write('node_modules/legacy/node_modules/dep/index.js', 'dep 1');
  write('node_modules/unused/package.json', manifest({ name: 'unused', version: '5.0.0', license: 'MIT' }));
  write('bin/app', 'the executable');
  return root;
}

const INPUTS = {
  inputs: {
    'dist/main.js': {},
    'node_modules/@scope/kit/lib/index.js': {},
    'node_modules/@scope/kit/lib/esm/index.js': {},
    'node_modules/legacy/index.js': {},
    'node_modules/dep/index.js': {},
    'node_modules/legacy/node_modules/dep/index.js': {},
    'optional-stub:class-validator': {},
  },
};

const SHA512 = createHash('sha512').update('kit tarball').digest();
const LOCKFILE = { packages: { 'node_modules/@scope/kit': { version: '1.2.3', integrity: `sha512-${SHA512.toString('base64')}` } } };

describe('the release SBOM', () => {
  let root: string;
  beforeEach(() => {
    root = scratchProject();
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function sbomOf(): Sbom {
    return buildSbom({
      packages: bundledPackages(INPUTS, root),
      application: { name: 'app', version: '9.9.9', file: join(root, 'bin/app') },
      lockfile: LOCKFILE,
    });
  }

  it('lists each bundled package once per version, by the nearest package.json with a name, and not the root or plugin inputs', () => {
    const packages = bundledPackages(INPUTS, root);
    expect(packages.map((p) => [p.name, p.version, p.files, p.license])).toEqual([
      ['@scope/kit', '1.2.3', 2, 'MIT'],
      ['dep', '1.0.0', 1, 'ISC'],
      ['dep', '2.0.0', 1, 'ISC'],
      ['legacy', '0.1.0', 1, '(MIT OR Apache-2.0)'],
    ]);
    expect(packages[0]?.dirs).toEqual(['node_modules/@scope/kit']);
  });

  it('writes CycloneDX 1.6 components with purl, group, licenses and the lockfile hash', () => {
    const sbom = sbomOf();
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toBe('1.6');
    const kit = sbom.components.find((c) => c.name === 'kit');
    expect(kit).toMatchObject({
      type: 'library',
      group: '@scope',
      version: '1.2.3',
      purl: 'pkg:npm/%40scope/kit@1.2.3',
      licenses: [{ license: { id: 'MIT' } }],
      hashes: [{ alg: 'SHA-512', content: SHA512.toString('hex') }],
    });
    expect(sbom.components.find((c) => c.name === 'legacy')?.licenses).toEqual([{ expression: '(MIT OR Apache-2.0)' }]);
    expect(sbom.components.find((c) => c.name === 'dep' && c.version === '1.0.0')?.hashes).toBeUndefined();
    expect(sbom.metadata.component.hashes).toEqual([{ alg: 'SHA-256', content: createHash('sha256').update('the executable').digest('hex') }]);
    expect(sbom.dependencies[0]?.dependsOn).toHaveLength(4);
    expect(validateSbom(sbom, bundledPackages(INPUTS, root), { executable: join(root, 'bin/app') })).toEqual([]);
  });

  it('is refused when a bundled package is missing, an extra one is listed, a purl is wrong or the executable changed', () => {
    const sbom = sbomOf();
    const expected = bundledPackages(INPUTS, root);
    const withoutDep = { ...sbom, components: sbom.components.filter((c) => !(c.name === 'dep' && c.version === '2.0.0')) };
    expect(validateSbom(withoutDep, expected)).toEqual(['bundled package dep@2.0.0 is not listed']);
    const extra = { ...sbom, components: [...sbom.components, { type: 'library', 'bom-ref': purlOf('unused', '5.0.0'), name: 'unused', version: '5.0.0', purl: purlOf('unused', '5.0.0') }] };
    expect(validateSbom(extra, expected)).toEqual(['listed package unused@5.0.0 is not in the bundle']);
    const badPurl = { ...sbom, components: sbom.components.map((c) => (c.name === 'kit' ? { ...c, purl: 'pkg:npm/@scope/kit@1.2.3' } : c)) };
    expect(validateSbom(badPurl, expected)).toEqual([expect.stringContaining('has purl "pkg:npm/@scope/kit@1.2.3", expected pkg:npm/%40scope/kit@1.2.3')]);
    expect(validateSbom({ ...sbom, specVersion: '1.2' }, expected)).toEqual(['specVersion "1.2" is not 1.5 or 1.6']);
    writeFileSync(join(root, 'bin/app'), 'another executable');
    expect(validateSbom(sbom, expected, { executable: join(root, 'bin/app') })).toEqual([expect.stringContaining("metadata.component's SHA-256 is not that of")]);
  });

  it('SHA256SUMS verifies as written and names a changed, missing or unlisted file', () => {
    const dir = join(root, 'bin');
    writeFileSync(join(dir, 'app.cdx.json'), '{}');
    const sums = sha256Sums(dir, ['app', 'app.cdx.json']);
    expect(sums).toMatch(/^[0-9a-f]{64} {2}app\n[0-9a-f]{64} {2}app\.cdx\.json\n$/);
    expect(verifySha256Sums(dir, sums, ['app', 'app.cdx.json'])).toEqual([]);
    writeFileSync(join(dir, 'app'), 'tampered');
    rmSync(join(dir, 'app.cdx.json'));
    expect(verifySha256Sums(dir, sums, ['app', 'app.cdx.json', 'SBOM'])).toEqual([
      'app: checksum does not match',
      'app.cdx.json: missing',
      'SBOM: not listed',
    ]);
  });
});
