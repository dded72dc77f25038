/** One jest project per test tier; `npm test` runs them all against the built artifacts. */
module.exports = {
  projects: ['unit', 'integration', 'feature', 'hyperscale'].map((tier) => `<rootDir>/test/${tier}/jest.config.js`),
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
