/**
 * The connection to the editor, over the transport the command line names (`--stdio`,
 * `--node-ipc` as VS Code starts it, `--socket=PORT`, `--pipe=NAME`). Two things happen here,
 * before vscode-languageserver sees a message:
 *  - Messages are checked (messageChecks.ts): bad params are answered InvalidParams, a second
 *    `initialize` InvalidRequest, and a bad notification is logged and dropped.
 *  - Unreadable input is fatal: after a corrupt Content-Length header (missing, not a number,
 *    negative) or a body that is not JSON, nothing later in the stream can be trusted and
 *    vscode-jsonrpc would only stop answering. The server logs why (stderr and the client's log)
 *    and exits with CORRUPT_INPUT_EXIT_CODE; editors restart a server that exits (VS Code does).
 */
import { format } from 'node:util';
import {
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  MessageType,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { MessageChecks } from './messageChecks';

export const CORRUPT_INPUT_EXIT_CODE = 3;

export function createServerConnection(argv: readonly string[] = process.argv): Connection {
  const transport = transportOf(argv.slice(2));
  // No transport named: vscode-languageserver reports the usage error.
  if (!transport) return createConnection(ProposedFeatures.all);
  const { reader, writer } = transport;
  const checked = new CheckedReader(reader, writer);
  const connection = createConnection(ProposedFeatures.all, checked, writer);
  let failed = false;
  reader.onError((error) => {
    if (failed) return;
    failed = true;
    const message = `LeakLens: unreadable message from the client, exiting: ${error?.message ?? error}`;
    process.stderr.write(`${message}\n`);
    connection.console.error(message);
    // Let the log message reach the client before the process ends.
    setImmediate(() => process.exit(CORRUPT_INPUT_EXIT_CODE));
  });
  // The client closed its end: nobody is left to serve.
  reader.onClose(() => process.exit(1));
  // vscode-languageserver does this for the stdio it opens itself: stdout belongs to the protocol.
  if (transport.stdio) routeConsoleTo(connection);
  return connection;
}

function transportOf(args: readonly string[]): { reader: MessageReader; writer: MessageWriter; stdio?: boolean } | undefined {
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s);
    const value = () => inline ?? args[i + 1];
    switch (flag) {
      case '--stdio':
        return { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout), stdio: true };
      case '--node-ipc':
        return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process) };
      case '--socket': {
        const [reader, writer] = createServerSocketTransport(Number(value()));
        return { reader, writer };
      }
      case '--pipe': {
        const [reader, writer] = createServerPipeTransport(value());
        return { reader, writer };
      }
    }
  }
  return undefined;
}

/** A reader that answers or drops messages failing MessageChecks itself, passing on the rest. */
class CheckedReader implements MessageReader {
  private readonly checks = new MessageChecks();

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {}

  get onError() {
    return this.inner.onError;
  }

  get onClose() {
    return this.inner.onClose;
  }

  get onPartialMessage() {
    return this.inner.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      if (this.admits(message)) callback(message);
    });
  }

  dispose(): void {
    this.inner.dispose();
  }

  private admits(message: Message): boolean {
    const m = message as { id?: number | string | null; method?: unknown; params?: unknown };
    if (typeof m.method !== 'string') return true;
    if (m.id !== undefined && m.id !== null) {
      const refusal = this.checks.request(m.method, m.params);
      if (refusal) void this.writer.write({ jsonrpc: '2.0', id: m.id, error: refusal } as Message);
      return !refusal;
    }
    const problem = this.checks.notification(m.method, m.params);
    if (problem) {
      const log = { jsonrpc: '2.0', method: 'window/logMessage', params: { type: MessageType.Warning, message: `ignored ${problem}` } };
      void this.writer.write(log as Message);
    }
    return !problem;
  }
}

function routeConsoleTo(connection: Connection): void {
  const log = (...args: unknown[]) => connection.console.log(format(...args));
  console.log = log;
  console.info = log;
  console.debug = log;
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
}
