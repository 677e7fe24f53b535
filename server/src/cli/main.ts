/**
 * `leaklens lint [--format text|json|sarif|github] [--config FILE] [--fail-on error|warning|info|never] PATH...`
 * Exit 0 when nothing reaches --fail-on, 1 when something does, 2 on usage or internal error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, defaultConfig, excludeMatcher, mergeConfig, type LeakLensConfig } from '../engine/config';
import { loadLeakLensConfig } from '../lint/config';
import type { Severity } from '../engine/types';
import { collectFiles } from './files';
import { runGoroutinesCli } from './goroutines';
import { FORMATS, formatFindings, showsFixes, type FileFinding, type Format } from './formats';
import { defaultJobs, lintFiles } from './lintFiles';
import { progressLine } from './progress';

declare const LEAKLENS_VERSION: string | undefined;
const VERSION = typeof LEAKLENS_VERSION === 'string' ? LEAKLENS_VERSION : 'dev';

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

const USAGE = `Usage: leaklens lint [options] PATH...

Finds leak-prone patterns in Go code and Kubernetes manifests.

Options:
  --format text|json|sarif|github   output format (default text)
  --config FILE                     configuration file (default: ${CONFIG_FILE_NAME} in the current
                                    directory or the nearest parent up to the repository root)
  --fail-on error|warning|info|never
                                    lowest severity that makes the exit code 1 (default warning)
  --jobs N                          worker threads for Go files (default: number of CPUs)
  --max-file-size BYTES             skip larger files (default 2000000)
  -h, --help                        show this help
  --version                         print the version
`;

class UsageError extends Error {}

interface Args {
  format: Format;
  config?: string;
  failOn: FailOn;
  jobs: number;
  maxFileSize: number;
  paths: string[];
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !allowed.includes(value as T)) {
    throw new UsageError(`${flag} expects one of ${allowed.join(', ')}${value === undefined ? '' : `, got "${value}"`}`);
  }
  return value as T;
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive whole number`);
  return n;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', failOn: 'warning', jobs: defaultJobs(), maxFileSize: 2_000_000, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--format':
        args.format = oneOf(flag, value(), FORMATS);
        break;
      case '--config':
        args.config = value();
        if (!args.config) throw new UsageError('--config expects a file');
        break;
      case '--fail-on':
        args.failOn = oneOf(flag, value(), FAIL_ON);
        break;
      case '--jobs':
        args.jobs = positiveInt(flag, value());
        break;
      case '--max-file-size':
        args.maxFileSize = positiveInt(flag, value());
        break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        args.paths.push(flag);
    }
  }
  if (args.paths.length === 0) throw new UsageError('no PATH given');
  return args;
}

/** `.leaklens.yaml` in the current directory or a parent, stopping at the repository root. */
function findConfigFile(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined;
  }
}

function loadConfig(explicit: string | undefined): LeakLensConfig {
  const file = explicit ?? findConfigFile(process.cwd());
  if (!file) return defaultConfig(process.cwd());
  if (explicit && !fs.existsSync(explicit)) throw new UsageError(`config file ${explicit} does not exist`);
  const { config, errors } = loadLeakLensConfig(file);
  for (const e of errors) {
    process.stderr.write(`${e.file}${e.line !== undefined ? `:${e.line + 1}` : ''}: invalid config${e.key ? ` at "${e.key}"` : ''}: ${e.message}\n`);
  }
  return mergeConfig(defaultConfig(path.dirname(path.resolve(file))), config);
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && RANK[severity] >= RANK[failOn];
}

export async function runCli(argv: string[]): Promise<number> {
  if (argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv[0] === 'goroutines') return runGoroutinesCli(argv.slice(1), VERSION);
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const started = Date.now();
  try {
    if (argv[0] !== 'lint') throw new UsageError(`unknown command "${argv[0]}" (expected lint or goroutines)`);
    const args = parseArgs(argv.slice(1));
    const config = loadConfig(args.config);
    const excluded = excludeMatcher(config);
    const { files: found, missing } = collectFiles(args.paths);
    for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
    const files = found.filter((f) => !excluded(path.resolve(f)));
    const progress = progressLine(files.length);
    const outcome = await lintFiles(files, {
      config,
      maxFileSize: args.maxFileSize,
      fixes: showsFixes(args.format),
      jobs: args.jobs,
      onProgress: progress.update,
    });
    progress.clear();
    for (const p of outcome.problems) process.stderr.write(`${p}\n`);
    for (const e of outcome.internalErrors) process.stderr.write(`internal error: ${e}\n`);
    const findings: FileFinding[] = outcome.findings.sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        a.rule.localeCompare(b.rule),
    );
    process.stdout.write(
      formatFindings(args.format, findings, { files: files.length, durationMs: Date.now() - started }, VERSION),
    );
    if (outcome.internalErrors.length > 0 || (missing.length > 0 && files.length === 0)) return 2;
    return findings.some((f) => reachesFailOn(f.severity, args.failOn)) ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`leaklens: ${err.message}\n\n${USAGE}`);
    } else {
      process.stderr.write(`leaklens: internal error: ${(err as Error)?.stack ?? err}\n`);
    }
    return 2;
  }
}


