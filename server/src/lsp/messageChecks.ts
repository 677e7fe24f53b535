/**
 * The shape of the params of every message the server handles, checked before any handler (or
 * vscode-languageserver's own wrappers, which read fields of the params) sees them: a request
 * with params the server cannot use is answered InvalidParams (-32602), a second `initialize`
 * InvalidRequest (-32600), and a notification with bad params is logged and dropped. Only what
 * the server reads is checked; extra fields pass.
 */
import { ErrorCodes } from 'vscode-languageserver/node';

/** Says what is wrong with a value, as `must be …` after its path (undefined: nothing). */
type Check = (value: unknown) => string | undefined;

/** `field` + `.inner must be …`, or `field must be …`. */
const under = (field: string, problem: string) => (problem.startsWith('must') ? `${field} ${problem}` : `${field}${problem.startsWith('[') ? '' : '.'}${problem}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const int: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a non-negative integer');
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null ? undefined : check(v);
const arrayOf =
  (check: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (let i = 0; i < v.length; i++) {
      const problem = check(v[i]);
      if (problem) return under(`[${i}]`, problem);
    }
    return undefined;
  };
const obj =
  (fields: Record<string, Check> = {}): Check =>
  (v) => {
    if (!isObject(v)) return 'must be an object';
    for (const [name, check] of Object.entries(fields)) {
      const problem = check(v[name]);
      if (problem) return under(name, problem);
    }
    return undefined;
  };

const position = obj({ line: int, character: int });
const range = obj({ start: position, end: position });
const documentId = obj({ uri: str });

const REQUESTS: Record<string, Check> = {
  initialize: obj({
    capabilities: obj(),
    processId: optional(int),
    rootUri: optional(str),
    workspaceFolders: optional(arrayOf(obj({ uri: str, name: str }))),
  }),
  'textDocument/codeAction': obj({
    textDocument: documentId,
    range,
    context: obj({ diagnostics: arrayOf(obj({ range })), only: optional(arrayOf(str)) }),
  }),
  'codeAction/resolve': obj({ title: str }),
  'leaklens/fixAll': obj({ uri: str }),
};

const NOTIFICATIONS: Record<string, Check> = {
  'textDocument/didOpen': obj({ textDocument: obj({ uri: str, languageId: str, version: int, text: str }) }),
  'textDocument/didChange': obj({
    textDocument: obj({ uri: str, version: int }),
    contentChanges: arrayOf(obj({ text: str, range: optional(range) })),
  }),
  'textDocument/didClose': obj({ textDocument: documentId }),
  'workspace/didChangeConfiguration': obj(),
  'workspace/didChangeWatchedFiles': obj({ changes: arrayOf(obj({ uri: str, type: int })) }),
};

export interface Refusal {
  code: number;
  message: string;
}

/** Checks requests and notifications in arrival order (it knows whether `initialize` came already). */
export class MessageChecks {
  private initialized = false;

  /** Why a request is refused, or undefined to handle it. */
  request(method: string, params: unknown): Refusal | undefined {
    if (method === 'initialize') {
      if (this.initialized) return { code: ErrorCodes.InvalidRequest, message: 'initialize: the server is already initialized' };
    }
    const problem = REQUESTS[method]?.(params);
    if (problem) return { code: ErrorCodes.InvalidParams, message: `${method}: ${under('params', problem)}` };
    if (method === 'initialize') this.initialized = true;
    return undefined;
  }

  /** Why a notification is dropped, or undefined to handle it. */
  notification(method: string, params: unknown): string | undefined {
    const problem = NOTIFICATIONS[method]?.(params);
    return problem && `${method}: ${under('params', problem)}`;
  }
}
