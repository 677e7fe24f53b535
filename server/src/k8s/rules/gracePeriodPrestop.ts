import { asMap, asSeq, mapAt, numberOf, pairOf, textOf, type Pair, type YAMLMap } from '../nodes';
import { containersOf, describeContainer, podSpecsOf, WORKLOAD_KINDS } from '../podSpec';
import { fixIf, type K8sRule } from '../rule';

const DEFAULT_GRACE_SECONDS = 30;
const SHUTDOWN_MARGIN_SECONDS = 15;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);
const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a `sleep` argument: 20, 20s, 1.5m, infinity. */
function sleepSeconds(arg: string | undefined): number | undefined {
  if (arg === 'infinity') return Infinity;
  const m = arg ? /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg) : null;
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : undefined;
}

const basename = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** Seconds a preStop handler sleeps: the `sleep` action, `sleep N`, or the `sleep`s of `sh -c "..."`. */
function preStopSleep(handler: YAMLMap | undefined): number | undefined {
  const action = numberOf(pairOf(mapAt(handler, 'sleep'), 'seconds')?.value);
  if (action !== undefined) return action;
  const args = (asSeq(pairOf(mapAt(handler, 'exec'), 'command')?.value)?.items ?? []).map((i) => textOf(i) ?? '');
  if (args.length === 0) return undefined;
  if (basename(args[0]) === 'sleep') return sleepSeconds(args[1]);
  const script = SHELLS.has(basename(args[0])) ? args[args.indexOf('-c') + 1] : undefined;
  if (!args.includes('-c') || !script) return undefined;
  // Shell words of the script; every `sleep N` adds up.
  const words = script.split(/[\s;&|()]+/);
  let total: number | undefined;
  words.forEach((w, i) => {
    const s = basename(w) === 'sleep' ? sleepSeconds(words[i + 1]) : undefined;
    if (s !== undefined) total = (total ?? 0) + s;
  });
  return total;
}

export const gracePeriodPrestop: K8sRule = {
  id: 'k8s/grace-period-prestop',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'preStop sleep outlasts the termination grace period',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'The grace period (`terminationGracePeriodSeconds`, 30 by default) starts before the preStop hook runs. When the hook sleeps as long as the grace period or longer, SIGTERM arrives late or never: the kubelet sends SIGKILL and in-flight requests, open transactions and buffered data are lost. The fix sets the grace period to the longest preStop sleep plus 15 seconds, time for the program\'s own shutdown.',
    bad: 'spec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      lifecycle:\n        preStop:\n          exec:\n            command: ["sleep", "30"]',
    good: 'spec:\n  terminationGracePeriodSeconds: 45\n  containers:\n    - name: web\n      image: nginx:1.27\n      lifecycle:\n        preStop:\n          exec:\n            command: ["sleep", "30"]',
  },
  check({ objects, edits, report }) {
    for (const pod of podSpecsOf(objects)) {
      const grace = numberOf(pairOf(pod.spec, 'terminationGracePeriodSeconds')?.value) ?? DEFAULT_GRACE_SECONDS;
      const hooks: { pair: Pair; sleep: number; who: string }[] = [];
      for (const c of containersOf(pod)) {
        const pair = pairOf(mapAt(c.node, 'lifecycle'), 'preStop');
        const sleep = pair && preStopSleep(asMap(pair.value));
        if (pair && sleep !== undefined) hooks.push({ pair, sleep, who: describeContainer(c) });
      }
      const longest = Math.max(...hooks.map((h) => h.sleep));
      for (const h of hooks) {
        if (h.sleep < grace) continue;
        const wanted = longest + SHUTDOWN_MARGIN_SECONDS;
        report(
          h.pair,
          `${h.who}'s preStop sleeps ${h.sleep}s, not less than the ${grace}s termination grace period: SIGKILL comes before the program can shut down`,
          {
            fixes: Number.isFinite(wanted)
              ? fixIf(`Set terminationGracePeriodSeconds: ${wanted}`, edits.set(pod.spec, ['terminationGracePeriodSeconds'], wanted))
              : [],
          },
        );
      }
    }
  },
};
