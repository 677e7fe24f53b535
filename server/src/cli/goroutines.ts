/**
 * `leaklens goroutines <URL|FILE|pod/NAMESPACE/NAME>`: the goroutine profile of a running service
 * (or a saved dump), grouped, mapped to the working tree, and judged — what goleak does inside
 * unit tests, for a deployed binary after integration tests. Exit 0, or 1 with --fail-on-leak when
 * a group is leaked or leaking; 2 on usage errors or when no profile could be read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assess, isLeak, type AssessedGroup, type Sample } from '../goroutines/assess';
import { groupTitle, growthText, placesText, runtimeFindings, sitesOf, sizeText, VERDICT_TEXT, type RuntimeFinding, type Site } from '../goroutines/evidence';
import { FrameMapper } from '../goroutines/mapping';
import { findGoModules } from '../goroutines/modules';
import type { GoroutineProfile } from '../goroutines/profile';
import { DEFAULT_MAX_PROFILE_BYTES } from '../goroutines/reader';
import { describeFetchError, readProfileFromFile, readProfileFromUrl, type ReadOptions } from '../goroutines/sources';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const GOROUTINES_USAGE = `Usage: leaklens goroutines [options] URL|FILE|pod/NAMESPACE/NAME

Reads a goroutine profile, groups the goroutines, maps them to the Go modules under the current
directory and reports leaked, leaking and long-blocked groups.

  URL                      a process serving net/http/pprof, e.g. http://127.0.0.1:6060
  FILE                     a saved dump: debug=2 or debug=1 text, or the protobuf of debug=0
  pod/NAMESPACE/NAME       a pod, through the API server's pod proxy (kubeconfig: $KUBECONFIG,
                           then ~/.kube/config; needs get on pods/proxy)

Options:
  --second-sample DURATION take a second sample after DURATION (e.g. 30s) and report growth
  --min-wait DURATION      goroutines must have waited this long to count as leaking or
                           blocked (default 1m; the runtime reports whole minutes)
  --format text|json|sarif output format (default text)
  --fail-on-leak           exit 1 when a group is leaked or leaking
  --max-size BYTES         stop reading a profile after this many bytes (default 64MB)
  --context NAME           kubeconfig context for pod/… (default: the current context)
  --pprof-port PORT        pprof port of the pod when it names none (annotation
                           leaklens.dev/pprof-port, or a container port named pprof)
  -h, --help               show this help
`;

class GoroutinesUsageError extends Error {}

interface Args {
  target: string;
  secondSampleMs: number;
  minWaitMinutes: number;
  format: Format;
  failOnLeak: boolean;
  maxBytes: number;
  context?: string;
  pprofPort?: number;
}

/** "30s", "1m", "500ms", "2h", "0"; a bare number is seconds. */
function parseDuration(flag: string, value: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value ?? '');
  if (!m) throw new GoroutinesUsageError(`${flag} expects a duration like 30s, 1m or 0`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** "64MB", "512KB", "1000000". */
function parseSize(flag: string, value: string | undefined): number {
  const m = /^(\d+)(KB|MB|GB)?$/i.exec(value ?? '');
  if (!m || Number(m[1]) === 0) throw new GoroutinesUsageError(`${flag} expects a size like 64MB`);
  return Number(m[1]) * ({ kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1);
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> & { targets: string[] } = { secondSampleMs: 0, minWaitMinutes: 1, format: 'text', failOnLeak: false, maxBytes: DEFAULT_MAX_PROFILE_BYTES, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--second-sample':
        args.secondSampleMs = parseDuration(flag, value());
        break;
      case '--min-wait':
        args.minWaitMinutes = parseDuration(flag, value()) / 60_000;
        break;
      case '--format': {
        const f = value();
        if (!FORMATS.includes(f as Format)) throw new GoroutinesUsageError(`--format expects one of ${FORMATS.join(', ')}`);
        args.format = f as Format;
        break;
      }
      case '--fail-on-leak':
        args.failOnLeak = true;
        break;
      case '--max-size':
        args.maxBytes = parseSize(flag, value());
        break;
      case '--context':
        args.context = value();
        if (!args.context) throw new GoroutinesUsageError('--context expects a name');
        break;
      case '--pprof-port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new GoroutinesUsageError('--pprof-port expects a port number');
        args.pprofPort = port;
        break;
      }
      default:
        if (flag.startsWith('-')) throw new GoroutinesUsageError(`unknown option ${flag}`);
        args.targets.push(flag);
    }
  }
  if (args.targets.length !== 1) throw new GoroutinesUsageError(args.targets.length ? 'give one target' : 'no target given');
  return { ...(args as Args), target: args.targets[0] };
}

type Target = { kind: 'url'; url: string } | { kind: 'pod'; namespace: string; name: string } | { kind: 'file'; file: string };

function targetOf(s: string): Target {
  if (/^https?:\/\//.test(s)) return { kind: 'url', url: s };
  const pod = /^pods?\/([^/]+)\/([^/]+)$/.exec(s);
  if (pod) return { kind: 'pod', namespace: pod[1], name: pod[2] };
  if (!fs.existsSync(s)) throw new GoroutinesUsageError(`${s}: no such file (a URL starts with http://, a pod is pod/NAMESPACE/NAME)`);
  return { kind: 'file', file: s };
}

interface Sampler {
  label: string;
  sample(): Promise<{ profile: GoroutineProfile; endpoint: string }>;
}

/**
 * The pod target's code (kubeconfig, Kubernetes client) is a bundle of its own beside the CLI's
 * (dist/podCli.js), required only here; run from source, the TypeScript module is required.
 */
function loadPodCli(): typeof import('../../../client/src/runtime/podCli') {
  const bundled = path.join(__dirname, 'podCli.js');
  const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', '..', 'client', 'src', 'runtime', 'podCli.ts');
  return require(file);
}

async function podSampler(t: Extract<Target, { kind: 'pod' }>, args: Args, opts: ReadOptions): Promise<Sampler> {
  const reader = await loadPodCli().podReader(t.namespace, t.name, args.context, args.pprofPort);
  return {
    label: `pod ${t.namespace}/${t.name}`,
    async sample() {
      const read = await reader.read(opts);
      return { profile: read.profile, endpoint: `port ${read.port} ${read.endpoint.path}` };
    },
  };
}

async function samplerFor(t: Target, args: Args, opts: ReadOptions): Promise<Sampler> {
  switch (t.kind) {
    case 'url':
      return {
        label: t.url,
        async sample() {
          try {
            const read = await readProfileFromUrl(t.url, opts);
            return { profile: read.profile, endpoint: read.endpoint.path };
          } catch (e) {
            throw new Error(describeFetchError(e, t.url));
          }
        },
      };
    case 'file':
      return { label: t.file, sample: async () => ({ profile: await readProfileFromFile(t.file, opts), endpoint: '' }) };
    case 'pod':
      return podSampler(t, args, opts);
  }
}


export async function runGoroutinesCli(argv: string[], version: string): Promise<number> {
  try {
    return await goroutines(argv, version);
  } catch (e) {
    process.stderr.write(`leaklens: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 2;
  }
}

async function goroutines(argv: string[], version: string): Promise<number> {
  let args: Args;
  let target: Target;
  try {
    if (argv.includes('-h') || argv.includes('--help')) {
      process.stdout.write(GOROUTINES_USAGE);
      return 0;
    }
    args = parseArgs(argv);
    target = targetOf(args.target);
    if (target.kind === 'file' && args.secondSampleMs > 0) throw new GoroutinesUsageError('--second-sample needs a running target (a URL or a pod), not a file');
  } catch (e) {
    if (!(e instanceof GoroutinesUsageError)) throw e;
    process.stderr.write(`leaklens: ${e.message}\n\n${GOROUTINES_USAGE}`);
    return 2;
  }
  const root = process.cwd();
  const mapper = new FrameMapper(findGoModules([root]), [root]);
  const relative = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const samples: (Sample & { endpoint: string })[] = [];
  let label = args.target;
  try {
    const sampler = await samplerFor(target, args, { maxBytes: args.maxBytes });
    label = sampler.label;
    const take = async () => {
      const { profile, endpoint } = await sampler.sample();
      samples.push({ profile, endpoint, takenAt: Date.now() });
      process.stderr.write(`leaklens: ${label}: ${profile.total} goroutines in ${profile.groups.length} groups (${sizeText(profile.bytes)}${profile.truncated ? `, cut at the ${sizeText(args.maxBytes)} limit` : ''})\n`);
      if (profile.truncated) process.stderr.write(`leaklens: the profile was larger than --max-size: counts are a lower bound\n`);
    };
    await take();
    if (args.secondSampleMs > 0) {
      process.stderr.write(`leaklens: second sample in ${args.secondSampleMs / 1000} s\n`);
      await new Promise((r) => setTimeout(r, args.secondSampleMs));
      await take();
    }
  } catch (e) {
    process.stderr.write(`leaklens: ${(e as Error)?.message ?? e}\n`);
    return 2;
  }
  const latest = samples[samples.length - 1];
  const groups = assess(latest, { minWaitMinutes: args.minWaitMinutes }, samples.length > 1 ? samples[0] : undefined);
  const findings = runtimeFindings(groups, mapper, label, relative).map((f) => ({ ...f, file: relative(f.file), related: f.related.map((r) => ({ ...r, file: relative(r.file) })) }));
  const report: Report = { label, samples, groups, findings, mapper, relative, version };
  process.stdout.write(args.format === 'json' ? json(report) : args.format === 'sarif' ? sarif(report) : text(report, args.secondSampleMs));
  return args.failOnLeak && groups.some((g) => isLeak(g.verdict)) ? 1 : 0;
}

interface Report {
  label: string;
  samples: (Sample & { endpoint: string })[];
  groups: AssessedGroup[];
  /** Paths relative to the working tree. */
  findings: RuntimeFinding[];
  mapper: FrameMapper;
  relative: (file: string) => string;
  version: string;
}

function text(r: Report, secondSampleMs: number): string {
  const latest = r.samples[r.samples.length - 1].profile;
  const lines = [
    `${r.label}: ${latest.total} goroutines in ${latest.groups.length} groups${latest.leakDetection ? ' (leak detection by the garbage collector)' : ''}${r.samples.length > 1 ? `; growth over ${secondSampleMs / 1000} s` : ''}`,
  ];
  const reported = r.groups.filter((g) => g.verdict !== 'ok');
  for (const a of reported) {
    const growth = a.growthPerMinute !== undefined ? `  ${growthText(a.growthPerMinute)}` : '';
    lines.push(`${a.verdict.padEnd(8)} ${groupTitle(a.group)}${growth}  ${placesText(sitesOf(a.group, r.mapper), r.relative)}`);
  }
  const rest = r.groups.length - reported.length;
  if (rest) lines.push(`${rest} other group${rest === 1 ? '' : 's'}: nothing to report (--format json lists them)`);
  return `${lines.join('\n')}\n`;
}

function siteJson(s: Site | undefined, relative: (f: string) => string) {
  return s && { func: s.frame.func, file: s.frame.file, line: s.frame.line, workspaceFile: s.mapped && relative(s.mapped.file) };
}

function json(r: Report): string {
  const out = {
    version: 1,
    source: r.label,
    samples: r.samples.map((s) => ({
      takenAt: new Date(s.takenAt).toISOString(),
      endpoint: s.endpoint || undefined,
      format: s.profile.format,
      goroutines: s.profile.total,
      groups: s.profile.groups.length,
      bytes: s.profile.bytes,
      truncated: s.profile.truncated,
      leakDetection: s.profile.leakDetection,
    })),
    groups: r.groups.map((a) => {
      const sites = sitesOf(a.group, r.mapper);
      return {
        verdict: a.verdict,
        count: a.group.count,
        before: a.before,
        growthPerMinute: a.growthPerMinute,
        state: a.group.state,
        maxWaitMinutes: a.group.maxWaitMinutes,
        leaked: a.group.leaked,
        created: siteJson(sites.created, r.relative),
        blocked: siteJson(sites.blocked, r.relative),
        stack: a.group.stack.map((f) => ({ ...f, workspaceFile: r.mapper.map(f) && r.relative(r.mapper.map(f)!.file) })),
      };
    }),
    findings: r.findings.map((f) => ({ ...f, line: f.line + 1, related: f.related.map((x) => ({ ...x, line: x.line + 1 })) })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

const RULES = [
  { id: 'runtime/goroutines-leaked', text: 'Goroutines proven leaked by the garbage collector (goroutineleak profile)', level: 'error' },
  { id: 'runtime/goroutines-leaking', text: 'Goroutines piling up: the group grew between two samples while blocked', level: 'warning' },
  { id: 'runtime/goroutines-blocked', text: 'Goroutines blocked on a channel, select or lock for a long time', level: 'note' },
];
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function sarif(r: Report): string {
  const region = (line: number) => ({ startLine: line + 1 });
  const results: object[] = r.findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: RULES.findIndex((x) => x.id === f.code),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: region(f.line) } }],
    relatedLocations: f.related.map((x, i) => ({ id: i, message: { text: x.message }, physicalLocation: { artifactLocation: { uri: x.file }, region: region(x.line) } })),
  }));
  // Leaks outside the working tree (a dependency, the standard library) are reported by function.
  for (const a of r.groups) {
    if (!isLeak(a.verdict)) continue;
    const sites = sitesOf(a.group, r.mapper);
    if (sites.blocked?.mapped || sites.created?.mapped) continue;
    const id = a.verdict === 'leaked' ? 'runtime/goroutines-leaked' : 'runtime/goroutines-leaking';
    results.push({
      ruleId: id,
      ruleIndex: RULES.findIndex((x) => x.id === id),
      level: a.verdict === 'leaked' ? 'error' : 'warning',
      message: { text: `${groupTitle(a.group)} ${VERDICT_TEXT[a.verdict]} in ${r.label} — ${placesText(sites)}` },
      locations: [{ logicalLocations: [{ fullyQualifiedName: sites.blocked?.frame.func ?? '', kind: 'function' }] }],
    });
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LeakLens',
            informationUri: 'https://github.com/leaklens/leaklens',
            version: r.version,
            rules: RULES.map((x) => ({ id: x.id, shortDescription: { text: x.text }, defaultConfiguration: { level: x.level }, helpUri: 'https://github.com/leaklens/leaklens/blob/main/docs/runtime-leaks.md' })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
