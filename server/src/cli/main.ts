/**
 * `leaklens lint [--format text|json|sarif|github] [--config FILE] [--fail-on error|warning|info|never] [--helm PATH] [--values FILE] PATH...`
 * Exit 0 when nothing reaches --fail-on, 1 when something does (with --diff: when there is a
 * diff), 2 on usage or internal error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, defaultConfig, excludeMatcher, mergeConfig, type LeakLensConfig } from '../engine/config';
import { loadLeakLensConfig } from '../lint/config';
import type { Severity } from '../engine/types';
import { languageOf } from '../lint/analyze';
import { canonicalChanges, changedInPatch, changedSinceRev, changeKey, ChangeSourceError, touchesChange, type ChangedLines } from './changedLines';
import { collectFiles } from './files';
import { runFixes } from './fix';
import { FORMATS, formatFindings, showsFixes, type FileFinding, type Format } from './formats';
import { defaultJobs, lintFiles } from './lintFiles';
import { progressLine } from './progress';
import { listRules, resolveRuleIds, withRuleFlags } from './ruleSelection';
import { tuneForRunLength } from './shortRun';

declare const LEAKLENS_VERSION: string | undefined;
const VERSION = typeof LEAKLENS_VERSION === 'string' ? LEAKLENS_VERSION : 'dev';

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

const USAGE = `Usage: leaklens lint [options] PATH...
       leaklens lint --list-rules [--format text|json]

Finds leak-prone patterns in Go code and Kubernetes manifests. PATH is a file, a directory
(walked recursively) or a Go pattern such as ./... or ./cmd/...

Options:
  --format text|json|sarif|github   output format (default text)
  --config FILE                     configuration file (default: ${CONFIG_FILE_NAME} in the current
                                    directory or the nearest parent up to the repository root)
  --fail-on error|warning|info|never
                                    lowest severity that makes the exit code 1 (default warning)
  --jobs N                          worker threads for Go files (default: number of CPUs)
  --max-file-size BYTES             skip larger files (default 2000000)
  --enable RULE[,RULE]              run these rules even if the configuration switches them off
  --disable RULE[,RULE]             do not run these rules (both flags may be repeated)
  --list-rules                      print every rule with its severity, then exit
  --fix                             apply every safe fix in place (never one that can change
                                    how the program or workload runs) and report what changed
  --diff                            print the safe fixes as a unified diff instead of applying them
  --new-from-rev REV                report only findings on lines changed since the git revision
                                    REV (committed or not; untracked files count as new)
  --new-from-patch FILE             report only findings on lines a unified diff adds or changes
  --helm PATH                       helm binary that renders Helm charts (default: helm on PATH)
  --values FILE                     values file for every chart, after its values.yaml (repeatable)
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
  helm?: string;
  values: string[];
  paths: string[];
  /** --enable and --disable, in command-line order. */
  ruleFlags: { enable: boolean; id: string }[];
  listRules: boolean;
  fix: boolean;
  diff: boolean;
  newFromRev?: string;
  newFromPatch?: string;
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
  const args: Args = {
    format: 'text',
    failOn: 'warning',
    jobs: defaultJobs(),
    maxFileSize: 2_000_000,
    values: [],
    paths: [],
    ruleFlags: [],
    listRules: false,
    fix: false,
    diff: false,
  };
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
      case '--enable':
      case '--disable': {
        const { ids, unknown } = resolveRuleIds([value() ?? '']);
        if (unknown.length || !ids.length) throw new UsageError(`${flag} expects rule ids (see --list-rules)${unknown.length ? `, unknown: ${unknown.join(', ')}` : ''}`);
        args.ruleFlags.push(...ids.map((id) => ({ enable: flag === '--enable', id })));
        break;
      }
      case '--list-rules':
        args.listRules = true;
        break;
      case '--fix':
        args.fix = true;
        break;
      case '--diff':
        args.diff = true;
        break;
      case '--new-from-rev':
        args.newFromRev = value();
        if (!args.newFromRev) throw new UsageError('--new-from-rev expects a git revision');
        break;
      case '--new-from-patch':
        args.newFromPatch = value();
        if (!args.newFromPatch) throw new UsageError('--new-from-patch expects a patch file');
        break;
      case '--helm':
        args.helm = value();
        if (!args.helm) throw new UsageError('--helm expects the path of a helm binary');
        break;
      case '--values': {
        const file = value();
        if (!file) throw new UsageError('--values expects a file');
        if (!fs.existsSync(file)) throw new UsageError(`values file ${file} does not exist`);
        args.values.push(path.resolve(file));
        break;
      }
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        args.paths.push(flag);
    }
  }
  if (args.paths.length === 0 && !args.listRules) throw new UsageError('no PATH given');
  if (args.diff && args.format !== 'text') throw new UsageError('--diff prints a diff; it takes no --format');
  if (args.newFromRev && args.newFromPatch) throw new UsageError('--new-from-rev and --new-from-patch exclude each other');
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

/** The changed lines --new-from-rev or --new-from-patch names, keyed like changeKey(file). */
function loadChanges(args: Args): ChangedLines | undefined {
  try {
    if (args.newFromRev) return canonicalChanges(changedSinceRev(args.newFromRev, process.cwd()));
    if (args.newFromPatch) return canonicalChanges(changedInPatch(args.newFromPatch, process.cwd()));
  } catch (err) {
    if (err instanceof ChangeSourceError) throw new UsageError(err.message);
    throw err;
  }
  return undefined;
}

export async function runCli(argv: string[]): Promise<number> {
  if (argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Loaded only for this command: its HTTP, TLS and zlib modules cost every lint run ~20 ms of CPU.
  if (argv[0] === 'goroutines') return (await import('./goroutines')).runGoroutinesCli(argv.slice(1), VERSION);
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const started = Date.now();
  try {
    if (argv[0] !== 'lint') throw new UsageError(`unknown command "${argv[0]}" (expected lint or goroutines)`);
    const args = parseArgs(argv.slice(1));
    const config = withRuleFlags(loadConfig(args.config), args.ruleFlags);
    if (args.listRules) {
      process.stdout.write(listRules(config, args.format === 'json'));
      return 0;
    }
    const changes = loadChanges(args);
    const excluded = excludeMatcher(config);
    const { files: found, missing } = collectFiles(args.paths);
    for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
    // With --new-from-*, unchanged Go files cannot have a reported finding: they are not read.
    // Every manifest is, since cross-file rules need them all.
    const files = found.filter((f) => !excluded(path.resolve(f)) && (!changes || languageOf(f) !== 'go' || changes.has(changeKey(f))));
    tuneForRunLength(files);
    const fixing = args.fix || args.diff;
    const progress = progressLine(files.length);
    const outcome = await lintFiles(files, {
      config,
      maxFileSize: args.maxFileSize,
      fixes: fixing || showsFixes(args.format),
      jobs: args.jobs,
      onProgress: progress.update,
      helm: { binary: args.helm, values: args.values },
    });
    progress.clear();
    for (const n of outcome.skipped) process.stderr.write(`${n.file}: ${n.message}\n`);
    for (const e of outcome.internalErrors) process.stderr.write(`internal error: ${e}\n`);
    let reported: FileFinding[] = outcome.findings;
    if (fixing) {
      const run = runFixes(reported, {
        config,
        maxFileSize: args.maxFileSize,
        manifests: files.filter((f) => languageOf(f) === 'k8s'),
        changes,
        write: !args.diff,
        report: (line) => process.stderr.write(`${line}\n`),
      });
      if (args.diff) {
        process.stdout.write(run.diff);
        return outcome.internalErrors.length > 0 ? 2 : run.diff ? 1 : 0;
      }
      reported = run.findings;
    }
    if (changes) reported = reported.filter((f) => touchesChange(changes.get(changeKey(f.file)), f));
    const findings = reported.sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        a.rule.localeCompare(b.rule),
    );
    process.stdout.write(
      formatFindings(args.format, findings, { files: files.length, durationMs: Date.now() - started }, VERSION, outcome.skipped),
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


