/**
 * When two path states are the same for the walk: the same facts for the same channels, the same
 * goroutines started as often in the same order, and as much deferred work. The walk merges such
 * states at every step, so this is asked often and on states of dozens of channels: states are
 * hashed (once each, as they never change once made; a map a few channels away from one already
 * hashed, from that hash) and compared field by field only when hashes meet.
 */
import { key as countKey, type Count } from './counts';
import type { ChanKey } from './ir';
import type { ChanFacts, PathState } from './paths';

const factKeys = new WeakMap<ChanFacts, string>();
// States share channel maps (a deferred call, a goroutine started): one hash per map.
const mapHashes = new WeakMap<ReadonlyMap<ChanKey, ChanFacts>, number>();
const stateHashes = new WeakMap<PathState, number>();

/** Everything the walk tells facts apart by (not where the channel was made: `made` numbers the make). */
function factKey(f: ChanFacts): string {
  let key = factKeys.get(f);
  if (key === undefined) {
    key = `${f.made}/${countKey(f.buffer)}/${countKey(f.sends)}/${countKey(f.blockingSends)}/${countKey(f.recvs)}/${countKey(f.leadingSends)}/${+f.closed}${+f.escaped}${+f.drained}${+f.maybeSent}${+f.maybeClosed}${+f.polled}`;
    factKeys.set(f, key);
  }
  return key;
}

function sameFacts(a: ChanFacts, b: ChanFacts): boolean {
  return a === b || factKey(a) === factKey(b);
}

/** FNV-1a over the text, then mixed: 32 bits. */
function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix(h);
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// Fact and count hashes are a few multiplications: cheaper to redo than to look up in a WeakMap.
function countHash(c: Count): number {
  let h = mix(c.n * 2 + +c.inf);
  for (const sym of c.syms) h = hashText(sym, h);
  return h;
}

/** A hash of what factKey says, from the fields themselves. */
function factHash(f: ChanFacts): number {
  const flags = +f.closed | (+f.escaped << 1) | (+f.drained << 2) | (+f.maybeSent << 3) | (+f.maybeClosed << 4) | (+f.polled << 5);
  let h = mix(f.made ^ Math.imul(flags, 0x9e3779b9));
  h = mix(Math.imul(h, 31) ^ countHash(f.buffer));
  h = mix(Math.imul(h, 31) ^ countHash(f.sends));
  h = mix(Math.imul(h, 31) ^ countHash(f.blockingSends));
  h = mix(Math.imul(h, 31) ^ countHash(f.recvs));
  h = mix(Math.imul(h, 31) ^ countHash(f.leadingSends));
  return h;
}

const keyHashes = new Map<ChanKey, number>();

function entryHash(ch: ChanKey, f: ChanFacts): number {
  let h = keyHashes.get(ch);
  if (h === undefined) {
    // Channel names are few per file; the bound only keeps a long-running server's cache small.
    if (keyHashes.size > 10_000) keyHashes.clear();
    keyHashes.set(ch, (h = hashText(ch)));
  }
  return mix(h ^ factHash(f));
}

/** A sum over entries: the same for equal maps whatever order their entries were set in. */
function mapHash(chans: ReadonlyMap<ChanKey, ChanFacts>): number {
  let h = mapHashes.get(chans);
  if (h !== undefined) return h;
  h = 0;
  for (const [ch, f] of chans) h = (h + entryHash(ch, f)) >>> 0;
  mapHashes.set(chans, h);
  return h;
}

/**
 * Notes the hash of `next`, a copy of `from` with the facts of `changed` set anew, from the hash of
 * `from` when that is known (it was merged with others): a path's maps descend one from another, a
 * channel or two at a time. Maps on a path that is walked alone are hashed only if merged later.
 */
export function derivedChans(from: ReadonlyMap<ChanKey, ChanFacts>, next: ReadonlyMap<ChanKey, ChanFacts>, changed: Iterable<ChanKey>): void {
  let h = mapHashes.get(from);
  if (h === undefined) return;
  for (const ch of changed) {
    const old = from.get(ch);
    if (old) h -= entryHash(ch, old);
    h += entryHash(ch, next.get(ch)!);
  }
  mapHashes.set(next, h >>> 0);
}

export function stateHash(s: PathState): number {
  let h = stateHashes.get(s);
  if (h !== undefined) return h;
  h = mix(mapHash(s.chans) ^ s.defers.length);
  for (const g of s.started) h = mix(Math.imul(h, 31) + g.go.id) ^ hashText(countKey(g.times));
  stateHashes.set(s, h);
  return h;
}

export function sameState(a: PathState, b: PathState): boolean {
  if (a === b) return true;
  if (a.defers.length !== b.defers.length || a.started.length !== b.started.length || a.chans.size !== b.chans.size) return false;
  for (let i = 0; i < a.started.length; i++) {
    const [g, h] = [a.started[i], b.started[i]];
    if (g.go.id !== h.go.id || (g.times !== h.times && countKey(g.times) !== countKey(h.times))) return false;
  }
  if (a.chans === b.chans) return true;
  for (const [ch, f] of a.chans) {
    const other = b.chans.get(ch);
    if (!other || !sameFacts(f, other)) return false;
  }
  return true;
}
