// Builds the demo host's release artifacts from the compiled output:
//   dist/bundle/control-plane.cjs                 one CommonJS file (esbuild)
//   dist/bundle/control-plane.meta.json           esbuild's metafile (what went into the bundle)
//   dist/bin/omnirelay-control-plane              a Node single executable application running it
//   dist/bin/omnirelay-control-plane.cdx.json     its CycloneDX SBOM (the bundled npm packages)
//   dist/bin/SHA256SUMS                           checksums of both, as `sha256sum -c` reads them
// Any warning of any tool fails the build, naming the step.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHost } from './bundle-host.mjs';

const require = createRequire(import.meta.url);
const { buildSbom, bundledPackages, sha256Sums } = require('./release-sbom.js');
const { compactSectionHeaders } = require('./compact-elf.js');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const EXECUTABLE = join(root, 'dist/bin/omnirelay-control-plane');
export const SBOM = `${EXECUTABLE}.cdx.json`;
export const SHA256SUMS = join(dirname(EXECUTABLE), 'SHA256SUMS');
export const METAFILE = join(root, 'dist/bundle/control-plane.meta.json');
/** The executable may be at most this many times Node's binary plus the blob. */
export const MAX_SIZE_RATIO = 1.15;
const SEA_CONFIG = join(root, 'sea-config.json');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export class StepError extends Error {
  constructor(step, message) {
    super(`${step}: ${message}`);
    this.step = step;
  }
}

/** ANSI color codes (ESC [ ... m), which postject prints around its messages. */
const COLOR_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Runs a command; fails the step on a non-zero exit or on any output line that looks like a warning. */
export function run(step, command, args, { allowOutput = () => false } = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw new StepError(step, result.error.message);
  if (result.status !== 0) throw new StepError(step, `exited with ${result.status}\n${output}`);
  const unexpected = output
    .split('\n')
    .map((line) => line.replace(COLOR_CODES, '').trim())
    .filter((line) => line !== '' && !allowOutput(line));
  const warnings = unexpected.filter((line) => /warn/i.test(line));
  if (warnings.length > 0) throw new StepError(step, `warning(s):\n${warnings.join('\n')}`);
  return unexpected;
}

export async function buildExecutable() {
  const { warnings, metafile } = await bundleHost();
  if (warnings.length > 0) {
    throw new StepError('bundle', `esbuild warning(s):\n${warnings.map((w) => w.text).join('\n')}`);
  }
  writeFileSync(METAFILE, `${JSON.stringify(metafile)}\n`);

  const seaConfig = JSON.parse(readFileSync(SEA_CONFIG, 'utf8'));
  run('sea-blob', process.execPath, ['--experimental-sea-config', SEA_CONFIG], {
    allowOutput: (line) => line.startsWith('Wrote single executable preparation blob'),
  });

  // Node's Linux binary carries annobin notes (.gnu.build.attributes, never loaded) that make
  // postject's ELF writer warn "Can't find string offset for section name"; it also warns when the
  // section it adds for the blob, ".note", has no name in the string table yet. Removing the
  // former and adding an empty ".note" up front leaves postject nothing to warn about.
  mkdirSync(dirname(EXECUTABLE), { recursive: true });
  rmSync(EXECUTABLE, { force: true });
  const plain = `${EXECUTABLE}.node`;
  const emptyNote = `${EXECUTABLE}.empty-note`;
  copyFileSync(process.execPath, plain);
  writeFileSync(emptyNote, '');
  const sections = run('prepare-binary', 'readelf', ['-SW', plain]).join('\n');
  run('prepare-binary', 'objcopy', [
    ...(sections.includes('.gnu.build.attributes') ? ['--remove-section=.gnu.build.attributes'] : []),
    ...(/\s\.note\s/.test(sections) ? [] : [`--add-section=.note=${emptyNote}`]),
    plain,
    EXECUTABLE,
  ]);
  rmSync(plain);
  rmSync(emptyNote);

  const postject = require.resolve('postject/dist/cli.js');
  run('postject', process.execPath, [postject, EXECUTABLE, 'NODE_SEA_BLOB', join(root, seaConfig.output), '--sentinel-fuse', SEA_FUSE], {
    allowOutput: (line) => line.startsWith('Start injection of NODE_SEA_BLOB') || line.endsWith('Injection done!'),
  });
  // With the ".note" section above, postject leaves a gap of zeros (as large as Node's binary)
  // before the section header table; moved back, the file is Node's binary plus the blob.
  try {
    compactSectionHeaders(EXECUTABLE);
  } catch (error) {
    throw new StepError('compact', error.message);
  }
  run('compact', 'readelf', ['-hlSW', EXECUTABLE]);
  chmodSync(EXECUTABLE, 0o755);
  checkSize(seaConfig);
  writeReleaseFiles(metafile);
  return EXECUTABLE;
}

/** Fails when the executable is more than MAX_SIZE_RATIO times Node's binary plus the blob. */
function checkSize(seaConfig) {
  const node = statSync(process.execPath).size;
  const blob = statSync(join(root, seaConfig.output)).size;
  const size = statSync(EXECUTABLE).size;
  if (size > MAX_SIZE_RATIO * (node + blob)) {
    throw new StepError('size', `${EXECUTABLE} is ${size} bytes, more than ${MAX_SIZE_RATIO} x (node ${node} + blob ${blob})`);
  }
}

/** The SBOM of what the bundle holds, then SHA256SUMS of the executable and the SBOM. */
function writeReleaseFiles(metafile) {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lockfile = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const sbom = buildSbom({
    packages: bundledPackages(metafile, root),
    application: { name: basename(EXECUTABLE), version: rootManifest.version, file: EXECUTABLE },
    lockfile,
  });
  writeFileSync(SBOM, `${JSON.stringify(sbom, null, 2)}\n`);
  writeFileSync(SHA256SUMS, sha256Sums(dirname(EXECUTABLE), [basename(EXECUTABLE), basename(SBOM)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const path = await buildExecutable();
    console.log(`built ${path}`);
  } catch (error) {
    console.error(`build-executable failed at ${error.message}`);
    process.exit(1);
  }
}
