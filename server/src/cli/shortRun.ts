/**
 * A short lint run does not live long enough to pay for V8's optimizing compiler: it compiles hot
 * functions on a background thread whose CPU time the run is charged for, then exits. Below
 * SHORT_RUN_BYTES of input the CLI runs without that tier. Measured with bench/k8s-bench.ts on the
 * kubernetes module's 239 manifests (0.58 MB): 1.2 s of CPU without this, 0.65 s with it; the same
 * files ten times over (5.8 MB) take longer without the optimizing tier (3.8 s against 4.3 s), so
 * large runs keep it.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';

const SHORT_RUN_BYTES = 2_000_000;

/** Turns off the optimizing tier when `files` add up to a short run. */
export function tuneForRunLength(files: readonly string[]): void {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += fs.statSync(f).size;
    } catch {
      // Unreadable files are reported when they are read.
    }
    if (bytes >= SHORT_RUN_BYTES) return;
  }
  v8.setFlagsFromString('--max-opt=2');
}
