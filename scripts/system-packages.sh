#!/usr/bin/env bash
# The Debian packages `make test` needs besides Python: libmariadb-dev and pkg-config (to
# build mysqlclient, the SQL connector's MariaDB driver) and chromium (browser tests,
# never a downloaded browser). Installs what is missing when apt-get can; otherwise
# names what to install and stops.
set -euo pipefail

missing=()
pkg-config --exists libmariadb 2>/dev/null || missing+=(libmariadb-dev pkg-config)
[ -x "${ERPSYNC_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  echo "installing Debian packages with sudo: ${missing[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "make test needs these system packages: ${missing[*]} (Debian names); install them and run it again" >&2
  exit 1
fi
