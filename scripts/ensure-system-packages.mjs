// npm pretest: the system packages the test tiers run. Each entry names the command it provides and
// the Debian package that installs it; add more entries (chromium, prometheus/promtool, ...) here.
// As root with apt-get available, a missing package is installed; otherwise this stops at once with
// the exact command to run.
import { spawnSync } from 'node:child_process';

/** command on the PATH -> Debian package, and why the tests need it. */
export const SYSTEM_PACKAGES = [
  { command: 'objcopy', debianPackage: 'binutils', neededBy: 'the single executable build (scripts/build-executable.mjs)' },
  { command: 'openssl', debianPackage: 'openssl', neededBy: 'test/feature/security.spec.ts (a throwaway CA for TLS)' },
  { command: 'etcd', debianPackage: 'etcd-server', neededBy: 'test/feature/etcd-store.spec.ts (real etcd)' },
  { command: 'chromium', debianPackage: 'chromium', neededBy: 'test/feature/dashboard-browser.spec.ts (playwright-core drives Debian\'s chromium)' },
  { command: 'promtool', debianPackage: 'prometheus', neededBy: 'the gate and tests that check deploy/prometheus rules with promtool' },
];

const found = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export function missingPackages(packages = SYSTEM_PACKAGES) {
  return packages.filter((p) => !found(p.command));
}

export function ensureSystemPackages(packages = SYSTEM_PACKAGES) {
  const missing = missingPackages(packages);
  if (missing.length === 0) return 0;
  const names = missing.map((p) => p.debianPackage).join(' ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && found('apt-get')) {
    console.log(`installing system packages: ${names}`);
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.debianPackage)], { stdio: 'inherit' }) : update;
    if (install.status === 0 && missingPackages(missing).length === 0) return 0;
  }
  console.error('The tests need system packages that are not installed:');
  for (const p of missing) console.error(`  ${p.command} (Debian package ${p.debianPackage}), for ${p.neededBy}`);
  console.error(`Install them with:\n  sudo apt-get update && sudo apt-get install -y ${names}`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureSystemPackages());
