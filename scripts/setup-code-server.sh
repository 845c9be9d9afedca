#!/usr/bin/env bash
# Installs VS Code itself (the code-server npm package: the real VS Code workbench served to a
# browser, with a real Node extension host) for the end-to-end test (npm run test:e2e), plus
# Debian's chromium to drive it. The install goes to a cache folder outside the repository and is
# skipped when already complete, so running this again is cheap.
#
# Usage: scripts/setup-code-server.sh [DIR]   (default: $HVSCOPE_CODE_SERVER_DIR or
#        ~/.cache/hvscope-code-server). Prints the code-server path on its last line.
#
# Why not `npm install code-server`: its postinstall downloads ripgrep from GitHub and needs
# Kerberos headers; machines that reach only the npm registry and Debian's packages fail there.
# This does the same steps offline: install with --ignore-scripts, rebuild the native modules
# from source, and take ripgrep from Debian.
set -euo pipefail
DIR="${1:-${HVSCOPE_CODE_SERVER_DIR:-$HOME/.cache/hvscope-code-server}}"
# Pinned: the version the e2e test was written against (4.100.x runs on Node 20).
VERSION="${HVSCOPE_CODE_SERVER_VERSION:-4.100.3}"
BIN="$DIR/node_modules/.bin/code-server"
STAMP="$DIR/.hvscope-ready"

log() { echo "setup-code-server: $*" >&2; }

# Debian packages: build headers for the native modules, ripgrep (search), chromium (the browser).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      log "missing Debian packages: ${missing[*]} (not root and no passwordless sudo; install them yourself)"
      return 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    "${sudo[@]}" apt-get update -qq >/dev/null && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  }
}

if [ -f "$STAMP" ] && [ -x "$BIN" ]; then
  # The browser may have gone missing independently of the cache (a fresh CI image).
  apt_install chromium
  log "already installed in $DIR"
  echo "$BIN"
  exit 0
fi

apt_install ripgrep libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev python3 make g++ chromium

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
log "npm install code-server@$VERSION into $DIR"
npm_config_unsafe_perm=true npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2
npm rebuild argon2 --build-from-source >&2

cd node_modules/code-server/lib/vscode
log "installing VS Code's server dependencies"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
for m in node-pty @parcel/watcher kerberos native-watchdog @vscode/spdlog @vscode/deviceid @vscode/native-watchdog @vscode/sqlite3; do
  if [ -d "node_modules/$m" ]; then
    if (cd "node_modules/$m" && npx --yes node-gyp rebuild >/dev/null 2>&1); then log "built $m"
    else log "could not build $m (may be optional)"; fi
  fi
done
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server) || true
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh) || true
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)

"$BIN" --version >&2
touch "$STAMP"
log "ready"
echo "$BIN"
