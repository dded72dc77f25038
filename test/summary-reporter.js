/** Ends a run with one plain line, `tests: N passed, N failed, N skipped`, that any CI can read. */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTotalTests } = results;
    process.stdout.write(`tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped\n`);
    if (numTotalTests === 0) process.stdout.write('no test ran\n');
  }
}
module.exports = SummaryReporter;
