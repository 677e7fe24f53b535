/**
 * The Go types that hold the resources a function can hand its caller (a cancel func, an HTTP
 * response, sql.Rows, a span) and the standard calls that acquire them. resources.ts builds the
 * rules' resources on these; packageIndex.ts reads declared result types with them.
 */

/** Resources a same-package function can return: its callers then own them. */
export type DeclaredResource = 'cancel' | 'response' | 'rows' | 'span';

export interface ResourceType {
  /** The package that defines the type. */
  pkg: string;
  /** Its type names there. */
  names: readonly string[];
  /** Held through a pointer: `*http.Response`, not `http.Response`. */
  pointer: boolean;
  /** Names of the standard functions and methods that acquire it. */
  acquiredBy: readonly string[];
  /** Which of their results it is. */
  slot: number;
  /** Selectors from a variable holding it to the call that releases it: `resp.Body.Close()`, `cancel()`. */
  releasePath: readonly string[];
}

/** context functions whose context ends by itself when its time is up (and then leaves its parent). */
export const CONTEXT_EXPIRING = ['WithDeadline', 'WithDeadlineCause', 'WithTimeout', 'WithTimeoutCause'];

/** context functions that return a CancelFunc (or CancelCauseFunc) as their second result. */
export const CONTEXT_WITH_CANCEL = ['WithCancel', 'WithCancelCause', ...CONTEXT_EXPIRING];

export const RESOURCE_TYPES: Readonly<Record<DeclaredResource, ResourceType>> = {
  cancel: { pkg: 'context', names: ['CancelFunc', 'CancelCauseFunc'], pointer: false, acquiredBy: CONTEXT_WITH_CANCEL, slot: 1, releasePath: [] },
  response: { pkg: 'net/http', names: ['Response'], pointer: true, acquiredBy: ['Do', 'Get', 'Post', 'PostForm'], slot: 0, releasePath: ['Body', 'Close'] },
  rows: { pkg: 'database/sql', names: ['Rows'], pointer: true, acquiredBy: ['Query', 'QueryContext'], slot: 0, releasePath: ['Close'] },
  span: { pkg: 'go.opentelemetry.io/otel/trace', names: ['Span'], pointer: false, acquiredBy: ['Start'], slot: 1, releasePath: ['End'] },
};

export const DECLARED_RESOURCES = Object.keys(RESOURCE_TYPES) as DeclaredResource[];
