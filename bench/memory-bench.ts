/**
 * Peak memory of `leaklens lint` (dist/cli.js) on single large Go files, beside gofmt parsing and
 * printing the same file (the yardstick: what reading a Go file of that size takes). Issue 19 held
 * the CLI to a peak RSS under 150 MB for a 2 MB file.
 *   npx tsx bench/memory-bench.ts [--bytes 1990000] [--cli path/to/cli.js]   (another build, to compare)
 * Files: generated service code full of leak patterns (every declaration is checked); the same with a
 * broken declaration at the end (lint then parses the file whole, as the editor does); standard
 * library code concatenated to the same size. Peak RSS of the CLI comes from
 * process.resourceUsage().maxRSS in a preloaded module; gofmt's from GNU time when installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateLargeFile } from './goCorpus';

const ROOT = path.join(__dirname, '..');
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const CLI = path.resolve(option('cli') ?? path.join(ROOT, 'dist', 'cli.js'));
const BYTES = Number(option('bytes') ?? 1_990_000);

/** Generated code just under `bytes`. */
function generated(bytes: number): string {
  let lines = 1000;
  while (generateLargeFile(lines * 2).length < bytes) lines *= 2;
  let lo = lines;
  let hi = lines * 2;
  while (hi - lo > 50) {
    const mid = (lo + hi) >> 1;
    if (generateLargeFile(mid).length < bytes) lo = mid;
    else hi = mid;
  }
  return generateLargeFile(lo);
}

/** Standard library files in one file of about `bytes`: one package clause, their imports in one block up front. */
function stdlib(bytes: number): string {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const imports = new Set<string>();
  let body = '';
  const IMPORTS = /^import (\([^)]*\)|.*)$/gm;
  for (const pkg of ['net/http', 'database/sql', 'os', 'net', 'time', 'context', 'sync', 'io']) {
    const dir = path.join(goroot, 'src', pkg);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort()) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8').replace(/^package \w+$/m, '');
      const specs = [...text.matchAll(IMPORTS)].flatMap((m) => m[1].replace(/^\(|\)$/g, '').split('\n')).map((l) => l.trim()).filter(Boolean);
      if (body.length + text.length > bytes) return `package big\n\nimport (\n${[...imports].map((i) => `\t${i}\n`).join('')})\n${body}`;
      for (const spec of specs) imports.add(spec);
      body += text.replace(IMPORTS, '');
    }
  }
  return `package big\n\nimport (\n${[...imports].map((i) => `\t${i}\n`).join('')})\n${body}`;
}

/** Peak RSS (MB), CPU (s) and finding count of `node dist/cli.js lint` on one file. */
function lint(file: string, preload: string): { rssMb: number; cpuS: number; findings: number } {
  const r = spawnSync(process.execPath, ['--require', preload, CLI, 'lint', '--format', 'json', '--fail-on', 'never', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`lint failed: ${r.stderr}`);
  const usage = JSON.parse(/LEAKLENS_USAGE (.*)/.exec(r.stderr)![1]) as { maxRSS: number; userCPUTime: number; systemCPUTime: number };
  return { rssMb: usage.maxRSS / 1024, cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, findings: (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length };
}

/** Peak RSS (MB) of gofmt -e on the file, when GNU time is there to tell it. */
function gofmt(file: string): number | undefined {
  if (!fs.existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'gofmt', '-e', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node esbuild.mjs\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-memory-'));
  const preload = path.join(dir, 'usage.cjs');
  fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write(`LEAKLENS_USAGE ${JSON.stringify(process.resourceUsage())}\\n`));\n");
  const clean = generated(BYTES);
  const files = {
    'generated service code': clean,
    'the same, one declaration broken': `${clean}\nfunc broken( {\n`,
    'standard library code': stdlib(BYTES),
  };
  console.log(`leaklens lint (${path.relative(process.cwd(), CLI)}) vs gofmt -e, one file each; peak RSS in MB, CPU in s`);
  console.log(`${'file'.padEnd(36)} ${'bytes'.padStart(9)}  ${'lint RSS'.padStart(8)}  ${'lint CPU'.padStart(8)}  ${'findings'.padStart(8)}  ${'gofmt RSS'.padStart(9)}`);
  try {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(dir, 'big.go');
      fs.writeFileSync(file, text);
      const r = lint(file, preload);
      const g = gofmt(file);
      console.log(
        `${name.padEnd(36)} ${String(Buffer.byteLength(text)).padStart(9)}  ${r.rssMb.toFixed(0).padStart(8)}  ${r.cpuS.toFixed(2).padStart(8)}  ${String(r.findings).padStart(8)}  ${(g === undefined ? '-' : g.toFixed(0)).padStart(9)}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
