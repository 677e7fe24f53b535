/**
 * A counting semaphore. The explorer passes one to every reflector so that only a few list pages
 * are in flight at once: expanding twenty namespaces starts 140 lists, which would otherwise all
 * hold a response open (buffers, a half-received item each) and load the API server at once.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    // Otherwise wait for a finishing task to hand its slot over.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
