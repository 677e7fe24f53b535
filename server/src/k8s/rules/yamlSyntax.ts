import type { K8sRule } from '../rule';

export const yamlSyntax: K8sRule = {
  id: 'k8s/yaml-syntax',
  language: 'k8s',
  kinds: [],
  title: 'Manifest is not valid YAML',
  defaultSeverity: 'error',
  fixable: false,
  docs: {
    description:
      'A document that does not parse cannot be applied, and none of its objects can be checked. LeakLens reports the first error of each broken document at its position and still checks the other documents of the file. Files that do not look like Kubernetes manifests (no `apiVersion`/`kind`) are left to the YAML extension.',
    bad: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   labels: {app: web',
    good: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}',
  },
  check({ file, report }) {
    for (const problem of file.syntaxErrors) report(problem, problem.message);
  },
};
