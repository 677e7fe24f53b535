/** The `leaklens` command. The same bundle also serves as the worker thread for parallel runs. */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runWorker } from './cli/lintFiles';
import { runCli } from './cli/main';

if (!isMainThread && parentPort && workerData?.leaklensWorker) {
  void runWorker(parentPort, workerData);
} else {
  // A reader that stops early (`leaklens lint ./... | head`) closes the pipe: the rest of the
  // output has nowhere to go, which is no error of ours. The exit code stays the run's.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
