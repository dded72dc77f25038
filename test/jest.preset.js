const path = require('node:path');

/**
 * Shared settings of the tier projects. Tests import the kit by package name, which resolves to its
 * compiled dist/; the resolver fails the run if anything resolves the kit to a .ts source.
 */
module.exports = function tier(name) {
  return {
    displayName: name,
    rootDir: path.resolve(__dirname, '..'),
    testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
    testEnvironment: 'node',
    resolver: '<rootDir>/test/artifact-resolver.js',
    // Tests of a lib's internals import them as `@internal/<lib>/<path>`, from the lib's compiled dist/;
    // each lib's package entry point stays its public API.
    moduleNameMapper: {
      '^@internal/(peer-health|mesh-gossip|mesh-leadership|resource-lease)/(.*)$': '<rootDir>/libs/$1/dist/$2',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
    },
  };
};
