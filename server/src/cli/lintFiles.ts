/** Reads and analyzes a list of files, in this thread or spread over worker threads. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyzeGoText, initEngine, languageEnabled, languageOf, type ManifestInput } from '../lint/analyze';
import type { LeakLensConfig } from '../engine/config';
import type { Notice } from '../engine/types';
import type { HelmOptions } from '../k8s/helm';
import { analyzeManifestSet } from '../k8s/manifestSet';
import { GoModLocator } from '../go/gomod';
import { PackageLocator } from '../go/packageIndex';
import type { FileFinding } from './formats';
import { looksBinary } from './files';

export interface LintOptions {
  config: LeakLensConfig;
  maxFileSize: number;
  /** Build quick fixes (the JSON format reports whether each finding has one). */
  fixes: boolean;
  /** Worker threads for Go files; 1 analyzes in this thread. */
  jobs: number;
  /** Called as files finish, for the progress line. */
  onProgress?: (done: number) => void;
  /** How Helm charts are rendered (helm binary, values files). */
  helm?: HelmOptions;
}

export interface LintOutcome {
  findings: FileFinding[];
  /** Files skipped, or linted only in part, with why: printed on stderr and in JSON/SARIF, the run goes on. */
  skipped: Notice[];
  /** Rules that threw: internal errors. */
  internalErrors: string[];
}

/** Reads a file as text, or says why it is skipped. */
export function readSource(file: string, maxFileSize: number): { text: string } | { skipped: string } {
  let buf: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > maxFileSize) return { skipped: `skipped: ${size} bytes is over the ${maxFileSize}-byte limit` };
    buf = fs.readFileSync(file);
  } catch (err) {
    return { skipped: `cannot read: ${(err as Error).message}` };
  }
  if (looksBinary(buf)) return { skipped: 'skipped: binary file' };
  return { text: buf.toString('utf8') };
}

/** Analyzes Go files in this thread. */
export function lintGoFiles(files: readonly string[], options: LintOptions, outcome: LintOutcome, done = () => {}): void {
  const goMods = new GoModLocator();
  const packages = new PackageLocator();
  for (const file of files) {
    const src = readSource(file, options.maxFileSize);
    if ('skipped' in src) outcome.skipped.push({ file, message: src.skipped, kind: 'skipped' });
    else {
      const found = analyzeGoText(
        file,
        src.text,
        options.config,
        goMods,
        (rule, err) => outcome.internalErrors.push(`${file}: rule ${rule} failed: ${(err as Error)?.message ?? err}`),
        { fixes: options.fixes, packages },
      );
      for (const f of found) outcome.findings.push({ ...f, file });
    }
    done();
  }
}

/** Messages between the CLI and its workers. */
type ToWorker = { files: string[] } | { exit: true };
type FromWorker = { ready: true } | { outcome: LintOutcome; count: number };

const CHUNK = 32;

/** Spreads Go files over worker threads that run this same bundle (see runWorker). */
async function lintGoInWorkers(files: readonly string[], options: LintOptions, outcome: LintOutcome, done: () => void) {
  const queue = [...files];
  const workerCount = Math.min(options.jobs, Math.ceil(files.length / CHUNK));
  const { onProgress: _ignored, ...shared } = options;
  await Promise.all(
    Array.from({ length: workerCount }, () => {
      const worker = new Worker(__filename, { workerData: { leaklensWorker: true, options: shared } });
      const next = () => {
        const chunk = queue.splice(0, CHUNK);
        worker.postMessage(chunk.length ? ({ files: chunk } satisfies ToWorker) : ({ exit: true } satisfies ToWorker));
      };
      return new Promise<void>((resolve, reject) => {
        worker.on('message', (msg: FromWorker) => {
          if ('outcome' in msg) {
            for (let i = 0; i < msg.count; i++) done();
            outcome.findings.push(...msg.outcome.findings);
            outcome.skipped.push(...msg.outcome.skipped);
            outcome.internalErrors.push(...msg.outcome.internalErrors);
            next();
          } else next();
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
      });
    }),
  );
}

/** Worker side: initializes the engine once, then lints the chunks it is sent. */
export async function runWorker(port: import('node:worker_threads').MessagePort, data: { options: LintOptions }) {
  await initEngine();
  port.on('message', (msg: ToWorker) => {
    if ('exit' in msg) {
      port.close();
      return;
    }
    const outcome: LintOutcome = { findings: [], skipped: [], internalErrors: [] };
    lintGoFiles(msg.files, data.options, outcome);
    port.postMessage({ outcome, count: msg.files.length } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

/** Go files below this count are not worth starting workers for. */
const MIN_FILES_FOR_WORKERS = 96;

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

export async function lintFiles(files: readonly string[], options: LintOptions): Promise<LintOutcome> {
  const outcome: LintOutcome = { findings: [], skipped: [], internalErrors: [] };
  let finished = 0;
  const done = () => options.onProgress?.(++finished);
  const goFiles = languageEnabled(options.config, 'go') ? files.filter((f) => languageOf(f) === 'go') : [];
  const manifests = languageEnabled(options.config, 'k8s') ? files.filter((f) => languageOf(f) === 'k8s') : [];

  // The Go parser (WebAssembly) is loaded only when there is Go to parse.
  if (goFiles.length > 0) await initEngine();
  if (options.jobs > 1 && goFiles.length >= MIN_FILES_FOR_WORKERS) await lintGoInWorkers(goFiles, options, outcome, done);
  else lintGoFiles(goFiles, options, outcome, done);

  // Manifests are linted together: cross-file rules (dangling Services) see all of them.
  const inputs: ManifestInput[] = [];
  for (const file of manifests) {
    const src = readSource(file, options.maxFileSize);
    if ('skipped' in src) outcome.skipped.push({ file, message: src.skipped, kind: 'skipped' });
    else inputs.push({ path: file, text: src.text });
    done();
  }
  const byFile = analyzeManifestSet(
    inputs,
    options.config,
    (rule, err) => outcome.internalErrors.push(`rule ${rule} failed: ${(err as Error)?.message ?? err}`),
    { helm: options.helm, onNotice: (n) => outcome.skipped.push(n), fixes: options.fixes },
  );
  for (const [file, found] of byFile) for (const f of found) outcome.findings.push({ ...f, file });
  return outcome;
}
