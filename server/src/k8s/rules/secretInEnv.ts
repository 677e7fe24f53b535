import { asSeq, mapsIn, pairOf, stringOf, textOf } from '../nodes';
import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

/** Words that make a variable a secret on their own. */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY']);
/** Two-word secrets (API_KEY, ACCESS_KEY, ...). */
const SECRET_PAIRS = new Set(['API KEY', 'ACCESS KEY', 'PRIVATE KEY', 'SECRET KEY', 'AUTH KEY', 'SIGNING KEY', 'ENCRYPTION KEY', 'CLIENT SECRET']);
/** A last word that makes the variable about a secret, not the secret itself (TOKEN_FILE, SECRET_NAME). */
const NOT_THE_SECRET = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'NAME', 'REF', 'ENDPOINT', 'HOST', 'PORT', 'ENABLED', 'TTL', 'EXPIRY', 'LENGTH', 'HEADER', 'TYPE', 'ID', 'MOUNT']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** Values that name where a secret is (`/var/secrets/key.json`) or switch something (`yes`, `false`, `0`). */
const NOT_A_SECRET_VALUE = /^(?:\/\S*|yes|no|true|false|on|off|0|1)$/i;

/** `scheme://user:password@host…` with a literal password (not a `$(VAR)` reference, not empty). */
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@/\s]+)@/i;

function hasUrlPassword(value: string): boolean {
  const password = URL_CREDENTIALS.exec(value.trim())?.[1];
  return !!password && !password.startsWith('$(') && !password.startsWith('${');
}

function looksSecret(name: string): boolean {
  const w = words(name);
  if (w.length === 0 || NOT_THE_SECRET.has(w[w.length - 1])) return false;
  if (w.some((x) => SECRET_WORDS.has(x))) return true;
  return w.some((x, i) => i > 0 && SECRET_PAIRS.has(`${w[i - 1]} ${x}`));
}

export const secretInEnv: K8sRule = {
  id: 'k8s/secret-in-env',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Secret written as a literal environment variable',
  defaultSeverity: 'error',
  fixable: false,
  docs: {
    description:
      'A password, token or key written as a literal `value` lives in the manifest, in Git history, in every `kubectl get -o yaml` and in the object\'s last-applied annotation. A URL with a password in it (`postgres://app:hunter2@db/orders`) is a secret whatever the variable is called; a file path (`GOOGLE_APPLICATION_CREDENTIALS: /var/secrets/key.json`) or a yes/no switch (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`) is not. Put it in a Secret and reference it with `valueFrom.secretKeyRef`.',
    bad: 'env:\n  - name: DB_PASSWORD\n    value: hunter2',
    good: 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password',
  },
  check({ objects, report }) {
    for (const c of allContainers(objects)) {
      for (const item of mapsIn(asSeq(pairOf(c.node, 'env')?.value))) {
        const namePair = pairOf(item, 'name');
        const name = stringOf(namePair?.value);
        const valuePair = pairOf(item, 'value');
        const value = textOf(valuePair?.value);
        if (!namePair || !name || !value) continue;
        if (hasUrlPassword(value)) {
          report(valuePair!, `${describeContainer(c)} sets ${name} to a URL with a password in it: move it to a Secret and use valueFrom.secretKeyRef`);
          continue;
        }
        // `$(OTHER_VAR)` is a reference Kubernetes expands; a file path or a yes/no switch is not the secret itself.
        if (value.startsWith('$(') || NOT_A_SECRET_VALUE.test(value) || !looksSecret(name)) continue;
        report(
          namePair,
          `${describeContainer(c)} sets ${name} to a literal value: move it to a Secret and use valueFrom.secretKeyRef (name: <secret>, key: <key>)`,
        );
      }
    }
  },
};
