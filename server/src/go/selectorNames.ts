/**
 * The names a Go file uses after a dot (`x.name`, `x.name()`): the fields and methods it touches.
 * Comments and string literals may add names; that only makes a reader more careful.
 */
export function selectorNames(text: string): Set<string> {
  return new Set(Array.from(text.matchAll(/\.\s*([A-Za-z_]\w*)/g), (m) => m[1]));
}
