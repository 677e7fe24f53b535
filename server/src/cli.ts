/** The `leaklens` command. The same bundle also serves as the worker thread for parallel runs. */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runWorker } from './cli/lintFiles';
import { runCli } from './cli/main';

if (!isMainThread && parentPort && workerData?.leaklensWorker) {
  void runWorker(parentPort, workerData);
} else {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
