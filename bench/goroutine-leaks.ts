/**
 * How many of Go's own goroutine-leak cases LeakLens flags statically: the runtime's leak patterns
 * (commonpatterns.go, simple.go) and its GoKer subset, read from GOROOT with the leaks
 * goroutineleakprofile_test.go expects. Prints each case with its verdict and a summary per suite.
 *   npx tsx bench/goroutine-leaks.ts [--all]    (--all: list every case, not only the channel ones)
 */
import { initEngine } from '../test/helpers/goEngine';
import { leakCases, lintLeakCases, suiteDir } from '../test/helpers/goLeakSuites';

async function main() {
  const dir = suiteDir();
  if (!dir) {
    console.log('GOROOT has no runtime/testdata/testgoroutineleakprofile (Go >= 1.26 needed)');
    return;
  }
  await initEngine();
  const all = process.argv.includes('--all');
  const results = lintLeakCases(leakCases(dir));
  for (const suite of ['micro', 'pattern', 'goker'] as const) {
    const cases = results.filter((r) => r.suite === suite);
    const channel = cases.filter((r) => r.channelOnly);
    console.log(`\n== ${suite}: ${cases.length} cases, ${channel.length} on channels only`);
    for (const r of all ? cases : channel) {
      const rules = [...new Set(r.findings.map((f) => f.rule.slice(3)))].join(',');
      console.log(`  ${r.findings.length ? 'flagged' : 'missed '}  ${r.name.padEnd(26)} ${r.waits.join('; ').padEnd(40).slice(0, 40)} ${rules}`);
    }
    const hit = channel.filter((r) => r.findings.length).length;
    console.log(`  channel-only detected: ${hit}/${channel.length}`);
  }
  const clean = results.filter((r) => r.waits.length === 0);
  console.log(`\ncases that must show no leak: ${clean.filter((r) => r.findings.length === 0).length}/${clean.length} clean`);
}

void main();
