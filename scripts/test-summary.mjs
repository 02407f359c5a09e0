// Adds up the vitest and Playwright JSON reports into one closing line: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
// Arguments: one or more vitest reports, then the Playwright report.
const reports = process.argv.slice(2);
const playwrightReport = reports.at(-1);
const vitestReports = reports.slice(0, -1);
if (vitestReports.length === 0) {
  failed += 1;
  console.log('vitest: no report given');
}

for (const vitestReport of vitestReports) {
  if (!existsSync(vitestReport)) {
    failed += 1;
    console.log(`vitest: no report at ${vitestReport}`);
    continue;
  }
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += report.numPassedTests ?? 0;
  // A file that failed with no failed test of its own (an import error, a failing beforeAll) counts once; a file
  // whose tests failed is already counted by them.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  failed += (report.numFailedTests ?? 0) + brokenFiles;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const broken = brokenFiles > 0 ? `, ${brokenFiles} test files failed before their tests ran` : '';
  console.log(`vitest (${vitestReport}): ${report.numPassedTests} passed, ${report.numFailedTests} failed${broken}`);
}

if (playwrightReport && existsSync(playwrightReport)) {
  const stats = JSON.parse(readFileSync(playwrightReport, 'utf8')).stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += stats.unexpected ?? 0;
  skipped += stats.skipped ?? 0;
  console.log(`playwright: ${stats.expected ?? 0} passed, ${stats.unexpected ?? 0} failed, ${stats.flaky ?? 0} flaky`);
} else {
  failed += 1;
  console.log(`playwright: no report at ${playwrightReport}`);
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
