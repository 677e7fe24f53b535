/** The real Go toolchain, for tests that check fixed code compiles and passes go vet. */
import { spawnSync } from 'node:child_process';

/** `go vet` (all analyzers, lostcancel included) in a module directory, with the local toolchain only (no network). */
export function goVet(dir: string, args: readonly string[] = ['./...']): { status: number | null; output: string } {
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' };
  const r = spawnSync('go', ['vet', ...args], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** True when gofmt leaves `text` as it is. */
export function gofmtClean(text: string): boolean {
  const r = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  return r.status === 0 && r.stdout === text;
}
