// Bundles the compiled demo host (dist/apps/control-plane/main.js) into one CommonJS file.
// NestJS and its Fastify adapter load optional packages by name at run time. Each is decided here,
// explicitly: the host uses none of them, so each is replaced by a stub that fails like a missing
// package. Nest loads them through optionalRequire()/loadPackage(), which treat that as "not
// installed", so the bundle behaves the same with or without a node_modules folder nearby.
import { build } from 'esbuild';

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

/** Builds the bundle; resolves with esbuild's warnings (the gate treats any as an error). */
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
    plugins: [stubOptionalPackages],
  });
  return result.warnings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const warnings = await bundleHost();
  for (const warning of warnings) console.error(`esbuild warning: ${warning.text}`);
  process.exit(warnings.length > 0 ? 1 : 0);
}
