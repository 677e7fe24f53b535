/**
 * A throwaway Kubernetes control plane for tests: a real etcd and kube-apiserver on 127.0.0.1,
 * in the spirit of controller-runtime's envtest. No kubelet, controller-manager or scheduler run,
 * so objects only change when a test changes them (e.g. pod status via the pods/status subresource).
 *
 *   const cp = await startControlPlane();
 *   // cp.kubeconfigPath has contexts `admin` (system:masters, current) and `viewer`
 *   // (get/list/watch on workloads in cp.namespace only, nothing cluster-wide)
 *   const r = await cp.request('viewer', 'GET', `/api/v1/namespaces/${cp.namespace}/pods`);
 *   await cp.stop();
 *
 * The binaries come from scripts/build-controlplane.sh (built from Go modules, cached under
 * ${LEAKLENS_CACHE:-~/.cache/leaklens}/controlplane/<k8s-version>/, or taken from
 * $KUBEBUILDER_ASSETS). Certificates are made with the `openssl` CLI. See docs/cluster-testing.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import * as http from 'node:http';
import * as https from 'node:https';
import * as crypto from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export type UserName = 'admin' | 'viewer';

export interface Credentials {
  /** The user name the API server sees. */
  username: string;
  /** Groups the API server sees (admin: system:masters). */
  groups: string[];
  /** Bearer token accepted by the API server (static token file) for the same user. */
  token: string;
  /** PEM client certificate / key files (what the kubeconfigs use). */
  certPath: string;
  keyPath: string;
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

/** One line of the audit log (audit.k8s.io/v1 Event), the fields tests usually need. */
export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string };
  responseStatus?: { code?: number };
  userAgent?: string;
  [k: string]: unknown;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  url: string;
  /** kubeconfig with contexts `admin` (current-context) and `viewer`. */
  kubeconfigPath: string;
  /** kubeconfig with only the `admin` context. */
  adminKubeconfig: string;
  /** kubeconfig with only the `viewer` context (the limited user). */
  limitedKubeconfig: string;
  /** JSON-lines audit log of the API server (empty when started with auditPolicy 'none'). */
  auditLogPath: string;
  /** Temp directory holding everything (certs, etcd data, logs); removed by stop() unless kept. */
  dir: string;
  /** The namespace the viewer may read (default `team-a`); created by the harness. */
  namespace: string;
  /** PEM of the CA that signed the serving and client certificates. */
  caCertPath: string;
  caData: string;
  admin: Credentials;
  viewer: Credentials;
  etcdUrl: string;
  /** Directory the binaries were taken from. */
  binDir: string;
  /** Milliseconds from the start (certs, etcd, kube-apiserver) to /readyz and RBAC set-up done. */
  startupMs: number;
  /** Process ids (each also a process-group id) of the two servers. */
  pids: { etcd: number; apiserver: number };
  /** A request as `user` (client certificate). `body` objects are sent as JSON. */
  request(user: UserName, method: string, apiPath: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  /** All audit events written so far. */
  readAudit(): AuditEvent[];
  /** Waits until an audit event matches (the log is written asynchronously). */
  waitForAudit(pred: (e: AuditEvent) => boolean, timeoutMs?: number): Promise<AuditEvent>;
  /** Kills both processes (whole process groups) and removes `dir` (unless kept). Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** 'all' (default): level Metadata for every request. 'none': no audit events. */
  auditPolicy?: 'all' | 'none';
  /** The namespace the viewer may read. Default `team-a`. */
  namespace?: string;
  /** Keep `dir` after stop() (also when env LEAKLENS_KEEP_CONTROLPLANE=1). */
  keepDir?: boolean;
  /** Give up waiting for readiness after this many ms. Default 120000. */
  readyTimeoutMs?: number;
  /** Extra kube-apiserver flags (`--name=value`). */
  extraApiServerArgs?: string[];
}

/** The repository root: two levels above this file (CommonJS), else found upwards from the cwd. */
function findRepoRoot(): string {
  if (typeof __dirname !== 'undefined') return path.resolve(__dirname, '..', '..');
  for (let d = process.cwd(); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'scripts', 'build-controlplane.sh'))) return d;
    if (path.dirname(d) === d) return process.cwd();
  }
}
const REPO_ROOT = findRepoRoot();
const BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'build-controlplane.sh');

let cachedBinDir: string | undefined;

function hasBins(dir: string): boolean {
  for (const b of ['kube-apiserver', 'etcd']) {
    try {
      fs.accessSync(path.join(dir, b), fs.constants.X_OK);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Directory holding `kube-apiserver` and `etcd`. Uses $KUBEBUILDER_ASSETS when it holds both,
 * else runs scripts/build-controlplane.sh (instant when cached; a cold build takes many minutes,
 * its progress goes to this process's stderr).
 */
export function binDir(): string {
  if (cachedBinDir) return cachedBinDir;
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets && hasBins(assets)) return (cachedBinDir = assets);
  const r = spawnSync('bash', [BUILD_SCRIPT], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run ${BUILD_SCRIPT}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${BUILD_SCRIPT} failed (exit ${r.status ?? r.signal}); see its messages above`);
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const dir = lines[lines.length - 1];
  if (!dir || !hasBins(dir)) throw new Error(`${BUILD_SCRIPT} printed "${dir}", which lacks executable kube-apiserver and etcd`);
  return (cachedBinDir = dir);
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: every child is its own process group; all are killed on exit.

const liveGroups = new Set<number>();
/** Temp dirs of running control planes, removed at exit when a test forgot stop(). */
const liveDirs = new Set<string>();
let exitHooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function cleanupAllSync(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAllSync();
      // Re-raise with the default action now that our listener is gone.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

let setprivChecked: boolean | undefined;
function hasSetprivPdeathsig(): boolean {
  if (setprivChecked === undefined) {
    const r = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
    setprivChecked = !r.error && /--pdeathsig/.test(`${r.stdout}${r.stderr}`);
  }
  return setprivChecked;
}

interface Proc {
  name: string;
  child: ChildProcess;
  logPath: string;
  exited: Promise<number | string>;
  exitedYet: () => boolean;
}

function startProc(name: string, bin: string, args: string[], logPath: string): Proc {
  installExitHooks();
  const fd = fs.openSync(logPath, 'a');
  // setpriv --pdeathsig KILL: the kernel kills the child if this Node process dies abruptly
  // (even by SIGKILL), so nothing is left behind. setpriv execs, so the pid stays the same.
  const [cmd, argv] = hasSetprivPdeathsig() ? ['setpriv', ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, args];
  const child = spawn(cmd, argv as string[], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  // Do not keep the test process alive for the servers' sake: a forgotten stop() must not hang
  // a test run; the 'exit' hook (and the parent-death signal) still kill them.
  child.unref();
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      if (child.pid) liveGroups.delete(child.pid);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      done = true;
      resolve(`spawn error: ${err.message}`);
    });
  });
  if (child.pid) liveGroups.add(child.pid);
  return { name, child, logPath, exited, exitedYet: () => done };
}

async function stopProc(p: Proc): Promise<void> {
  const pid = p.child.pid;
  if (!pid || p.exitedYet()) return;
  killGroup(pid, 'SIGTERM');
  const t = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
  await p.exited;
  clearTimeout(t);
  // Anything else left in the group (there should be nothing).
  killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`openssl not available (${r.error.message}); install Debian's openssl package`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

interface Pki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
  adminCert: string;
  adminKey: string;
  viewerCert: string;
  viewerKey: string;
}

/** CA, serving cert (127.0.0.1, localhost, 10.0.0.1), service-account key pair, two client certs. */
function makePki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const p = (f: string) => path.join(dir, f);
  const ec = (out: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], dir);

  ec(p('ca.key'));
  openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-sha256', '-days', '2', '-subj', '/CN=leaklens-test-ca', '-out', p('ca.crt'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);

  const leaf = (name: string, subj: string, ext: string) => {
    ec(p(`${name}.key`));
    openssl(['req', '-new', '-key', p(`${name}.key`), '-subj', subj, '-out', p(`${name}.csr`)], dir);
    fs.writeFileSync(p(`${name}.ext`), ext);
    openssl(['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
      '-sha256', '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`)], dir);
  };
  leaf('serving', '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
    'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n');
  const client = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
  leaf('admin', '/O=system:masters/CN=admin', client);
  leaf('viewer', '/CN=viewer', client);

  // Service-account token signing key pair (RS256, the default issuers and clients expect).
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(p('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(p('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  for (const f of fs.readdirSync(dir)) if (/\.(key)$/.test(f)) fs.chmodSync(p(f), 0o600);
  return {
    caCert: p('ca.crt'), caKey: p('ca.key'), servingCert: p('serving.crt'), servingKey: p('serving.key'),
    saKey: p('sa.key'), saPub: p('sa.pub'), adminCert: p('admin.crt'), adminKey: p('admin.key'),
    viewerCert: p('viewer.crt'), viewerKey: p('viewer.key'),
  };
}

function b64(file: string): string {
  return fs.readFileSync(file).toString('base64');
}

/** A kubeconfig (JSON is valid YAML) with the given users as contexts of one cluster. */
function kubeconfig(url: string, pki: Pki, users: UserName[], namespace: string): string {
  const cred = (u: UserName) => (u === 'admin' ? [pki.adminCert, pki.adminKey] : [pki.viewerCert, pki.viewerKey]);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: 'leaklens-test', cluster: { server: url, 'certificate-authority-data': b64(pki.caCert) } }],
    users: users.map((u) => ({ name: u, user: { 'client-certificate-data': b64(cred(u)[0]), 'client-key-data': b64(cred(u)[1]) } })),
    contexts: users.map((u) => ({
      name: u,
      context: { cluster: 'leaklens-test', user: u, ...(u === 'viewer' ? { namespace } : {}) },
    })),
    'current-context': users[0],
  }, null, 2) + '\n';
}

function httpGet(url: string, opts: https.RequestOptions = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { ...opts, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitFor(what: string, proc: Proc, deadline: number, check: () => Promise<boolean>): Promise<void> {
  let lastErr = '';
  for (;;) {
    if (proc.exitedYet()) {
      throw new Error(`${proc.name} exited (${await proc.exited}) before ${what}; last log lines of ${proc.logPath}:\n${tail(proc.logPath)}`);
    }
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${lastErr})` : ''}; last log lines of ${proc.logPath}:\n${tail(proc.logPath)}`);
    }
    await sleep(200);
  }
}

const AUDIT_ALL = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`;
const AUDIT_NONE = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
`;

// ---------------------------------------------------------------------------------------------

/** Starts etcd and kube-apiserver in a fresh temp dir; resolves when /readyz is ok and RBAC is set up. */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const bins = binDir();
  const namespace = opts.namespace ?? 'team-a';
  const keepDir = opts.keepDir ?? process.env.LEAKLENS_KEEP_CONTROLPLANE === '1';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-cp-'));
  const procs: Proc[] = [];
  let stopped = false;
  if (!keepDir) liveDirs.add(dir);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // API server first, so it does not log a storm of etcd errors.
    for (const p of [...procs].reverse()) await stopProc(p);
    if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  try {
    const t0 = Date.now();
    const pki = makePki(path.join(dir, 'pki'));
    const caData = fs.readFileSync(pki.caCert, 'utf8');
    const adminToken = crypto.randomBytes(24).toString('hex');
    const viewerToken = crypto.randomBytes(24).toString('hex');
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(tokenFile, `${adminToken},admin,admin,"system:masters"\n${viewerToken},viewer,viewer\n`, { mode: 0o600 });
    const auditPolicy = path.join(dir, 'audit-policy.yaml');
    fs.writeFileSync(auditPolicy, opts.auditPolicy === 'none' ? AUDIT_NONE : AUDIT_ALL);
    const auditLogPath = path.join(dir, 'audit.log');
    fs.writeFileSync(auditLogPath, '');

    // --- etcd (retry on a port race: another process may grab a port between probe and bind)
    let etcdUrl = '';
    let etcd: Proc | undefined;
    for (let attempt = 1; ; attempt++) {
      const [clientPort, peerPort] = await freePorts(2);
      etcdUrl = `http://127.0.0.1:${clientPort}`;
      const peerUrl = `http://127.0.0.1:${peerPort}`;
      const dataDir = path.join(dir, `etcd-data-${attempt}`);
      etcd = startProc('etcd', path.join(bins, 'etcd'), [
        `--name=leaklens`,
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=leaklens=${peerUrl}`,
        `--initial-cluster-state=new`,
        `--unsafe-no-fsync=true`,
        `--log-level=warn`,
      ], path.join(dir, 'etcd.log'));
      procs.push(etcd);
      try {
        await waitFor('etcd /health', etcd, Date.now() + 30_000, async () => {
          const r = await httpGet(`${etcdUrl}/health`);
          return r.status === 200 && /"health":\s*"true"/.test(r.text);
        });
        break;
      } catch (e) {
        if (attempt < 3 && /address already in use/.test(tail(etcd.logPath))) {
          await stopProc(etcd);
          procs.pop();
          continue;
        }
        throw e;
      }
    }

    // --- kube-apiserver
    let url = '';
    let apiserver: Proc | undefined;
    for (let attempt = 1; ; attempt++) {
      const [securePort] = await freePorts(1);
      url = `https://127.0.0.1:${securePort}`;
      apiserver = startProc('kube-apiserver', path.join(bins, 'kube-apiserver'), [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=127.0.0.1`,
        `--advertise-address=127.0.0.1`,
        `--secure-port=${securePort}`,
        `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${tokenFile}`,
        `--authorization-mode=RBAC`,
        `--service-account-issuer=https://kubernetes.default.svc`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        `--service-cluster-ip-range=10.0.0.0/24`,
        `--disable-admission-plugins=ServiceAccount`,
        `--allow-privileged=true`,
        `--endpoint-reconciler-type=none`,
        `--audit-log-path=${auditLogPath}`,
        `--audit-policy-file=${auditPolicy}`,
        `--audit-log-format=json`,
        `--audit-log-mode=blocking`,
        `--profiling=false`,
        `--v=1`,
        ...(opts.extraApiServerArgs ?? []),
      ], path.join(dir, 'kube-apiserver.log'));
      procs.push(apiserver);
      try {
        await waitFor('kube-apiserver /readyz', apiserver, Date.now() + readyTimeoutMs, async () => {
          const r = await httpGet(`${url}/readyz`, { ca: caData, cert: fs.readFileSync(pki.adminCert), key: fs.readFileSync(pki.adminKey) });
          return r.status === 200;
        });
        break;
      } catch (e) {
        if (attempt < 3 && /address already in use/.test(tail(apiserver.logPath))) {
          await stopProc(apiserver);
          procs.pop();
          continue;
        }
        throw e;
      }
    }

    const creds: Record<UserName, Credentials> = {
      admin: { username: 'admin', groups: ['system:masters'], token: adminToken, certPath: pki.adminCert, keyPath: pki.adminKey },
      viewer: { username: 'viewer', groups: [], token: viewerToken, certPath: pki.viewerCert, keyPath: pki.viewerKey },
    };
    const tls: Record<UserName, { cert: Buffer; key: Buffer }> = {
      admin: { cert: fs.readFileSync(pki.adminCert), key: fs.readFileSync(pki.adminKey) },
      viewer: { cert: fs.readFileSync(pki.viewerCert), key: fs.readFileSync(pki.viewerKey) },
    };

    const request = (user: UserName, method: string, apiPath: string, body?: unknown, contentType?: string): Promise<ApiResponse> =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
        const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', 'User-Agent': 'leaklens-controlplane-harness' };
        if (payload !== undefined) {
          headers['Content-Type'] = contentType ?? (method.toUpperCase() === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
          headers['Content-Length'] = Buffer.byteLength(payload);
        }
        const req = https.request(new URL(apiPath, url), { method, headers, ca: caData, ...tls[user], timeout: 30_000 }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: timeout`)));
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });

    const must = async (method: string, apiPath: string, body: unknown) => {
      const r = await request('admin', method, apiPath, body);
      if (r.status >= 300) throw new Error(`set-up ${method} ${apiPath} failed: ${r.status} ${r.text}`);
    };

    // --- the limited user's namespace and rights (nothing cluster-wide)
    await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await must('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'leaklens-viewer', namespace },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    await must('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'leaklens-viewer', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leaklens-viewer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    });

    // --- kubeconfigs
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    const adminKubeconfig = path.join(dir, 'admin.kubeconfig');
    const limitedKubeconfig = path.join(dir, 'viewer.kubeconfig');
    fs.writeFileSync(kubeconfigPath, kubeconfig(url, pki, ['admin', 'viewer'], namespace), { mode: 0o600 });
    fs.writeFileSync(adminKubeconfig, kubeconfig(url, pki, ['admin'], namespace), { mode: 0o600 });
    fs.writeFileSync(limitedKubeconfig, kubeconfig(url, pki, ['viewer'], namespace), { mode: 0o600 });

    const readAudit = (): AuditEvent[] => {
      let text = '';
      try {
        text = fs.readFileSync(auditLogPath, 'utf8');
      } catch {
        return [];
      }
      const out: AuditEvent[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line));
        } catch {
          /* a line being written right now */
        }
      }
      return out;
    };
    const waitForAudit = async (pred: (e: AuditEvent) => boolean, timeoutMs = 10_000): Promise<AuditEvent> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = readAudit().find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching audit event in ${auditLogPath} after ${timeoutMs}ms`);
        await sleep(100);
      }
    };

    return {
      url,
      kubeconfigPath,
      adminKubeconfig,
      limitedKubeconfig,
      auditLogPath,
      dir,
      namespace,
      caCertPath: pki.caCert,
      caData,
      admin: creds.admin,
      viewer: creds.viewer,
      etcdUrl,
      binDir: bins,
      startupMs: Date.now() - t0,
      pids: { etcd: etcd!.child.pid!, apiserver: apiserver!.child.pid! },
      request,
      readAudit,
      waitForAudit,
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
