#!/usr/bin/env bash
# Installs the Debian packages the integration tests need. Idempotent and fast when
# everything is already present: apt-get update only runs when something is missing.
# Usage: scripts/install-test-deps.sh [--browser]
set -euo pipefail

want=(dovecot-imapd unzip openssl) # openssl: test certificates (test/support/tls.ts)
for arg in "$@"; do
  case "$arg" in
    --browser) want+=(chromium fonts-noto-cjk) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
# The binaries are what the tests use; a half-removed package still needs reinstalling.
[[ " ${missing[*]-} " == *" dovecot-imapd "* ]] || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)

if [ ${#missing[@]} -eq 0 ]; then
  echo "test deps present: ${want[*]}"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The package's postinst would start a system-wide dovecot on 143/993; tests start their own
# per-test instances, so forbid service starts during the install (policy-rc.d exit 101).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"

# If anything started a system dovecot anyway (e.g. a host with systemd), stop it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl stop dovecot || true
  $SUDO systemctl disable dovecot >/dev/null 2>&1 || true
fi
