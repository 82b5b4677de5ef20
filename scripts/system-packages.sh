#!/usr/bin/env bash
# Make sure the Debian packages PIC Portal needs are present.
#   scripts/system-packages.sh run    what serving and PDFs need
#   scripts/system-packages.sh test   what the whole suite needs (adds Chromium, poppler, Redis, nginx)
#   scripts/system-packages.sh bench  what `make bench` needs (adds wrk and Redis)
# As root on Debian, installs what is missing with apt-get; otherwise prints the command.
set -euo pipefail

purpose=${1:-run}
packages=(libharfbuzz-subset0 fonts-liberation2 gettext)
if [ "$purpose" = "test" ]; then
  packages+=(poppler-utils chromium redis-server nginx-light)
fi
if [ "$purpose" = "bench" ]; then
  packages+=(wrk redis-server)
fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  [ "$purpose" != "run" ] && packages+=(postgresql)
fi

command -v dpkg-query >/dev/null 2>&1 || { echo "Not Debian: make sure these are installed: ${packages[*]}"; exit 0; }

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet; refresh them once, then install.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  }
else
  echo "Missing Debian packages: ${missing[*]}"
  echo "Install them with:  sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}"
  if [ "$purpose" = "test" ]; then
    echo "(Browser and PDF-rendering tests skip without them; REQUIRE_BROWSER=1 makes that an error.)"
  fi
fi
