#!/usr/bin/env bash
# Builds golangci-lint from Go modules into the LeakLens cache, for bench/go-bench.ts. Idempotent.
set -euo pipefail
version=v2.6.2
bin="${LEAKLENS_CACHE:-$HOME/.cache/leaklens}/bin"
if [ -x "$bin/golangci-lint" ] && "$bin/golangci-lint" version 2>/dev/null | grep -q "${version#v}"; then
  echo "$bin/golangci-lint"
  exit 0
fi
mkdir -p "$bin"
echo "building golangci-lint $version from Go modules into $bin (a few minutes the first time)" >&2
GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version"
echo "$bin/golangci-lint"
