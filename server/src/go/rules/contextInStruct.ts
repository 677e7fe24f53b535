import type { GoRule } from '../rule';

export const contextInStruct: GoRule = {
  id: 'go/context-in-struct',
  language: 'go',
  title: 'context.Context stored in a struct field',
  defaultSeverity: 'hint',
  fixable: false,
  peerNames: ['containedctx'],
  triggers: ['Context'],
  alsoRequires: ['struct'],
  docs: {
    description:
      'A context stored in a struct outlives the call it belongs to: its deadline and cancellation no longer match the work being done, and whatever the struct keeps alive keeps the context alive. Pass the context as the first parameter of each method instead.',
    bad: 'type Worker struct {\n\tctx context.Context\n}\n\nfunc (w *Worker) Run() { doWork(w.ctx) }',
    good: 'type Worker struct{}\n\nfunc (w *Worker) Run(ctx context.Context) { doWork(ctx) }',
  },
  check({ file, index, report }) {
    for (const field of index.fieldsOf('Context')) {
      const type = field.childForFieldName('type');
      if (type && file.isPkgType(type, 'context', 'Context')) {
        report(field, 'context.Context stored in a struct field: pass it as a parameter of the methods that use it instead');
      }
    }
  },
};
