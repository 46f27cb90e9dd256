#!/usr/bin/env bash
# Installs what Skiff's demo and tests need, and nothing twice: Debian
# packages that are missing, then the npm dependencies of the engine and of
# the book. Safe to run again; CI runs it on a clean machine as root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(busybox-static gcc libc6-dev runc crun skopeo umoci iproute2 docker.io docker-registry apache2-utils openssl chromium fonts-dejavu-core strace tmux)
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

# The Engine API's swagger, for the test that holds the client SDK's types to
# it: Debian ships moby's api/swagger.yaml (API 1.41) inside the Go sources of
# docker.io. Only that one file is taken out of the package, not installed.
spec=node_modules/.cache/skiff/engine-api-swagger.yaml
if [ ! -s "$spec" ]; then
  echo "setup: extracting the Engine API swagger from golang-github-docker-docker-dev" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq golang-github-docker-docker-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq golang-github-docker-docker-dev >/dev/null; })
  mkdir -p "$(dirname "$spec")"
  dpkg-deb --fsys-tarfile "$tmp"/golang-github-docker-docker-dev_*.deb | tar -xO ./usr/share/gocode/src/github.com/docker/docker/api/swagger.yaml > "$spec.tmp"
  mv "$spec.tmp" "$spec"
  rm -rf "$tmp"
fi
