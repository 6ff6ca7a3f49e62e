#!/usr/bin/env bash
# AnyunCrypto beside `openssl speed`, same machine, same run, one core each.
#
#   Benchmarks/crypto.sh [seconds-per-case]        (default 2)
#
# Builds anyun-bench in release, runs its crypto suite, then `openssl speed` on the
# same primitives and buffer sizes, and prints both with the ratio ours/openssl.
# MB/s is 10^6 bytes per second, the unit openssl speed uses. OpenSSL 3.0 has no
# SM4-GCM, so that row has no reference. Environment:
#   ANYUN_PACKAGE_PATH  package to build (default: this repository)
#   ANYUN_SCRATCH_PATH  optional --scratch-path for swift build
set -euo pipefail

seconds="${1:-2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="${ANYUN_PACKAGE_PATH:-$root}"
swift_args=(-c release --package-path "$package")
if [[ -n "${ANYUN_SCRATCH_PATH:-}" ]]; then swift_args+=(--scratch-path "$ANYUN_SCRATCH_PATH"); fi

command -v openssl >/dev/null || { echo "crypto.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }

echo "building anyun-bench (release)..." >&2
swift build "${swift_args[@]}" --product anyun-bench >&2
bench="$(swift build "${swift_args[@]}" --show-bin-path)/anyun-bench"

echo "running anyun-bench crypto (${seconds}s per case)..." >&2
ours="$("$bench" crypto --seconds "$seconds" --tsv | grep -v '^#')"

# openssl speed -mr prints "+F:<n>:<name>:<bytes per second>" for one buffer size.
openssl_mbps() { # <bytes> <speed selection args...>
    local bytes="$1"; shift
    openssl speed -mr -seconds "$seconds" -bytes "$bytes" "$@" 2>/dev/null \
        | awk -F: '/^\+F:/ { printf "%.2f", $4 / 1e6 }'
}

# openssl speed -mr prints "+F7:<n>:256:CurveSM2:<sign/s>:<verify/s>" for SM2.
sm2_rates="$(openssl speed -mr -seconds "$seconds" sm2 2>/dev/null | awk -F: '/^\+F7:/ { print $5, $6 }')" || true

reference() { # <our case name> <bytes>
    case "$1" in
        sm3)             openssl_mbps "$2" -evp sm3 ;;
        hmac-sm3)        openssl_mbps "$2" -hmac sm3 ;;
        sm4-cbc-encrypt) openssl_mbps "$2" -evp sm4-cbc ;;
        sm4-cbc-decrypt) openssl_mbps "$2" -decrypt -evp sm4-cbc ;;
        sm4-ctr)         openssl_mbps "$2" -evp sm4-ctr ;;
        sm2-sign)        [[ -n "$sm2_rates" ]] && awk '{ printf "%.2f", $1 }' <<<"$sm2_rates" ;;
        sm2-verify)      [[ -n "$sm2_rates" ]] && awk '{ printf "%.2f", $2 }' <<<"$sm2_rates" ;;
        *)               ;;
    esac
}

echo "running openssl speed..." >&2
printf '%-17s %-8s %12s %12s %7s\n' primitive buffer anyun openssl ratio
while IFS=$'\t' read -r name bytes value unit; do
    theirs="$(reference "$name" "$bytes" || true)"
    if [[ "$bytes" == 0 ]]; then buffer="-"
    elif (( bytes >= 1048576 )); then buffer="$((bytes / 1048576))MiB"
    else buffer="$((bytes / 1024))KiB"; fi
    if [[ -n "$theirs" ]]; then
        ratio="$(awk -v a="$value" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')"
    else
        theirs="n/a"; ratio="-"
    fi
    printf '%-17s %-8s %12s %12s %7s  %s\n' "$name" "$buffer" "$value" "$theirs" "$ratio" "$unit"
done <<<"$ours"
echo "(openssl: $(openssl version); n/a = openssl speed has no such primitive)"
