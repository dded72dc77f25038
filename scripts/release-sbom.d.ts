export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string | undefined;
  /** Folders (relative to the root, "/"-separated) the package's bundled files came from. */
  readonly dirs: readonly string[];
  /** How many of its files are in the bundle. */
  readonly files: number;
}

export interface SbomComponent {
  readonly type: string;
  readonly 'bom-ref': string;
  readonly group?: string;
  readonly name: string;
  readonly version: string;
  readonly purl: string;
  readonly licenses?: readonly ({ license: { id?: string; name?: string } } | { expression: string })[];
  readonly hashes?: readonly { alg: string; content: string }[];
}

export interface Sbom {
  readonly bomFormat: string;
  readonly specVersion: string;
  readonly serialNumber: string;
  readonly version: number;
  readonly metadata: { timestamp: string; component: SbomComponent & { hashes: { alg: string; content: string }[] } };
  readonly components: SbomComponent[];
  readonly dependencies: { ref: string; dependsOn?: string[] }[];
}

export const SPEC_VERSION: string;
export function purlOf(name: string, version: string): string;
export function bundledPackages(metafile: { inputs: Record<string, unknown> }, root: string): BundledPackage[];
export function buildSbom(options: {
  packages: readonly BundledPackage[];
  application: { name: string; version: string; file: string };
  lockfile: unknown;
  timestamp?: Date;
  serialNumber?: string;
}): Sbom;
export function validateSbom(sbom: unknown, expectedPackages: readonly Pick<BundledPackage, 'name' | 'version'>[], options?: { executable?: string }): string[];
export function sha256Sums(dir: string, names: readonly string[]): string;
export function verifySha256Sums(dir: string, text: string, requiredNames?: readonly string[]): string[];
