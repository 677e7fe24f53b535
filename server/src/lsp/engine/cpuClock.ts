/**
 * CPU time, for budgets that a busy machine must not trip: wall-clock time also counts the time
 * other processes had the core. The thread's own CPU time where Node can tell
 * (`process.threadCpuUsage`, Node 23.9+), else the process's (on Node 20 the engine worker's
 * share dominates it: the protocol thread mostly waits).
 */
type CpuUsage = () => { user: number; system: number };
const threadCpuUsage = (process as unknown as { threadCpuUsage?: CpuUsage }).threadCpuUsage?.bind(process);

/** CPU time in milliseconds, of this thread when known, else of the process. */
export function cpuTimeMs(): number {
  const { user, system } = threadCpuUsage ? threadCpuUsage() : process.cpuUsage();
  return (user + system) / 1000;
}

/** How stale the stopwatch's sample of the CPU clock may be: its error bound, in ms. */
const SAMPLE_MS = 20;

/**
 * Times stretches of work (rule calls: thousands per file) in CPU time without reading the CPU
 * clock around each: reading it costs microseconds, a wall clock a fraction of one. The CPU clock is
 * sampled at most every SAMPLE_MS; a stretch that took long in wall-clock time is charged the CPU
 * time since that sample, less the wall time between the sample and its start (at most the CPU it
 * could have used then): a lower bound, short of the truth by at most SAMPLE_MS.
 */
export class CpuStopwatch {
  private sampleWall = Number.NEGATIVE_INFINITY;
  private sampleCpu = 0;

  constructor(private readonly clock: () => number = cpuTimeMs) {}

  /** Marks the start of a stretch; returns its wall-clock start. */
  start(): number {
    const now = performance.now();
    if (now - this.sampleWall > SAMPLE_MS) {
      this.sampleWall = now;
      this.sampleCpu = this.clock();
    }
    return now;
  }

  /** Wall-clock milliseconds since `start`. */
  wallSince(start: number): number {
    return performance.now() - start;
  }

  /** At least how much CPU time the stretch since `start` used (reads the CPU clock: call it rarely). */
  cpuSince(start: number): number {
    return Math.max(0, this.clock() - this.sampleCpu - (start - this.sampleWall));
  }
}
