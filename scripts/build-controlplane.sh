#!/usr/bin/env bash
# Builds (or locates) the binaries of a test control plane: kube-apiserver and etcd.
#
# They are built from Go modules fetched through the Go module proxy, because release
# binaries cannot be downloaded on our machines. See docs/cluster-testing.md.
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS, when it holds executable `kube-apiserver` and `etcd` (nothing is built);
#   2. the cache: ${LEAKLENS_CACHE:-$HOME/.cache/leaklens}/controlplane/<k8s-version>/;
#   3. a fresh build into that cache.
#
# All progress goes to stderr; the LAST line on stdout is the directory holding the two
# binaries, so callers can do:  dir="$(scripts/build-controlplane.sh | tail -1)"
#
# Environment (all optional):
#   LEAKLENS_CACHE          cache root (default $HOME/.cache/leaklens)
#   LEAKLENS_K8S_VERSION    k8s.io/kubernetes version to build (default below)
#   LEAKLENS_ETCD_VERSION   go.etcd.io/etcd/server/v3 version to build (default below)
#   KUBEBUILDER_ASSETS      directory with prebuilt kube-apiserver and etcd
#   GOMODCACHE, GOCACHE, GOPROXY ...  honoured as usual by `go`
set -euo pipefail

# Pinned versions. kube-apiserver v1.36.3 is the newest k8s.io/kubernetes whose module zip the
# proxy serves here and that builds with go1.26; etcd v3.6.8 is the etcd that k8s v1.36.3
# itself requires (go.mod) and that kubeadm v1.36 deploys.
K8S_VERSION="${LEAKLENS_K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${LEAKLENS_ETCD_VERSION:-v3.6.8}"

log() { printf '[build-controlplane] %s\n' "$*" >&2; }
die() { printf '[build-controlplane] ERROR: %s\n' "$*" >&2; exit 1; }

have_bins() { [[ -f "$1/kube-apiserver" && -x "$1/kube-apiserver" && -f "$1/etcd" && -x "$1/etcd" ]]; }

# 1. KUBEBUILDER_ASSETS
if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  if have_bins "$KUBEBUILDER_ASSETS"; then
    log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS (nothing to build)"
    printf '%s\n' "$KUBEBUILDER_ASSETS"
    exit 0
  fi
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks executable kube-apiserver and etcd; ignoring it"
fi

# 2. cache
CACHE_ROOT="${LEAKLENS_CACHE:-${HOME:?HOME is not set}/.cache/leaklens}"
OUT_DIR="$CACHE_ROOT/controlplane/$K8S_VERSION"
STAMP="$OUT_DIR/versions.txt"
WANT_STAMP="kube-apiserver=$K8S_VERSION etcd=$ETCD_VERSION"

cache_ok() { have_bins "$OUT_DIR" && [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT_STAMP" ]]; }

if cache_ok; then
  log "cached: $OUT_DIR ($WANT_STAMP)"
  printf '%s\n' "$OUT_DIR"
  exit 0
fi

# 3. build
command -v go >/dev/null 2>&1 || die "'go' is not on PATH; install Go (>= 1.26) or set KUBEBUILDER_ASSETS"
mkdir -p "$OUT_DIR" || die "cannot create $OUT_DIR"

# Serialize concurrent builds of the same version (another process may be building right now).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.lock"
  if ! flock -n 9; then
    log "another build of $K8S_VERSION holds $OUT_DIR/.lock; waiting for it..."
    flock 9
  fi
  if cache_ok; then
    log "built meanwhile by another process: $OUT_DIR"
    printf '%s\n' "$OUT_DIR"
    exit 0
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/leaklens-controlplane-build.XXXXXX")"
cleanup() {
  rm -rf "$WORK"
  rm -f "$OUT_DIR"/.kube-apiserver.tmp.$$ "$OUT_DIR"/.etcd.tmp.$$
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOWORK=off

log "go: $(go version)"
log "building kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION into $OUT_DIR"
log "scratch module: $WORK  (GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE))"
log "a build from cold Go caches takes about 5 minutes on 2 cores (~570 MB of modules, ~2.2 GB of GOCACHE); later runs reuse the result"

cd "$WORK"
cat >go.mod <<EOF
module leaklens.local/controlplane

go 1.26.0
EOF

# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and
# replaces them with ./staging/src/... paths, which only work inside its own repository. Every one
# of them is published as its own module at v0.<minor>.<patch>, so map each to that version.
log "fetching k8s.io/kubernetes@$K8S_VERSION go.mod"
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p"; }
DL_JSON="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>&1)" || true
DL_ERR="$(printf '%s\n' "$DL_JSON" | json_field Error)"
K8S_GOMOD="$(printf '%s\n' "$DL_JSON" | json_field GoMod)"
if [[ -n "$DL_ERR" || -z "$K8S_GOMOD" || ! -f "$K8S_GOMOD" ]]; then
  die "could not download k8s.io/kubernetes@$K8S_VERSION through the Go module proxy ($(go env GOPROXY)): ${DL_ERR:-$DL_JSON}"
fi
STAGING_VERSION="$(printf '%s' "$K8S_VERSION" | sed -E 's/^v1\.([0-9]+\.[0-9]+.*)$/v0.\1/')"
[[ "$STAGING_VERSION" == v0.* ]] || die "cannot derive staging module version from $K8S_VERSION"

REPLACES="$(awk -v sv="$STAGING_VERSION" '
  /^replace[[:space:]]*\($/ { inrep = 1; next }
  inrep && /^\)/ { inrep = 0; next }
  {
    line = $0
    if (!inrep) { if (line !~ /^replace[[:space:]]/) next; sub(/^replace[[:space:]]+/, "", line) }
    n = split(line, f, /[[:space:]]+/)
    # fields: [""] mod [ver] => target [ver]
    i = 1; if (f[i] == "") i++
    mod = f[i]; arrow = 0
    for (j = i; j <= n; j++) if (f[j] == "=>") { arrow = j; break }
    if (!arrow) next
    tgt = f[arrow + 1]
    if (tgt ~ /^\.\/staging\//) printf "\t%s => %s %s\n", mod, mod, sv
    else if (f[arrow + 2] != "") printf "\t%s\n", line
  }' "$K8S_GOMOD")"
[[ -n "$REPLACES" ]] || die "found no staging replace directives in $K8S_GOMOD"
log "mapping $(printf '%s\n' "$REPLACES" | grep -c '=>') staging modules to $STAGING_VERSION"

cat >go.mod <<EOF
module leaklens.local/controlplane

go 1.26.0

require (
	k8s.io/kubernetes $K8S_VERSION
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
)

replace (
$REPLACES
)
EOF

# Version stamps as the Kubernetes release build sets them (shown by /version).
MINOR="$(printf '%s' "$K8S_VERSION" | sed -E 's/^v1\.([0-9]+)\..*$/\1/')"
K8S_LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  K8S_LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR"
  K8S_LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

log "resolving the module graph (downloads modules on a cold GOMODCACHE)"
t0=$SECONDS
go mod download k8s.io/kubernetes go.etcd.io/etcd/server/v3 >&2 || die "go mod download failed"
# Adds the go.sum entries and any requirement the two main packages still miss.
go list -deps k8s.io/kubernetes/cmd/kube-apiserver go.etcd.io/etcd/server/v3 >/dev/null \
  || die "could not resolve the packages of kube-apiserver/etcd"
log "resolved in $((SECONDS - t0))s; selected: $(go list -m -f '{{.Path}}@{{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}' k8s.io/apiserver go.etcd.io/etcd/server/v3 | tr '\n' ' ')"

t0=$SECONDS
log "go build kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION) ..."
go build -trimpath -ldflags="$K8S_LDFLAGS" -o "$OUT_DIR/.kube-apiserver.tmp.$$" k8s.io/kubernetes/cmd/kube-apiserver >&2 \
  || die "building kube-apiserver failed"
log "kube-apiserver built in $((SECONDS - t0))s"

t0=$SECONDS
log "go build etcd (go.etcd.io/etcd/server/v3@$ETCD_VERSION) ..."
go build -trimpath -ldflags="-s -w" -o "$OUT_DIR/.etcd.tmp.$$" go.etcd.io/etcd/server/v3 >&2 \
  || die "building etcd failed"
log "etcd built in $((SECONDS - t0))s"

"$OUT_DIR/.kube-apiserver.tmp.$$" --version >&2 || die "the built kube-apiserver does not run"
"$OUT_DIR/.etcd.tmp.$$" --version >&2 || die "the built etcd does not run"

# Atomic replacement: a concurrent reader sees either the old file or the complete new one.
chmod 0755 "$OUT_DIR/.kube-apiserver.tmp.$$" "$OUT_DIR/.etcd.tmp.$$"
mv -f "$OUT_DIR/.kube-apiserver.tmp.$$" "$OUT_DIR/kube-apiserver"
mv -f "$OUT_DIR/.etcd.tmp.$$" "$OUT_DIR/etcd"
printf '%s\n' "$WANT_STAMP" >"$OUT_DIR/.versions.tmp.$$" && mv -f "$OUT_DIR/.versions.tmp.$$" "$STAMP"

log "done: $(du -h "$OUT_DIR/kube-apiserver" | cut -f1) kube-apiserver, $(du -h "$OUT_DIR/etcd" | cut -f1) etcd in $OUT_DIR"
printf '%s\n' "$OUT_DIR"
