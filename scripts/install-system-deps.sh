#!/usr/bin/env bash
# Installs the system packages polywire's localisation uses: apertium with the language pairs we translate
# through (and lttoolbox-dev, whose lt-comp the tests use to build small lexicons), and hunspell with the
# dictionaries the quality gate reads. Idempotent: does nothing when every package
# is already installed (checked with dpkg-query); runs apt-get only as root, and `apt-get update` only when a
# package is not known to apt yet. When not root, prints what to install and exits 0 so that `make` goes on
# (the tests that need apertium skip locally, and fail under CI=true).
set -euo pipefail

PACKAGES=(
  apertium
  apertium-eng-spa apertium-eng-cat apertium-es-pt apertium-fr-es apertium-spa-cat apertium-por-cat
  lttoolbox-dev
  hunspell
  hunspell-de-de hunspell-lt hunspell-es hunspell-en-us hunspell-en-gb hunspell-fr hunspell-pt-pt hunspell-pt-br hunspell-ca
  chromium
)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "polywire: these packages are missing and this system has no apt-get: ${missing[*]}" >&2
  echo "polywire: install apertium, its pairs and hunspell dictionaries with your package manager." >&2
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "polywire: translation and spelling checks need system packages that are not installed. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "polywire: (or run this script as root: sudo scripts/install-system-deps.sh)" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when apt does not know a package yet: a fresh container has empty lists, and
# an update on every `make` would be slow and need the network.
for package in "${missing[@]}"; do
  if ! apt-cache show "$package" >/dev/null 2>&1; then
    apt-get update -qq
    break
  fi
done
echo "polywire: installing ${missing[*]}" >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
