#!/usr/bin/env bash
# Installs what the test suites need: Debian's Python 3 with python3-sortedcontainers (the code
# sandbox; some LeetCode reference solutions import it) and util-linux's unshare, Debian's Chromium
# (webview and end-to-end tests), and code-server 4.100.3 (a real VS Code 1.100 served to a browser). Only the npm registry and Debian's packages are used.
# The install is cached outside the repo (default ~/.cache/acereason-e2e, override with
# ACEREASON_E2E_CACHE) so a rerun takes about a second. Safe without stdin (CI=true).
# Prints the code-server binary path on its last line.
#
# Facts this relies on (checked on Debian 12, Node 20, root):
#  - code-server 4.100.3 is the newest release that runs on Node 20 (later ones need Node 22+).
#  - its postinstall refuses to run as root unless npm_config_unsafe_perm=true, and node-pty's
#    postinstall calls `npx node-gyp`, which prompts unless npm_config_yes=true.
#  - its native modules build with Debian's build-essential, python3, pkg-config, libkrb5-dev,
#    libsecret-1-dev, libx11-dev and libxkbfile-dev.
#  - @vscode/ripgrep downloads rg from GitHub; seeding its cache in $TMPDIR with a tarball of
#    Debian's rg, under the file name it looks for, avoids that download.
set -euo pipefail
VERSION=4.100.3
RIPGREP_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE="${ACEREASON_E2E_CACHE:-$HOME/.cache/acereason-e2e}"
PREFIX="$CACHE/code-server-$VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"
CHROMIUM=/usr/bin/chromium
APT_PACKAGES=(chromium fonts-liberation ripgrep build-essential python3 python3-sortedcontainers
  util-linux pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev python3-torch python3-numpy python3-jinja2 libopenblas0)

apt_complete() { dpkg -s "${APT_PACKAGES[@]}" >/dev/null 2>&1; }
installed() { [ -x "$BIN" ] && [ -f "$PREFIX/.complete" ] && [ -x "$CHROMIUM" ] && apt_complete; }

# Fast path: no lock, no apt, no npm.
if installed; then echo "$BIN"; exit 0; fi

mkdir -p "$CACHE"
# Parallel runs (several engineers, or a test and `npm run studio`) must not install twice at once.
exec 9>"$CACHE/.install.lock"
flock 9
if installed; then echo "$BIN"; exit 0; fi

log() { echo "setup-e2e: $*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) and rerun"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi
[ -x "$CHROMIUM" ] || { log "$CHROMIUM is missing after installing Debian's chromium"; exit 1; }

if [ ! -f "$PREFIX/.complete" ]; then
  log "installing code-server $VERSION into $PREFIX (a few minutes, once)"
  # Seed @vscode/ripgrep's download cache with Debian's rg so its postinstall does not go to GitHub.
  tmp="$(dirname "$(mktemp -u)")"
  rg_cache="$tmp/$RIPGREP_CACHE_NAME"
  if [ ! -f "$rg_cache/$RIPGREP_TARBALL" ]; then
    pack="$(mktemp -d)"
    cp "$(command -v rg)" "$pack/rg"
    mkdir -p "$rg_cache"
    tar czf "$rg_cache/$RIPGREP_TARBALL.partial" -C "$pack" rg
    mv "$rg_cache/$RIPGREP_TARBALL.partial" "$rg_cache/$RIPGREP_TARBALL"
    rm -rf "$pack"
  fi
  # Build in a scratch folder and rename at the end, so an interrupted install never looks complete.
  work="$PREFIX.partial"
  rm -rf "$work"
  mkdir -p "$work"
  (
    cd "$work"
    export npm_config_yes=true npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false
    printf '{"name":"acereason-e2e-code-server","private":true}\n' >package.json
    npm install --ignore-scripts --no-save "code-server@$VERSION" </dev/null >install.log 2>&1 \
      || { tail -n 30 install.log >&2; exit 1; }
    ( cd node_modules/code-server &&
      npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
        sh ./postinstall.sh </dev/null >>../../install.log 2>&1 ) \
      || { tail -n 30 install.log >&2; exit 1; }
    npm rebuild argon2 </dev/null >>install.log 2>&1 || { tail -n 30 install.log >&2; exit 1; }
  )
  rm -rf "$PREFIX"
  mv "$work" "$PREFIX"
  "$BIN" --version >/dev/null
  date -u +%FT%TZ >"$PREFIX/.complete"
fi
echo "$BIN"
