/**
 * Turns the bytes of a goroutine profile, as they arrive, into a GoroutineProfile: text dumps are
 * parsed while streaming; gzip (the protobuf profile, or a gzipped text dump) is buffered and
 * inflated at the end. Reading stops at `maxBytes`: a text dump is then parsed up to its last
 * complete goroutine and marked truncated; a compressed one cannot be, and says so.
 */
import * as zlib from 'node:zlib';
import { parseProtoProfile } from './pprofProto';
import type { GoroutineProfile } from './profile';
import { TextProfileParser } from './textFormats';

export const DEFAULT_MAX_PROFILE_BYTES = 64 * 1024 * 1024;

/** The profile is larger than the limit and cannot be read in part. */
export class ProfileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the compressed profile is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit`);
    this.name = 'ProfileTooLargeError';
  }
}

/**
 * Text is decoded a megabyte at a time: Node keeps strings of that size outside V8's heap
 * (EXTERN_APEX in its src/string_bytes.cc), where the garbage collector never copies or promotes
 * them; smaller ones would each be promoted to the old generation, which then grows with the profile.
 */
const TEXT_BATCH_BYTES = 1 << 20;

export class ProfileReader {
  private kind: 'unknown' | 'text' | 'gzip' | 'proto' = 'unknown';
  private readonly text = new TextProfileParser();
  /** Compressed or protobuf input, kept whole; or text waiting to make up a batch. */
  private readonly buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private bytes = 0;
  private truncated = false;

  constructor(
    private readonly maxBytes = DEFAULT_MAX_PROFILE_BYTES,
    /** Read from /debug/pprof/goroutineleak, whose "(leaked)" marks the GC decided. */
    private readonly leakDetection = false,
  ) {}

  get bytesRead(): number {
    return this.bytes;
  }

  /** Feeds a chunk; returns false once the limit is reached (stop reading: the rest is ignored). */
  push(chunk: Uint8Array): boolean {
    if (this.truncated) return false;
    let piece = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.bytes + piece.length > this.maxBytes) {
      piece = piece.subarray(0, this.maxBytes - this.bytes);
      this.truncated = true;
    }
    this.bytes += piece.length;
    if (this.kind === 'unknown' && piece.length) this.kind = piece[0] === 0x1f && piece[1] === 0x8b ? 'gzip' : looksLikeText(piece) ? 'text' : 'proto';
    this.buffered.push(piece);
    this.bufferedBytes += piece.length;
    if (this.kind === 'text' && this.bufferedBytes >= TEXT_BATCH_BYTES) this.flushText();
    return !this.truncated;
  }

  /**
   * One character per byte (latin1): no UTF-8 sequence is ever split between batches, and decoding
   * is nearly free; the parsers turn the few strings they keep back into UTF-8.
   */
  private flushText(): void {
    if (!this.bufferedBytes) return;
    const batch = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered.length = 0;
    this.bufferedBytes = 0;
    this.text.push(batch.toString('latin1'));
  }

  finish(): GoroutineProfile {
    const common = { bytes: this.bytes, truncated: this.truncated, leakDetection: this.leakDetection };
    if (this.kind === 'text' || this.kind === 'unknown') {
      this.flushText();
      const parsed = this.text.finish(this.truncated);
      // A saved dump's "(leaked)" marks say it came from the goroutineleak profile.
      return { ...parsed, ...common, leakDetection: this.leakDetection || parsed.groups.some((g) => g.leaked > 0) };
    }
    if (this.truncated) throw new ProfileTooLargeError(this.maxBytes);
    let raw = Buffer.concat(this.buffered);
    if (this.kind === 'gzip') {
      try {
        raw = zlib.gunzipSync(raw, { maxOutputLength: Math.min(this.maxBytes, 2 ** 32) });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ProfileTooLargeError(this.maxBytes);
        throw new Error(`the profile is not valid gzip: ${(e as Error).message}`);
      }
      // A gzipped text dump.
      if (looksLikeText(raw)) {
        const inner = new ProfileReader(this.maxBytes, this.leakDetection);
        inner.push(raw);
        return { ...inner.finish(), bytes: this.bytes };
      }
    }
    try {
      const p = parseProtoProfile(raw);
      return { ...p, ...common, leakDetection: this.leakDetection || p.leakDetection };
    } catch (e) {
      throw new Error(`the profile is neither a goroutine dump nor a valid pprof protobuf: ${(e as Error).message}`);
    }
  }
}

/**
 * Text dumps start with printable text ("goroutine 1 [running]:", a panic message); a
 * profile.proto message starts with field tags and small lengths (control bytes).
 */
function looksLikeText(b: Uint8Array): boolean {
  for (let i = 0; i < Math.min(b.length, 64); i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20)) return false;
  }
  return true;
}

/** Parses a whole profile held in memory (tests, saved dumps). */
export function parseProfile(data: Uint8Array | string, leakDetection = false): GoroutineProfile {
  const reader = new ProfileReader(Number.MAX_SAFE_INTEGER, leakDetection);
  reader.push(typeof data === 'string' ? Buffer.from(data) : data);
  return reader.finish();
}
