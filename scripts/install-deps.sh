#!/usr/bin/env bash
# Installs what building, running and testing anyun needs on a Debian machine, and nothing
# when it is all there already. Called by `make demo` and `make test`.
set -euo pipefail

# Build: system libraries behind the system-library targets. Run: openssl, sqlite3 (tamper
# tests), iconv (glibc). Test: chromium + chromium-driver (console test), wrk (benchmark).
packages=(libgcrypt20-dev libzstd-dev libssl-dev libsqlite3-dev openssl sqlite3 pkg-config curl)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium chromium-driver wrk fonts-wqy-microhei)
  packages+=(python3-aiosmtpd)  # the SMTP server the mail-channel tests deliver to
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--test" ]; then
  # gmssl: the independent SM2/SM3/SM4 implementation the crypto tests cross-check against.
  if ! python3 -c "import gmssl" 2>/dev/null; then
    python3 -m pip install -q gmssl 2>/dev/null || python3 -m pip install -q --break-system-packages gmssl
  fi
fi
