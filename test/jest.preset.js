const path = require('node:path');

/** Shared settings of the tier projects. Tests import the kit by package name: its compiled dist/. */
module.exports = function tier(name) {
  return {
    displayName: name,
    rootDir: path.resolve(__dirname, '..'),
    testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
    testEnvironment: 'node',
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
    },
  };
};
