#!/usr/bin/env bash
# Installs what Skiff's demo and tests need, and nothing twice: Debian
# packages that are missing, then the npm dependencies of the engine and of
# the book. Safe to run again; CI runs it on a clean machine as root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(busybox-static gcc libc6-dev runc crun skopeo umoci iproute2 docker.io docker-registry apache2-utils openssl chromium fonts-dejavu-core strace)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lockfile changed since the last install.
install_npm() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
install_npm .
install_npm site
