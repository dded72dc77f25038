// The CycloneDX SBOM of the single executable: the npm packages whose files esbuild put into the
// bundle (its metafile's inputs), each found by the nearest package.json above a bundled file.
// Plain CommonJS so that the build (scripts/build-executable.mjs), the gate and the unit tests share it.
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');

const SPEC_VERSION = '1.6';

/** pkg:npm purl; a scope is the namespace, its "@" percent-encoded as the purl spec requires. */
function purlOf(name, version) {
  const at = name.startsWith('@') ? name.indexOf('/') : -1;
  const encoded = at > 0 ? `%40${encodeURIComponent(name.slice(1, at))}/${encodeURIComponent(name.slice(at + 1))}` : encodeURIComponent(name);
  return `pkg:npm/${encoded}@${encodeURIComponent(version)}`;
}

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The package a bundled file belongs to: the nearest package.json above it that has a name and a
 * version (nested ones such as dist/esm/package.json carry only "type"). Undefined for the root's own files.
 */
function owningPackage(file, root, cache) {
  for (let dir = dirname(file); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    if (cache.has(dir)) return cache.get(dir);
    const manifestPath = join(dir, 'package.json');
    const manifest = existsSync(manifestPath) ? readManifest(manifestPath) : undefined;
    if (manifest && typeof manifest.name === 'string' && typeof manifest.version === 'string') {
      const found = { name: manifest.name, version: manifest.version, dir: relative(root, dir).split(sep).join('/'), manifest };
      cache.set(dir, found);
      return found;
    }
  }
  return undefined;
}

/**
 * The packages whose files are in the bundle, from esbuild's metafile (`inputs` keys are paths relative
 * to the working directory `root`; inputs of a plugin namespace, "ns:path", are not files and are left
 * out). One entry per name@version, with the package folders it came from and its bundled files.
 */
function bundledPackages(metafile, root) {
  const absoluteRoot = resolve(root);
  const cache = new Map();
  const byKey = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (/^[a-z-]+:/i.test(input)) continue;
    const owner = owningPackage(resolve(absoluteRoot, input), absoluteRoot, cache);
    if (!owner) continue;
    const key = `${owner.name}@${owner.version}`;
    const entry = byKey.get(key) ?? { name: owner.name, version: owner.version, license: licenseOf(owner.manifest), dirs: [], files: 0 };
    if (!entry.dirs.includes(owner.dir)) entry.dirs.push(owner.dir);
    entry.files += 1;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1));
}

/** package.json's license: an SPDX expression string, or the legacy { type } / [{ type }] forms. */
function licenseOf(manifest) {
  const { license, licenses } = manifest;
  if (typeof license === 'string' && license.trim() !== '') return license.trim();
  if (license && typeof license.type === 'string') return license.type;
  if (Array.isArray(licenses)) {
    const types = licenses.map((l) => l && l.type).filter((t) => typeof t === 'string');
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return undefined;
}

/** CycloneDX licenses: one SPDX id, an SPDX expression, or a name for anything else. */
function cycloneLicenses(license) {
  if (license === undefined) return undefined;
  if (/^[A-Za-z0-9.+-]+$/.test(license)) return [{ license: { id: license } }];
  if (/^[A-Za-z0-9.+()\s-]+$/.test(license) && /\s(OR|AND|WITH)\s/.test(license)) return [{ expression: license }];
  return [{ license: { name: license } }];
}

/** The registry's hash of each package tarball (package-lock "integrity", sha512) as CycloneDX hashes. */
function lockfileHashes(lockfile, dirs) {
  const hashes = [];
  for (const dir of dirs) {
    const integrity = lockfile && lockfile.packages && lockfile.packages[dir] && lockfile.packages[dir].integrity;
    const match = typeof integrity === 'string' ? /^sha512-([A-Za-z0-9+/=]+)$/.exec(integrity) : null;
    if (!match) continue;
    const content = Buffer.from(match[1], 'base64').toString('hex');
    if (!hashes.some((h) => h.content === content)) hashes.push({ alg: 'SHA-512', content });
  }
  return hashes;
}

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The SBOM document. `application` is the executable: { name, version, file } (its SHA-256 is
 * recorded); `lockfile` the parsed package-lock.json, read only for the bundled packages' hashes.
 */
function buildSbom({ packages, application, lockfile, timestamp = new Date(), serialNumber = `urn:uuid:${randomUUID()}` }) {
  const appRef = `${application.name}@${application.version}`;
  const components = packages.map((p) => {
    const scoped = p.name.startsWith('@') && p.name.includes('/');
    const component = {
      type: 'library',
      'bom-ref': purlOf(p.name, p.version),
      ...(scoped ? { group: p.name.slice(0, p.name.indexOf('/')), name: p.name.slice(p.name.indexOf('/') + 1) } : { name: p.name }),
      version: p.version,
      purl: purlOf(p.name, p.version),
    };
    const licenses = cycloneLicenses(p.license);
    if (licenses) component.licenses = licenses;
    const hashes = lockfileHashes(lockfile, p.dirs);
    if (hashes.length > 0) component.hashes = hashes;
    component.properties = [{ name: 'omnirelay:bundled-files', value: String(p.files) }];
    return component;
  });
  return {
    $schema: `http://cyclonedx.org/schema/bom-${SPEC_VERSION}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: SPEC_VERSION,
    serialNumber,
    version: 1,
    metadata: {
      timestamp: timestamp.toISOString(),
      tools: { components: [{ type: 'application', name: 'scripts/build-executable.mjs', description: 'esbuild metafile inputs mapped to package.json files' }] },
      component: {
        type: 'application',
        'bom-ref': appRef,
        name: application.name,
        version: application.version,
        hashes: [{ alg: 'SHA-256', content: sha256File(application.file) }],
      },
    },
    components,
    dependencies: [{ ref: appRef, dependsOn: components.map((c) => c['bom-ref']) }, ...components.map((c) => ({ ref: c['bom-ref'] }))],
  };
}

const HEX = { 'SHA-256': /^[0-9a-f]{64}$/, 'SHA-512': /^[0-9a-f]{128}$/ };

/**
 * Problems of an SBOM document (an empty list when it is valid): the CycloneDX structure this build
 * writes, every expected package listed with its purl, nothing listed that is not expected, and (with
 * `executable`) the application's SHA-256 equal to the file's.
 */
function validateSbom(sbom, expectedPackages, { executable } = {}) {
  const problems = [];
  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(sbom)) return ['the SBOM is not a JSON object'];
  if (sbom.bomFormat !== 'CycloneDX') problems.push(`bomFormat is ${JSON.stringify(sbom.bomFormat)}, not "CycloneDX"`);
  if (sbom.specVersion !== '1.5' && sbom.specVersion !== '1.6') problems.push(`specVersion ${JSON.stringify(sbom.specVersion)} is not 1.5 or 1.6`);
  if (typeof sbom.serialNumber !== 'string' || !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(sbom.serialNumber)) {
    problems.push('serialNumber is not a urn:uuid');
  }
  if (!Number.isInteger(sbom.version) || sbom.version < 1) problems.push('version is not a positive integer');
  const app = isObject(sbom.metadata) ? sbom.metadata.component : undefined;
  if (!isObject(app) || app.type !== 'application' || typeof app.name !== 'string' || typeof app['bom-ref'] !== 'string') {
    problems.push('metadata.component is not an application with a name and a bom-ref');
  }
  if (!isObject(sbom.metadata) || Number.isNaN(Date.parse(sbom.metadata.timestamp))) problems.push('metadata.timestamp is not a date');
  if (executable !== undefined && isObject(app)) {
    const sha = Array.isArray(app.hashes) ? app.hashes.find((h) => h && h.alg === 'SHA-256') : undefined;
    if (!sha || sha.content !== sha256File(executable)) problems.push(`metadata.component's SHA-256 is not that of ${executable}`);
  }
  if (!Array.isArray(sbom.components)) return [...problems, 'components is not an array'];
  const refs = new Set();
  const listed = new Map();
  sbom.components.forEach((c, i) => {
    const at = `components[${i}]`;
    if (!isObject(c)) return problems.push(`${at} is not an object`);
    const name = typeof c.group === 'string' ? `${c.group}/${c.name}` : c.name;
    if (c.type !== 'library') problems.push(`${at} (${name}) has type ${JSON.stringify(c.type)}, not "library"`);
    if (typeof c.name !== 'string' || c.name === '' || typeof c.version !== 'string' || c.version === '') problems.push(`${at} lacks a name or a version`);
    if (typeof c['bom-ref'] !== 'string' || refs.has(c['bom-ref'])) problems.push(`${at} (${name}) has a missing or repeated bom-ref`);
    refs.add(c['bom-ref']);
    if (c.purl !== purlOf(String(name), String(c.version))) problems.push(`${at} (${name}) has purl ${JSON.stringify(c.purl)}, expected ${purlOf(String(name), String(c.version))}`);
    for (const h of Array.isArray(c.hashes) ? c.hashes : c.hashes === undefined ? [] : [null]) {
      if (!isObject(h) || !HEX[h.alg] || !HEX[h.alg].test(h.content)) problems.push(`${at} (${name}) has a malformed hash`);
    }
    for (const l of Array.isArray(c.licenses) ? c.licenses : c.licenses === undefined ? [] : [null]) {
      const ok = isObject(l) && (typeof l.expression === 'string' || (isObject(l.license) && (typeof l.license.id === 'string' || typeof l.license.name === 'string')));
      if (!ok) problems.push(`${at} (${name}) has a malformed license`);
    }
    listed.set(`${name}@${c.version}`, c);
  });
  const expected = new Set(expectedPackages.map((p) => `${p.name}@${p.version}`));
  for (const key of expected) if (!listed.has(key)) problems.push(`bundled package ${key} is not listed`);
  for (const key of listed.keys()) if (!expected.has(key)) problems.push(`listed package ${key} is not in the bundle`);
  return problems;
}

/** SHA256SUMS text (the format `sha256sum -c` reads) for files of one folder. */
function sha256Sums(dir, names) {
  return names.map((name) => `${sha256File(join(dir, name))}  ${name}\n`).join('');
}

/** Problems of a SHA256SUMS file: malformed lines, missing files, mismatches, required names absent. */
function verifySha256Sums(dir, text, requiredNames = []) {
  const problems = [];
  const seen = new Set();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) {
      problems.push(`malformed line ${JSON.stringify(line)}`);
      continue;
    }
    const [, sum, name] = match;
    seen.add(name);
    const path = join(dir, name);
    if (!existsSync(path)) problems.push(`${name}: missing`);
    else if (sha256File(path) !== sum) problems.push(`${name}: checksum does not match`);
  }
  for (const name of requiredNames) if (!seen.has(name)) problems.push(`${name}: not listed`);
  return problems;
}

module.exports = { SPEC_VERSION, purlOf, bundledPackages, buildSbom, validateSbom, sha256Sums, verifySha256Sums };
