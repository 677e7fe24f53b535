/**
 * The server never crashes on its own bugs: every handler is wrapped so an exception is logged and
 * answered with a fallback, and stray rejections or exceptions are logged instead of ending the
 * process. (Rules misbehaving inside the engine are handled there: engine/ruleGuard.ts, engineHost.ts.)
 */
import type { Connection } from 'vscode-languageserver/node';

function describe(error: unknown): string {
  return (error as Error)?.stack ?? String(error);
}

export function installProcessGuards(connection: Connection): void {
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${describe(reason)}`));
  process.on('uncaughtException', (error) => connection.console.error(`uncaught exception: ${describe(error)}`));
}

/** Wraps a handler: errors are logged and the fallback (a value, or a function of the arguments) is returned. */
export function guarded<P extends unknown[], R>(
  connection: Connection,
  name: string,
  handler: (...args: P) => R | Promise<R>,
  fallback?: R | ((...args: P) => R),
): (...args: P) => Promise<R> {
  return async (...args: P) => {
    try {
      return await handler(...args);
    } catch (error) {
      connection.console.error(`${name} failed: ${describe(error)}`);
      return typeof fallback === 'function' ? (fallback as (...a: P) => R)(...args) : (fallback as R);
    }
  };
}
