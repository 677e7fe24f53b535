/**
 * Fix All on manifests composes exactly the individual fixes: fixes that add keys to the same
 * mapping (a container missing `resources` gets requests from one rule and limits from another)
 * cannot be applied side by side as text, and applying them over several passes would let the
 * first change what the next rule asks for (a memory limit counts as the request). So the safe
 * preferred fixes on one mapping are joined into one batch edit up front.
 */
import { preferredFix } from '../engine/fixAll';
import type { Finding, Fix } from '../engine/types';
import type { YamlEditor } from './yamlEdits';

/** Gives the safe preferred fixes of `findings` that edit one mapping a shared batch. */
export function batchFixes(findings: readonly Finding[], editor: YamlEditor): void {
  const groups = new Map<object, Fix[]>();
  for (const f of findings) {
    const fix = preferredFix(f);
    const target = fix && !fix.changesBehavior ? editor.targetOf(fix.edits) : undefined;
    if (!target) continue;
    const group = groups.get(target);
    if (group) group.push(fix!);
    else groups.set(target, [fix!]);
  }
  let n = 0;
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const edits = editor.compose(group.map((f) => f.edits));
    if (!edits) continue;
    const batch = { id: `k8s-batch-${n++}`, edits };
    for (const fix of group) fix.batch = batch;
  }
}
