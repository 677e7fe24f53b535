import type { GoFile } from '../file';
import type { GoRule } from '../rule';
import { enclosingFunction, hasType, namedChildren, type Node, parentOf, typeOf } from '../syntax';

/** The struct type a field belongs to, when it is a named type declared at the top level of the file. */
function namedStructOf(field: Node): { name: string; fields: readonly Node[] } | undefined {
  const list = parentOf(field);
  const struct = parentOf(list);
  const spec = parentOf(struct);
  if (!hasType(struct, 'struct_type') || !hasType(spec, 'type_spec') || enclosingFunction(spec)) return undefined;
  const name = spec.childForFieldName('name')?.text;
  return name && list ? { name, fields: namedChildren(list).filter((f) => typeOf(f) === 'field_declaration') } : undefined;
}

/** The type is a context: it embeds context.Context, or declares its methods (Deadline, Done, Err, Value) itself. */
function isContextType(file: GoFile, typeName: string, fields: readonly Node[]): boolean {
  const embeds = fields.some((f) => f.childrenForFieldName('name').length === 0 && isContext(file, f));
  const method = new RegExp(`^func \\(\\w*\\s*\\*?${typeName}(\\[[^\\]]*\\])?\\) (Deadline|Done|Err|Value)\\(`, 'm');
  return embeds || method.test(file.text);
}

function isContext(file: GoFile, field: Node): boolean {
  const type = field.childForFieldName('type');
  return !!type && file.isPkgType(type, 'context', 'Context');
}

/** A sibling field holds the cancel func of the stored context: the struct owns that context's lifetime. */
function keepsCancel(file: GoFile, fields: readonly Node[]): boolean {
  return fields.some((f) => {
    const type = f.childForFieldName('type');
    if (!type) return false;
    if (file.isPkgType(type, 'context', 'CancelFunc') || file.isPkgType(type, 'context', 'CancelCauseFunc')) return true;
    return typeOf(type) === 'function_type' && f.childrenForFieldName('name').some((n) => !!n && /cancel/i.test(n.text));
  });
}

export const contextInStruct: GoRule = {
  id: 'go/context-in-struct',
  language: 'go',
  title: 'context.Context stored in a struct field',
  defaultSeverity: 'hint',
  fixable: false,
  offByDefault:
    'real code stores contexts in structs on purpose far more often than by mistake (per-stream and per-request state, parameter bundles, queue messages): on GOROOT and the Kubernetes, etcd and gRPC modules a reviewer kept none of a sample of its findings.',
  peerNames: ['containedctx'],
  scope: {
    tests: { checked: false, why: 'test tables and harnesses carry a context per case on purpose.' },
  },
  triggers: ['Context'],
  alsoRequires: ['struct'],
  docs: {
    description:
      'A context stored in a struct outlives the call it belongs to: its deadline and cancellation no longer match the work being done, and whatever the struct keeps alive keeps the context alive. Pass the context as the first parameter of each method instead. Not flagged: types that embed `context.Context` or declare `Done`, `Err`, `Deadline` or `Value` themselves (the type is a context), a struct that keeps the context together with its cancel func (it owns the lifetime), and struct types declared inside a function or without a name (test tables, one-call bundles). Off by default: enable it with `go/context-in-struct: hint`.',
    bad: 'type Worker struct {\n\tctx context.Context\n}\n\nfunc (w *Worker) Run() { doWork(w.ctx) }',
    good: 'type Worker struct{}\n\nfunc (w *Worker) Run(ctx context.Context) { doWork(ctx) }',
  },
  check({ file, index, report }) {
    for (const field of index.fieldsOf('Context')) {
      if (!isContext(file, field) || field.childrenForFieldName('name').length === 0) continue;
      const struct = namedStructOf(field);
      if (!struct || isContextType(file, struct.name, struct.fields) || keepsCancel(file, struct.fields)) continue;
      report(field, 'context.Context stored in a struct field: pass it as a parameter of the methods that use it instead');
    }
  },
};
