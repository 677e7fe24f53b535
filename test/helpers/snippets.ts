/**
 * Expands VS Code snippet bodies the way an editor does when the user accepts every default:
 * `${1:default}` (nested too) and its mirrors `$1` become the default, `${1|a,b|}` the first
 * choice, bare tab stops and `$0` nothing; `\$`, `\}` and `\\` are unescaped.
 * Variables and transforms are not used by LeakLens snippets and are rejected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SnippetDefinition {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

export const SNIPPETS_DIR = path.join(__dirname, '..', '..', 'snippets');

/** Reads snippets/<language>.json: snippet name -> definition. */
export function loadSnippets(language: 'go' | 'yaml', dir = SNIPPETS_DIR): Record<string, SnippetDefinition> {
  return JSON.parse(fs.readFileSync(path.join(dir, `${language}.json`), 'utf8'));
}

/** Indents every line after the first, except empty ones, as an editor does when inserting at `indent`. */
export function indentSnippet(expansion: string, indent: string): string {
  return expansion
    .split('\n')
    .map((l, i) => (i === 0 || l === '' ? l : indent + l))
    .join('\n');
}

type Part = string | { tabstop: number; children?: Part[]; choices?: string[] };

export function expandSnippet(body: string | string[]): string {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const parts = new Parser(text).parse();
  const defaults = new Map<number, string>();
  const collect = (ps: Part[]) => {
    for (const p of ps) {
      if (typeof p === 'string') continue;
      if (p.children) collect(p.children);
      if (defaults.has(p.tabstop)) continue;
      if (p.choices) defaults.set(p.tabstop, p.choices[0]);
      else if (p.children) defaults.set(p.tabstop, render(p.children));
    }
  };
  const render = (ps: Part[]): string =>
    ps.map((p) => (typeof p === 'string' ? p : p.children ? render(p.children) : (p.choices?.[0] ?? defaults.get(p.tabstop) ?? ''))).join('');
  collect(parts);
  return render(parts);
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Part[] {
    const parts = this.parts(false);
    if (this.pos < this.text.length) this.fail('unexpected "}"');
    return parts;
  }

  /** Text and tab stops up to the end, or up to an unescaped `}` when inside a placeholder. */
  private parts(inPlaceholder: boolean): Part[] {
    const parts: Part[] = [];
    let literal = '';
    const flush = () => {
      if (literal) parts.push(literal);
      literal = '';
    };
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\\' && '$}\\'.includes(this.text[this.pos + 1] ?? '')) {
        literal += this.text[this.pos + 1];
        this.pos += 2;
      } else if (c === '}' && inPlaceholder) {
        break;
      } else if (c === '$') {
        flush();
        parts.push(this.tabstop());
      } else {
        literal += c;
        this.pos++;
      }
    }
    flush();
    return parts;
  }

  private tabstop(): Part {
    this.pos++; // $
    const braced = this.text[this.pos] === '{';
    if (braced) this.pos++;
    const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0];
    if (!digits) this.fail('variables are not supported in LeakLens snippets');
    this.pos += digits.length;
    const tabstop = Number(digits);
    if (!braced) return { tabstop };
    const next = this.text[this.pos];
    if (next === '}') {
      this.pos++;
      return { tabstop };
    }
    if (next === ':') {
      this.pos++;
      const children = this.parts(true);
      this.expect('}');
      return { tabstop, children };
    }
    if (next === '|') {
      this.pos++;
      const end = this.text.indexOf('|}', this.pos);
      if (end < 0) this.fail('unterminated choice');
      const choices = this.text.slice(this.pos, end).split(',');
      this.pos = end + 2;
      return { tabstop, choices };
    }
    this.fail(`unsupported tab stop syntax "${next}"`);
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  private fail(message: string): never {
    throw new Error(`snippet syntax at offset ${this.pos}: ${message}\n${this.text}`);
  }
}
