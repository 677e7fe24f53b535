/** A progress line on stderr for runs over a second, only when stderr is a terminal. */
export function progressLine(total: number): { update: (done: number) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, clear: () => {} };
  const started = Date.now();
  let shown = false;
  let lastDraw = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - started < 1000 || now - lastDraw < 100) return;
      lastDraw = now;
      shown = true;
      process.stderr.write(`\rleaklens: ${done}/${total} files`);
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
