/**
 * Go files nested thousands of levels deep, each level holding code some rule looks at: the inputs
 * that find rules whose work grows faster than the file. Lines are not indented (tabs would make
 * the file grow with the square of the depth); the code parses without errors.
 */

export interface NestingShape {
  name: string;
  /** What one level opens, and what closes it. */
  open: string;
  close: string;
  /** What the innermost level holds. */
  inner?: string;
  /** A top-level type declaration rather than statements in a function. */
  type?: boolean;
}

/** Calls the rules that need no particular statement around them look for. */
const CALLS = `c, _ := net.Dial("tcp", url)
wg.Add(1)
signal.Notify(sig)
_, span := tracer.Start(ctx, "x")
t := time.NewTimer(d)
cmd := exec.Command("x")
req, _ := http.NewRequest("GET", url, nil)
use(c, span, t, cmd, req, time.Tick(d))
`;

export const NESTING_SHAPES: readonly NestingShape[] = [
  { name: 'goroutines with loops', open: 'go func() {\nch <- 1\nk := time.NewTicker(d)\n_ = k\nfor {\n', close: '}\n}()\n' },
  { name: 'selects in loops', open: 'for {\nselect {\ncase v := <-ch:\n_ = v\n', close: '}\n}\n' },
  { name: 'unbuffered sends', open: 'out := make(chan int)\ngo func() {\nout <- 1\nselect {\ncase <-out:\n', close: '}\n}()\n' },
  { name: 'loops', open: 'for i := 0; i < n; i++ {\ndefer mu.Unlock()\n<-time.After(d)\n', close: '}\n' },
  { name: 'ifs', open: 'if n > 0 {\nctx, _ := context.WithTimeout(ctx, d)\n_ = ctx\n', close: '}\n' },
  { name: 'func literals', open: 'f := func() {\nresp, _ := http.Get(url)\n_ = resp\n', close: '}\n_ = f\n' },
  { name: 'blocks', open: `{\nrows, _ := db.Query(url)\n_ = rows\n${CALLS}`, close: '}\n' },
  { name: 'calls', open: 'use(http.Get(', close: '))', inner: 'nil' },
  { name: 'composite literals', open: 'use(&http.Client{Transport: ', close: '})', inner: 'nil' },
  { name: 'struct types', open: 'struct {\nctx context.Context\nsrv *http.Server\ninner ', close: '}\n', inner: 'int\n', type: true },
];

const HEADER = `package deep

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"time"
)

var _ = exec.Command

func use(args ...any) any { return nil }

type starter interface {
	Start(ctx context.Context, name string) (context.Context, any)
}
`;

const PARAMS =
  'ctx context.Context, ch chan int, n int, d time.Duration, url string, db *sql.DB, mu *sync.Mutex, wg *sync.WaitGroup, sig chan os.Signal, tracer starter';

/** A file whose one function (or type) nests `shape` `depth` levels deep. */
export function deepGo(shape: NestingShape, depth: number): string {
  let body = `${shape.open.repeat(depth)}${shape.inner ?? '_ = n\n'}${shape.close.repeat(depth)}`;
  if (!body.endsWith('\n')) body += '\n';
  if (shape.type) return `${HEADER}\ntype deep ${body}`;
  return `${HEADER}\nfunc deep(${PARAMS}) {\n${body}}\n`;
}
