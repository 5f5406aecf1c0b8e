#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, and PostgreSQL 15 with pgvector 0.8.0 (the real database
# the 'pg' test project and the benchmarks start a throwaway cluster of). Idempotent and fast when everything is
# already present: apt-get update only runs when something is missing.
# Usage: scripts/install-test-deps.sh [--browser]
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=$PG_BIN/pg_config
VECTOR_CONTROL=/usr/share/postgresql/15/extension/vector.control
PGVECTOR_VERSION=0.8.0

fail() { echo "install-test-deps: $*" >&2; exit 1; }

want=(dovecot-imapd unzip openssl postgresql-15) # openssl: test certificates (test/support/tls.ts)
for arg in "$@"; do
  case "$arg" in
    --browser) want+=(chromium fonts-noto-cjk) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

vector_installed() { [ -f "$VECTOR_CONTROL" ] && grep -q "default_version = '$PGVECTOR_VERSION'" "$VECTOR_CONTROL"; }
# Debian 12 has no pgvector package: it is built from Debian 13's source package (below), which needs these.
if ! vector_installed; then want+=(postgresql-server-dev-15 make gcc libc6-dev); fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
# The binaries are what the tests use; a half-removed package still needs reinstalling.
[[ " ${missing[*]-} " == *" dovecot-imapd "* ]] || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
[[ " ${missing[*]-} " == *" postgresql-15 "* ]] || [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)

if [ ${#missing[@]} -eq 0 ] && vector_installed; then
  echo "test deps present: ${want[*]} pgvector-$PGVECTOR_VERSION"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The packages' postinst would start a system-wide dovecot on 143/993 and a PostgreSQL on 5432; tests start their
# own instances, so forbid service starts during the install (policy-rc.d exit 101).
policy=/usr/sbin/policy-rc.d
created_policy=0
# A deb-src entry for Debian 13, present only while its source package is downloaded.
src_entry=/etc/apt/sources.list.d/firstreply-pgvector-src.sources
added_src=0
workdir=""
cleanup() {
  if [ "$added_src" = 1 ]; then
    $SUDO rm -f "$src_entry"
    # Back to the package lists of the sources as found (drops the trixie source index again).
    $SUDO apt-get update -qq || echo "install-test-deps: apt-get update after removing $src_entry failed" >&2
  fi
  if [ "$created_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
  if [ -n "$workdir" ]; then rm -rf "$workdir"; fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# If anything started a system service anyway (e.g. a host with systemd), stop it.
for service in dovecot postgresql; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $SUDO systemctl stop "$service" || true
    $SUDO systemctl disable "$service" >/dev/null 2>&1 || true
  fi
done

for bin in postgres initdb pg_ctl; do [ -x "$PG_BIN/$bin" ] || fail "$PG_BIN/$bin is missing after installing postgresql-15"; done

if ! vector_installed; then
  [ -x "$PG_CONFIG" ] || fail "$PG_CONFIG is missing: postgresql-server-dev-15 did not install"
  # The Debian mirror this machine already uses for bookworm, from one-line (.list) or deb822 (.sources) entries.
  mirror=$(
    { [ -f /etc/apt/sources.list ] && cat /etc/apt/sources.list; shopt -s nullglob; for f in /etc/apt/sources.list.d/*.list; do cat "$f"; done; } |
      awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == "bookworm") { print $i; exit } }'
  )
  if [ -z "$mirror" ]; then
    mirror=$(
      shopt -s nullglob
      for f in /etc/apt/sources.list.d/*.sources; do cat "$f"; echo; done |
        awk 'BEGIN { RS = ""; FS = "\n" } {
          uri = ""; deb = 0; suite = 0
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^URIs:/) { split(substr($i, 6), u, " "); uri = u[1] == "" ? u[2] : u[1] }
            if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
            if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) suite = 1
          }
          if (deb && suite && uri != "") { print uri; exit }
        }'
    )
  fi
  [ -n "$mirror" ] || fail "no Debian bookworm mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/: cannot fetch the pgvector source"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || fail "$keyring is missing (package debian-archive-keyring): cannot verify the pgvector source"

  echo "building pgvector $PGVECTOR_VERSION from Debian 13's source package on $mirror"
  added_src=1
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' "$mirror" "$keyring" | $SUDO tee "$src_entry" >/dev/null
  $SUDO apt-get update -qq
  workdir=$(mktemp -d)
  (cd "$workdir" && apt-get source --download-only pgvector >/dev/null) || fail "apt-get source --download-only pgvector failed (suite trixie on $mirror)"
  # The source is downloaded: put the apt sources back now rather than after the build.
  $SUDO rm -f "$src_entry"
  $SUDO apt-get update -qq
  added_src=0

  orig="$workdir/pgvector_$PGVECTOR_VERSION.orig.tar.gz"
  [ -f "$orig" ] || fail "Debian 13 no longer has pgvector $PGVECTOR_VERSION (got: $(cd "$workdir" && ls))"
  mkdir "$workdir/src"
  tar -xzf "$orig" -C "$workdir/src" --strip-components=1
  # As Debian builds it: no -march=native (the binary may meet another CPU), no LLVM bitcode for JIT inlining.
  make -s -C "$workdir/src" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" with_llvm=no >/dev/null
  $SUDO make -s -C "$workdir/src" install PG_CONFIG="$PG_CONFIG" with_llvm=no >/dev/null
  vector_installed || fail "pgvector $PGVECTOR_VERSION did not install to $VECTOR_CONTROL"
  echo "pgvector $PGVECTOR_VERSION installed"
fi
