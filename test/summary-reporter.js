/**
 * Ends a run with one plain line, `tests: N passed, N failed, N skipped`, that any CI can read.
 * A test file that fails outside its tests (it throws while loading, a hook fails) has no failed test
 * to show for it, so it counts as one failure of its own; otherwise a run whose files cannot even be
 * read would print "0 failed".
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTotalTests } = results;
    const brokenFiles = results.testResults.filter(
      (file) => file.testExecError !== undefined || (file.numFailingTests === 0 && Boolean(file.failureMessage)),
    );
    const failed = numFailedTests + brokenFiles.length;
    process.stdout.write(`tests: ${numPassedTests} passed, ${failed} failed, ${numPendingTests} skipped\n`);
    for (const file of brokenFiles) process.stdout.write(`failed to run: ${file.testFilePath}\n`);
    if (numTotalTests === 0 && brokenFiles.length === 0) process.stdout.write('no test ran\n');
  }
}
module.exports = SummaryReporter;
