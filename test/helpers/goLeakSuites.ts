/**
 * Go's own goroutine-leak suites, read from GOROOT (present with Go >= 1.26):
 * src/runtime/testdata/testgoroutineleakprofile holds the leak patterns (commonpatterns.go,
 * simple.go) and a GoKer subset (goker/*.go), and src/runtime/goroutineleakprofile_test.go
 * writes down the leaks each case must show (function and wait reason). This module lints each
 * case with the real engine and says which the goroutine rules flag statically.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../server/src/engine/types';
import { lintGo } from './goEngine';

/** The rules of the goroutine model: what "flagged" means here. */
export const GOROUTINE_RULES = new Set(['go/stranded-sender', 'go/stranded-receiver', 'go/blocks-forever', 'go/goroutine-no-exit', 'go/select-no-cancel']);

/** Wait reasons of goroutines blocked on channels alone (not mutexes, wait groups or conds). */
const CHANNEL_WAITS = new Set(['chan send', 'chan receive', 'select', 'select (no cases)', 'chan send (nil chan)', 'chan receive (nil chan)']);

export interface LeakCase {
  name: string;
  /** 'micro' and 'pattern' cases come from simple.go and commonpatterns.go; 'goker' from goker/. */
  suite: 'micro' | 'pattern' | 'goker';
  /** The wait reasons of the leaks it must show; empty for a case that must show none. */
  waits: string[];
  /** Every expected leak waits on channels only. */
  channelOnly: boolean;
  file: string;
  /** The function registered for the case. */
  entry: string;
}

export interface CaseResult extends LeakCase {
  /** Goroutine-rule findings in the functions the case runs (its entry and what that calls in the file). */
  findings: Finding[];
}

export function suiteDir(): string | undefined {
  const r = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  const dir = r.status === 0 ? path.join(r.stdout.trim(), 'src', 'runtime', 'testdata', 'testgoroutineleakprofile') : '';
  return dir && fs.existsSync(path.join(dir, 'commonpatterns.go')) ? dir : undefined;
}

/** The cases with their expectations, read from goroutineleakprofile_test.go next to the test data. */
export function leakCases(dir: string): LeakCase[] {
  const spec = fs.readFileSync(path.join(dir, '..', '..', 'goroutineleakprofile_test.go'), 'utf8');
  const sources = ['commonpatterns.go', 'simple.go', ...fs.readdirSync(path.join(dir, 'goker')).filter((f) => f.endsWith('.go')).map((f) => path.join('goker', f))];
  const registered = new Map<string, { file: string; entry: string }>();
  for (const rel of sources) {
    const text = fs.readFileSync(path.join(dir, rel), 'utf8');
    for (const m of text.matchAll(/register\("(\w+)",\s*(\w+)\)/g)) registered.set(m[1], { file: path.join(dir, rel), entry: m[2] });
  }
  const out: LeakCase[] = [];
  // makeTest("Name", `regex`, …) and makeFlakyTest(…): the case's name, then its expected leaks
  // (comment lines may sit between them).
  const comment = String.raw`(?:\s*//[^\n]*)*`;
  const call = new RegExp(String.raw`make(?:Flaky)?Test\("(\w+)"((?:\s*,${comment}\s*` + '`[^`]*`)*)' + String.raw`\s*,?\s*\)`, 'g');
  for (const m of spec.matchAll(call)) {
    const where = registered.get(m[1]);
    if (!where) continue;
    const waits = [...m[2].matchAll(/\\\[([^`]*?)\\\]/g)].map((w) => w[1].replace(/\\(.)/g, '$1'));
    const suite = where.file.includes(`${path.sep}goker${path.sep}`) ? 'goker' : where.file.endsWith('simple.go') ? 'micro' : 'pattern';
    out.push({ name: m[1], suite, waits, channelOnly: waits.length > 0 && waits.every((w) => CHANNEL_WAITS.has(w)), ...where });
  }
  return out;
}

/** Top-level function and method names of a Go text with their spans, and the names each calls. */
function declarations(text: string): { name: string; start: number; end: number; calls: Set<string> }[] {
  const starts = [...text.matchAll(/^func (?:\([^)]*\)\s*)?(\w+)/gm)].map((m) => ({ name: m[1], start: m.index! }));
  return starts.map((d, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].start : text.length;
    const calls = new Set([...text.slice(d.start, end).matchAll(/(\w+)\s*\(/g)].map((c) => c[1]));
    return { ...d, end, calls };
  });
}

/** Lints each case's file once and keeps the goroutine findings in the functions the case runs. */
export function lintLeakCases(cases: readonly LeakCase[]): CaseResult[] {
  const byFile = new Map<string, { text: string; findings: Finding[] }>();
  return cases.map((c) => {
    let linted = byFile.get(c.file);
    if (!linted) {
      const text = fs.readFileSync(c.file, 'utf8');
      linted = { text, findings: lintGo(c.file, text).filter((f) => GOROUTINE_RULES.has(f.rule)) };
      byFile.set(c.file, linted);
    }
    const decls = declarations(linted.text);
    const reached = new Set([c.entry]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of decls) {
        if (!reached.has(d.name)) continue;
        for (const callee of d.calls) if (decls.some((x) => x.name === callee) && !reached.has(callee)) grew = !!reached.add(callee);
      }
    }
    const lineStarts = [0, ...[...linted.text.matchAll(/\n/g)].map((m) => m.index! + 1)];
    const inReached = (f: Finding) => {
      const offset = lineStarts[f.range.start.line] ?? 0;
      return decls.some((d) => reached.has(d.name) && d.start <= offset && offset < d.end);
    };
    return { ...c, findings: linted.findings.filter(inReached) };
  });
}
