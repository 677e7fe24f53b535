#!/usr/bin/env bash
# Builds (or locates) helm for the chart tests, from Go modules fetched through the Go module proxy
# (release binaries cannot be downloaded on our machines), into a versioned cache directory; a second
# run finds the cached binary and builds nothing.
#
# All progress goes to stderr; the LAST line on stdout is the binary's path, so callers can do:
#   helm="$(scripts/build-helm.sh | tail -1)"
#
# Environment (all optional):
#   LEAKLENS_CACHE         cache root (default $HOME/.cache/leaklens)
#   LEAKLENS_HELM_VERSION  helm.sh/helm/v4 version (default below)
#   GOMODCACHE, GOCACHE, GOPROXY ... honoured as usual by `go`
set -euo pipefail

VERSION="${LEAKLENS_HELM_VERSION:-v4.3.2}"
PACKAGE="helm.sh/helm/v4/cmd/helm"

log() { printf '[build-helm] %s\n' "$*" >&2; }

CACHE_ROOT="${LEAKLENS_CACHE:-${HOME:?HOME is not set}/.cache/leaklens}"
OUT_DIR="$CACHE_ROOT/helm/$VERSION"
BIN="$OUT_DIR/helm"

if [[ -x "$BIN" ]]; then
  log "cached: $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "ERROR: 'go' is not on PATH"; exit 1; }
mkdir -p "$OUT_DIR"

# Serialize concurrent builds (two test runs may start at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT_DIR/.lock"
  flock 9
  if [[ -x "$BIN" ]]; then
    log "built meanwhile by another process: $BIN"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

log "building $PACKAGE@$VERSION into $OUT_DIR (a cold build takes a few minutes)"
start=$(date +%s)
TMP_BIN="$(mktemp -d "${TMPDIR:-/tmp}/leaklens-helm-build.XXXXXX")"
trap 'rm -rf "$TMP_BIN"' EXIT
# -trimpath and CGO off: a static binary that does not depend on the build machine's paths.
if ! CGO_ENABLED=0 GOWORK=off GOBIN="$TMP_BIN" go install -trimpath -ldflags="-s -w" "$PACKAGE@$VERSION" >&2; then
  log "ERROR: go install $PACKAGE@$VERSION failed (GOPROXY=$(go env GOPROXY))"
  exit 1
fi
"$TMP_BIN/helm" version >&2 || { log "ERROR: the built helm does not run"; exit 1; }
# Atomic: a concurrent reader sees no helm or the complete one.
mv -f "$TMP_BIN/helm" "$BIN.tmp.$$" && mv -f "$BIN.tmp.$$" "$BIN"
log "built in $(( $(date +%s) - start ))s: $BIN"
printf '%s\n' "$BIN"
