#!/usr/bin/env bash
# Builds (or locates) a Kubernetes linter to compare LeakLens against in bench/k8s-bench.ts.
#
# Built from Go modules through the Go module proxy (release binaries cannot be downloaded on our
# machines), into a versioned cache directory; a second run finds the cached binary and builds nothing.
#
#   scripts/build-kube-linter.sh              # kube-linter (golang.stackrox.io/kube-linter)
#   scripts/build-kube-linter.sh kube-score   # kube-score (github.com/zegl/kube-score)
#
# All progress goes to stderr; the LAST line on stdout is the binary's path, so callers can do:
#   bin="$(scripts/build-kube-linter.sh | tail -1)"
# Exit codes: 0 built or cached, 2 usage, 3 the module proxy refused the module, 1 other failure.
#
# Environment (all optional):
#   LEAKLENS_CACHE               cache root (default $HOME/.cache/leaklens)
#   LEAKLENS_KUBE_LINTER_VERSION kube-linter version (default below)
#   LEAKLENS_KUBE_SCORE_VERSION  kube-score version (default below)
#   GOMODCACHE, GOCACHE, GOPROXY ... honoured as usual by `go`
set -euo pipefail

TOOL="${1:-kube-linter}"
case "$TOOL" in
  kube-linter)
    VERSION="${LEAKLENS_KUBE_LINTER_VERSION:-v0.7.6}"
    PACKAGE="golang.stackrox.io/kube-linter/cmd/kube-linter"
    ;;
  kube-score)
    VERSION="${LEAKLENS_KUBE_SCORE_VERSION:-v1.20.0}"
    PACKAGE="github.com/zegl/kube-score/cmd/kube-score"
    ;;
  *)
    printf 'usage: %s [kube-linter|kube-score]\n' "$0" >&2
    exit 2
    ;;
esac

log() { printf '[build-%s] %s\n' "$TOOL" "$*" >&2; }

CACHE_ROOT="${LEAKLENS_CACHE:-${HOME:?HOME is not set}/.cache/leaklens}"
OUT_DIR="$CACHE_ROOT/bin/$TOOL-$VERSION"
BIN="$OUT_DIR/$TOOL"

if [[ -x "$BIN" ]]; then
  log "cached: $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "ERROR: 'go' is not on PATH"; exit 1; }
mkdir -p "$OUT_DIR"
log "building $PACKAGE@$VERSION into $OUT_DIR (first build takes minutes)"
start=$(date +%s)
set +e
output="$(GOBIN="$OUT_DIR" go install "$PACKAGE@$VERSION" 2>&1)"
status=$?
set -e
[[ -n "$output" ]] && printf '%s\n' "$output" >&2
if [[ $status -ne 0 ]]; then
  rmdir "$OUT_DIR" 2>/dev/null || true
  if grep -qE '403 Forbidden|410 Gone|not available' <<<"$output"; then
    log "ERROR: the Go module proxy (${GOPROXY:-$(go env GOPROXY)}) refuses $PACKAGE@$VERSION"
    exit 3
  fi
  log "ERROR: go install failed"
  exit 1
fi
log "built in $(( $(date +%s) - start ))s: $BIN"
printf '%s\n' "$BIN"
