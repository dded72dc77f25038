/** One jest project per test tier; `npm test` runs them all against the built kit. */
module.exports = {
  projects: ['<rootDir>/test/unit/jest.config.js', '<rootDir>/test/integration/jest.config.js'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
