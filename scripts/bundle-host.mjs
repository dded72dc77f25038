// Bundles the compiled demo host (dist/apps/control-plane/main.js) into one CommonJS file.
// NestJS and its Fastify adapter load optional packages by name at run time. Each is decided here,
// explicitly: the host uses none of them, so each is replaced by a stub that fails like a missing
// package. Nest loads them through optionalRequire()/loadPackage(), which treat that as "not
// installed", so the bundle behaves the same with or without a node_modules folder nearby.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/** Optional packages the host does not use: stubbed, never bundled, never looked up on disk. */
export const STUBBED_OPTIONAL_PACKAGES = [
  '@nestjs/microservices', // NestFactory.createMicroservice / hybrid apps
  '@nestjs/microservices/microservices-module',
  '@nestjs/websockets/socket-module', // gateways
  '@nestjs/platform-express', // the host runs on Fastify
  'class-validator', // ValidationPipe
  'class-transformer', // ValidationPipe, ClassSerializerInterceptor
  '@fastify/static', // FastifyAdapter.useStaticAssets
  '@fastify/view', // FastifyAdapter.setViewEngine
  '@nestjs/swagger', // Terminus's and the kit's OpenAPI metadata (a devDependency of the repo's tests; the host serves no OpenAPI document)
  // @nestjs/terminus's database indicators (the host's probes use only the peer health indicator)
  '@mikro-orm/core',
  '@nestjs/mongoose',
  '@nestjs/sequelize/dist/common/sequelize.utils',
  '@nestjs/typeorm/dist/common/typeorm.utils',
];

const stubOptionalPackages = {
  name: 'stub-optional-packages',
  setup(builder) {
    const filter = new RegExp(`^(${STUBBED_OPTIONAL_PACKAGES.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'optional-stub' }));
    builder.onLoad({ filter: /.*/, namespace: 'optional-stub' }, (args) => ({
      contents:
        `const error = new Error(${JSON.stringify(`Cannot find module '${args.path}' (not bundled into the control-plane host)`)});\n` +
        `error.code = 'MODULE_NOT_FOUND';\nthrow error;\n`,
      loader: 'js',
    }));
  },
};

/** The call by which etcd3 loads its gRPC definitions from files next to its own code. */
const ETCD3_PROTO_LOAD = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`';

/**
 * etcd3 reads proto/rpc.proto (and the files it imports) from disk when it is loaded, which a single
 * executable has no disk for. The proto texts are embedded in the bundle; at start-up they are written
 * to a new private temporary folder, etcd3 loads them (synchronously) from there, and the folder is
 * removed right after.
 */
const embedEtcdProtos = {
  name: 'embed-etcd3-protos',
  setup(builder) {
    const protoDir = join(dirname(require.resolve('etcd3/package.json')), 'proto');
    builder.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(ETCD3_PROTO_LOAD)) {
        throw new Error(`etcd3 no longer loads its protos by ${ETCD3_PROTO_LOAD}: update scripts/bundle-host.mjs`);
      }
      const files = Object.fromEntries(
        readdirSync(protoDir)
          .filter((name) => name.endsWith('.proto'))
          .map((name) => [name, readFileSync(join(protoDir, name), 'utf8')]),
      );
      const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
      const writer =
        `function __embeddedEtcdProtoDir() {\n` +
        `  const fs = require('node:fs'), os = require('node:os'), path = require('node:path');\n` +
        `  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnirelay-etcd3-protos-${hash}-'));\n` +
        `  const files = ${JSON.stringify(files)};\n` +
        `  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });\n` +
        `  setImmediate(() => fs.rmSync(dir, { recursive: true, force: true }));\n` +
        `  return dir;\n` +
        `}\n`;
      const contents = writer + source.replace(ETCD3_PROTO_LOAD, '(0, proto_loader_1.loadSync)(`${__embeddedEtcdProtoDir()}/rpc.proto`');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * Builds the bundle; resolves with esbuild's warnings (the gate treats any as an error) and its
 * metafile (the inputs, from which the SBOM lists the bundled packages).
 */
export async function bundleHost({ entry = 'dist/apps/control-plane/main.js', outfile = 'dist/bundle/control-plane.cjs' } = {}) {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    keepNames: true, // Nest resolves providers and logs by class name
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    plugins: [stubOptionalPackages, embedEtcdProtos],
  });
  return { warnings: result.warnings, metafile: result.metafile };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { warnings } = await bundleHost();
  for (const warning of warnings) console.error(`esbuild warning: ${warning.text}`);
  process.exit(warnings.length > 0 ? 1 : 0);
}
