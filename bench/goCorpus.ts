/**
 * Generates realistic, compilable Go service code (it passes `go vet`) with a mix of clean code
 * and the leak patterns LeakLens flags, for benchmarks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Template {
  imports: string[];
  body: (n: string) => string;
}

const TEMPLATES: Template[] = [
  {
    imports: ['context', 'fmt', 'net/http', 'time', 'io'],
    body: (n) => `// Fetch${n} calls the upstream with a bounded client and always closes the body.
func Fetch${n}(ctx context.Context, url string) ([]byte, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: status %d", url, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
`,
  },
  {
    imports: ['time', 'sync'],
    body: (n) => `// Poller${n} polls on a ticker that is never stopped.
type Poller${n} struct {
	mu    sync.Mutex
	count int
}

func (p *Poller${n}) Run(done <-chan struct{}) {
	ticker := time.NewTicker(250 * time.Millisecond)
	for {
		select {
		case <-done:
			return
		case <-ticker.C:
			p.mu.Lock()
			p.count++
			p.mu.Unlock()
		}
	}
}
`,
  },
  {
    imports: ['context', 'time', 'errors'],
    body: (n) => `// Deadline${n} bounds a unit of work with a timeout and releases it.
func Deadline${n}(parent context.Context, work func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(parent, 2*time.Second)
	defer cancel()
	if err := work(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errors.New("work${n} timed out")
		}
		return err
	}
	return nil
}
`,
  },
  {
    imports: ['net/http', 'io'],
    body: (n) => `// Ping${n} uses the default client, which has no timeout.
func Ping${n}(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
`,
  },
  {
    imports: ['context', 'database/sql'],
    body: (n) => `// Names${n} reads rows and closes them.
func Names${n}(ctx context.Context, db *sql.DB, limit int) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users LIMIT $1", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}
`,
  },
  {
    imports: ['context'],
    body: (n) => `// Worker${n} exits when its context is cancelled.
func Worker${n}(ctx context.Context, jobs <-chan int, results chan<- int) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case j, ok := <-jobs:
				if !ok {
					return
				}
				results <- j * 2
			}
		}
	}()
}
`,
  },
  {
    imports: ['fmt', 'strings', 'sort'],
    body: (n) => `// Report${n} is ordinary business logic.
type Item${n} struct {
	Name  string
	Price float64
	Tags  []string
}

func Report${n}(items []Item${n}) string {
	sort.Slice(items, func(i, j int) bool { return items[i].Price > items[j].Price })
	var b strings.Builder
	total := 0.0
	for i, it := range items {
		total += it.Price
		switch {
		case it.Price > 100:
			fmt.Fprintf(&b, "%d. %s (premium) %.2f\\n", i+1, it.Name, it.Price)
		case len(it.Tags) > 0:
			fmt.Fprintf(&b, "%d. %s [%s] %.2f\\n", i+1, it.Name, strings.Join(it.Tags, ","), it.Price)
		default:
			fmt.Fprintf(&b, "%d. %s %.2f\\n", i+1, it.Name, it.Price)
		}
	}
	fmt.Fprintf(&b, "total %.2f over %d items\\n", total, len(items))
	return b.String()
}
`,
  },
  {
    imports: ['time'],
    body: (n) => `// Drain${n} allocates a new timer on every iteration.
func Drain${n}(events <-chan string, stop <-chan struct{}) []string {
	var seen []string
	for {
		select {
		case e := <-events:
			seen = append(seen, e)
		case <-time.After(time.Second):
			return seen
		case <-stop:
			return seen
		}
	}
}
`,
  },
  {
    imports: ['net/http'],
    body: (n) => `// NewServer${n} builds a server without header timeouts.
func NewServer${n}(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:    addr,
		Handler: h,
	}
}
`,
  },
  {
    imports: ['errors', 'strconv'],
    body: (n) => `// Parse${n} validates and converts user input.
func Parse${n}(fields map[string]string) (int, bool, error) {
	raw, ok := fields["count"]
	if !ok {
		return 0, false, errors.New("missing count")
	}
	count, err := strconv.Atoi(raw)
	if err != nil {
		return 0, false, err
	}
	enabled := false
	if v, ok := fields["enabled"]; ok {
		enabled, err = strconv.ParseBool(v)
		if err != nil {
			return 0, false, err
		}
	}
	if count < 0 || count > 1000 {
		return 0, false, errors.New("count out of range")
	}
	return count, enabled, nil
}
`,
  },
];

export interface CorpusStats {
  dir: string;
  files: number;
  lines: number;
  bytes: number;
}

/** Writes `packages` × `filesPerPackage` files of about `templatesPerFile` templates each, plus go.mod. */
export function generateCorpus(dir: string, packages: number, filesPerPackage: number, templatesPerFile = 10): CorpusStats {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/corpus\n\ngo 1.22\n');
  let files = 0;
  let lines = 0;
  let bytes = 0;
  for (let p = 0; p < packages; p++) {
    const pkg = `svc${p}`;
    fs.mkdirSync(path.join(dir, pkg));
    for (let f = 0; f < filesPerPackage; f++) {
      const chosen = Array.from({ length: templatesPerFile }, (_, i) => TEMPLATES[(p * 7 + f * 3 + i) % TEMPLATES.length]);
      const imports = [...new Set(chosen.flatMap((t) => t.imports))].sort();
      const bodies = chosen.map((t, i) => t.body(`F${f}T${i}`));
      const text = `package ${pkg}\n\nimport (\n${imports.map((i) => `\t"${i}"\n`).join('')})\n\n${bodies.join('\n')}`;
      fs.writeFileSync(path.join(dir, pkg, `file${f}.go`), text);
      files++;
      bytes += text.length;
      lines += text.split('\n').length - 1;
    }
  }
  return { dir, files, lines, bytes };
}

/** One large file of `targetLines` lines (for editor benchmarks). */
export function generateLargeFile(targetLines: number): string {
  const parts: string[] = [];
  const imports = [...new Set(TEMPLATES.flatMap((t) => t.imports))].sort();
  let text = `package big\n\nimport (\n${imports.map((i) => `\t"${i}"\n`).join('')})\n`;
  let lines = text.split('\n').length;
  for (let i = 0; lines < targetLines; i++) {
    const body = '\n' + TEMPLATES[i % TEMPLATES.length].body(`N${i}`);
    parts.push(body);
    lines += body.split('\n').length - 1;
  }
  text += parts.join('');
  return text;
}
