#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (as root): ffmpeg/ffprobe, exiftool and the
# libsecret headers that keytar builds against, gnome-keyring + dbus for a real Secret Service in tests,
# and Chromium for the browser tests (driven by playwright-core, never a downloaded browser).
# Then installs the npm packages exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg libimage-exiftool-perl libsecret-1-dev gnome-keyring dbus chromium libheif-examples libvips-tools curl time)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run this script as root, or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
