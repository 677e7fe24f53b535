/**
 * Programs a developer runs by hand and watches: files built only on request (`//go:build ignore`,
 * `//go:build generate`) and code generators (their text holds a `DO NOT EDIT` header inside a
 * string literal: they write generated Go). A request or dial that hangs there is seen and
 * interrupted by whoever runs it, so the timeout rules leave them alone.
 */
import type { GoFile } from './file';
import { builtByHand } from './processLifetime';

const cache = new WeakMap<GoFile, boolean>();

/** `//go:build generate` before the package clause: a generator built only for `go generate`. */
function builtToGenerate(file: GoFile): boolean {
  const pkg = file.text.search(/^package\s/m);
  return /^\/\/go:build\s+generate\s*$/m.test(file.text.slice(0, pkg < 0 ? file.text.length : pkg));
}

/** A string literal holding `DO NOT EDIT`: the header of the Go code the program writes. */
const WRITES_GENERATED_CODE = /"[^"\n]*DO NOT EDIT|`[^`]*DO NOT EDIT/;

/** True when `file` belongs to a program run by hand: a generator or a file built only on request. */
export function runByHand(file: GoFile): boolean {
  let known = cache.get(file);
  if (known === undefined) {
    known = builtByHand(file) || builtToGenerate(file) || WRITES_GENERATED_CODE.test(file.text);
    cache.set(file, known);
  }
  return known;
}
