#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest release that runs on Node 20) into a cache
# directory outside the project's dependency tree, plus the Debian packages the editor tests need
# (chromium for Playwright, ripgrep, and the toolchain code-server's native modules compile with).
# Idempotent and safe to run concurrently: prints the code-server entry point on its last line.
#
#   LEAKLENS_CACHE   cache root (default ~/.cache/leaklens)
set -euo pipefail

VERSION=4.100.3
CACHE="${LEAKLENS_CACHE:-$HOME/.cache/leaklens}"
DEST="$CACHE/code-server-$VERSION"
BIN="$DEST/node_modules/code-server/out/node/entry.js"

log() { echo "install-code-server: $*" >&2; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.code-server-$VERSION.lock"
flock 9

need_apt=()
for pkg in build-essential python3 pkg-config libkrb5-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  [ "$(id -u)" = 0 ] || { log "need root to install ${need_apt[*]}"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

if [ -f "$DEST/.complete" ] && [ -f "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

started=$(date +%s)
work="$(mktemp -d "$CACHE/.code-server-$VERSION.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep downloads rg from GitHub during install; hand it the archive it would fetch,
# built from Debian's rg, in the cache directory it looks in (under TMPDIR).
rg_cache="$work/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg

node_prefix="$(dirname "$(dirname "$(node -p process.execPath)")")"
[ -d "$node_prefix/include/node" ] || { log "no Node headers under $node_prefix/include/node"; exit 1; }

log "npm install code-server@$VERSION into $DEST (takes a minute or two)"
mkdir -p "$work/pkg"
echo '{"name":"leaklens-code-server","private":true}' >"$work/pkg/package.json"
# unsafe_perm: its postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`;
# nodedir: argon2 and kerberos compile against the local Node headers.
(
  cd "$work/pkg"
  TMPDIR="$work/tmp" \
    npm_config_unsafe_perm=true \
    npm_config_yes=true \
    npm_config_nodedir="$node_prefix" \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    npm install --no-package-lock "code-server@$VERSION" >&2
)
[ -f "$work/pkg/node_modules/code-server/out/node/entry.js" ] || { log "code-server entry point missing after install"; exit 1; }
[ -x "$work/pkg/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] ||
  { log "ripgrep missing from code-server's VS Code"; exit 1; }

rm -rf "$DEST"
mv "$work/pkg" "$DEST"
touch "$DEST/.complete"
log "installed in $(($(date +%s) - started)) s"
echo "$BIN"
