#!/usr/bin/env bash
# Log audit benchmarks on 127.0.0.1, anyun beside rsyslog in the same run:
#   1. ingest: COUNT RFC 5424 lines (sshd, sudo, nginx access, iptables/nftables LOG, anyun-waf
#      JSON; 300 hosts, 10.x addresses) replayed by `anyun-bench syslog-send` over CONNECTIONS
#      TCP connections into rsyslog (imtcp → omfile, the reference) and into `anyun server`
#      (parse, decode, attribute, store, index; durable). Each is timed from the first byte sent
#      until the last line is in the file / the last event is stored, and the losses are counted.
#      Target: anyun ≥ 100,000 events/s sustained with zero loss.
#   2. storage: bytes per event of anyun's logs/ folder after that run, the day still open
#      (uncompressed blocks), and, in part 3, of a sealed day after compaction (zstd blocks;
#      target ≤ 300 B with compression of closed partitions).
#   3. search: ANYUN_BENCH_EVENTS events (default 10,000,000, about a day of the reference
#      deployment) written straight into the event store by `anyun-bench logs-fill`, then p50/p95
#      of field, full-text and count-by queries over 24 hours (target p95 ≤ 300 ms).
#
#   Benchmarks/logs.sh [count] [connections]          (defaults 2000000 and 4)
#
# Environment:
#   ANYUN_BENCH_FRAMING      newline (default) or octet (RFC 6587 octet counting)
#   ANYUN_BENCH_EVENTS       events in the search store (default 10000000; 0 skips part 3)
#   ANYUN_BENCH_STORE        directory of the search store, kept; filled only when empty
#   ANYUN_BENCH_RUNS         runs per query (default 30)
#   ANYUN_BENCH_UDP=1        also send COUNT datagrams over UDP to both and count what each lost
#   ANYUN_BENCH_UDP_RATE     pace the UDP sender (messages/s over all connections)
#   ANYUN_BENCH_SKIP_BUILD=1 use the release binaries in .build/release as they are
#   ANYUN_BENCH_KEEP=1       keep the temporary directory (rsyslog output, anyun data)
set -euo pipefail
export LC_ALL=C

count=${1:-2000000}
connections=${2:-4}
framing=${ANYUN_BENCH_FRAMING:-newline}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ -z ${ANYUN_BENCH_SKIP_BUILD:-} ]]; then
    echo "building anyun and anyun-bench (release; waits for the shared build lock)..." >&2
    flock /tmp/anyun-build.lock sh -c 'swift build -c release --product anyun && swift build -c release --product anyun-bench' \
        >/tmp/anyun-logs-bench-build.log 2>&1 || { tail -30 /tmp/anyun-logs-bench-build.log >&2; echo "logs.sh: release build failed" >&2; exit 1; }
fi
anyun=$root/.build/release/anyun
bench=$root/.build/release/anyun-bench
[[ -x $anyun && -x $bench ]] || { echo "logs.sh: $anyun or $bench missing (unset ANYUN_BENCH_SKIP_BUILD)" >&2; exit 1; }

if ! command -v rsyslogd >/dev/null; then
    echo "installing rsyslog..." >&2
    if [[ $(id -u) == 0 ]]; then apt-get install -y rsyslog >/dev/null; else sudo apt-get install -y rsyslog >/dev/null; fi
fi

tmp=$(mktemp -d /tmp/anyun-logs-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n ${ANYUN_BENCH_KEEP:-} ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # <port>: until something accepts TCP connections there
    for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    echo "logs.sh: nothing listens on 127.0.0.1:$1" >&2; return 1
}
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; } # <key> <key=value line>
calc() { awk "BEGIN { $1 }"; }
grouped() { sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta' <<<"$1"; }
send() { # <port> [more syslog-send flags] → its key=value line
    "$bench" syslog-send --host 127.0.0.1 --port "$1" --count "$count" --connections "$connections" --framing "$framing" --tsv "${@:2}"
}
# Polls <command> (prints a number) every 20 ms until it reaches <target> or stops changing for
# <stall> seconds; prints the last value and the wall-clock time it last changed.
wait_for() { # <command> <target> <stall seconds>
    local value last=-1 changed=$EPOCHREALTIME
    while :; do
        value=$($1 || true)
        [[ $value =~ ^[0-9]+$ ]] || value=$last # a failed poll changes nothing
        if [[ $value != "$last" ]]; then last=$value; changed=$EPOCHREALTIME; fi
        (( value >= $2 )) && break
        calc "exit !($EPOCHREALTIME - $changed > $3)" && break
        sleep 0.02
    done
    echo "$last $changed"
}
udp_drops() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp; }

echo "log audit benchmark on 127.0.0.1, $(nproc) cores: $(grouped "$count") messages over $connections TCP connection(s), $framing framing"

# --- rsyslog: imtcp → omfile, nothing else loaded -------------------------------------------
rs_tcp=$(free_port)
rs_udp=$(free_port)
mkdir -p "$tmp/rsyslog"
cat >"$tmp/rsyslog/rsyslog.conf" <<CONF
global(workDirectory="$tmp/rsyslog" maxMessageSize="64k")
module(load="imtcp" maxSessions="1000")
module(load="imudp")
input(type="imtcp" address="127.0.0.1" port="$rs_tcp")
input(type="imudp" address="127.0.0.1" port="$rs_udp" ruleset="udp")
template(name="raw" type="string" string="%rawmsg%\n")
main_queue(queue.type="FixedArray" queue.size="1000000" queue.dequeueBatchSize="4096")
action(type="omfile" file="$tmp/rsyslog/tcp.log" template="raw" ioBufferSize="256k")
ruleset(name="udp") { action(type="omfile" file="$tmp/rsyslog/udp.log" template="raw" ioBufferSize="256k") }
CONF
rsyslogd -n -f "$tmp/rsyslog/rsyslog.conf" -i "$tmp/rsyslog/rsyslogd.pid" >"$tmp/rsyslog/rsyslogd.out" 2>&1 &
pids+=($!)
wait_port "$rs_tcp" || { cat "$tmp/rsyslog/rsyslogd.out" >&2; exit 1; }

rs_bytes() { stat -c %s "$tmp/rsyslog/tcp.log" 2>/dev/null || echo 0; }
sent=$(send "$rs_tcp")
# omfile writes each message as `rawmsg LF`: done when the file holds every payload byte.
read -r _ rs_end < <(wait_for rs_bytes "$(( $(field payload_bytes "$sent") + count ))" 10)
rs_lines=$(wc -l <"$tmp/rsyslog/tcp.log")
rs_rate=$(calc "printf \"%d\", $rs_lines / ($rs_end - $(field started "$sent"))")
rs_version=$(rsyslogd -v | awk 'NR == 1 { print $2 }')
printf "%-40s %12s msg/s   %s lines, lost %s   (sender alone: %s msg/s)\n" "rsyslog $rs_version imtcp -> omfile" \
    "$(grouped "$rs_rate")" "$(grouped "$rs_lines")" "$(grouped $((count - rs_lines)))" "$(grouped "$(field rate "$sent")")"

# --- anyun server: syslog over TCP → parse, decode, attribute, store ---------------------------
any_rate=""
server_help=$("$anyun" server --help 2>&1 || true)
if [[ $server_help == *--syslog-tcp* ]]; then
    http=$(free_port)
    any_tcp=$(free_port)
    any_udp=$(free_port)
    data=$tmp/anyun
    "$anyun" server --data "$data" --listen "127.0.0.1:$http" --demo --log-level warning \
        --syslog-tcp "127.0.0.1:$any_tcp" --syslog-udp "127.0.0.1:$any_udp" >"$tmp/server.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 600); do grep -q "console:" "$tmp/server.log" && break; sleep 0.2; done
    grep -q "console:" "$tmp/server.log" || { cat "$tmp/server.log" >&2; echo "logs.sh: anyun server did not start" >&2; exit 1; }
    wait_port "$any_tcp"

    password=$(python3 -c "import json,sys;print([a for a in json.load(open(sys.argv[1])) if a['username']=='secadmin'][0]['password'])" "$data/demo-credentials.json")
    code=$("$anyun" totp --data "$data" --user secadmin)
    token=$(curl -sf -X POST "http://127.0.0.1:$http/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"secadmin\",\"password\":\"$password\",\"totp\":\"$code\"}" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
    api() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$http$1"; }
    # Events the search API can find: the histogram's counts are exact (a search's total may be a
    # lower bound once its page is full).
    api_total() {
        api "/api/v1/events/histogram?q=&from=now-2d&buckets=1" | python3 -c "import json,sys;print(sum(b['count'] for b in json.load(sys.stdin)['items']))"
    }
    metric_stored() { curl -sf "http://127.0.0.1:$http/metrics" | awk '/^anyun_events_stored_total/ { s += $NF } END { printf "%.0f", s }'; }
    # The stored-events counter is cheap to poll; the search API is the fallback and the final word.
    metrics=$(curl -sf "http://127.0.0.1:$http/metrics" || true)
    if grep -q '^anyun_events_stored_total' <<<"$metrics"; then stored=metric_stored; else stored=api_total; fi
    before=$($stored)
    sent=$(send "$any_tcp")
    read -r now any_end < <(wait_for "$stored" "$(( before + count ))" 30)
    searchable=$(( $(api_total) - before ))
    any_rate=$(calc "printf \"%d\", ($now - $before) / ($any_end - $(field started "$sent"))")
    printf "%-40s %12s ev/s    %s stored, %s searchable, lost %s\n" "anyun server syslog-tcp -> store" "$(grouped "$any_rate")" \
        "$(grouped $((now - before)))" "$(grouped "$searchable")" "$(grouped $((count - searchable)))"
    printf "%-40s %12s\n" "ratio anyun / rsyslog" "$(calc "printf \"%.2f\", $any_rate / $rs_rate")"
    bytes=$(find "$data/logs" -type f -name '*.db*' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
    printf "%-40s %12s B/event (%s B in logs/*.db*, incl. -wal; compacted when sealed, see below)\n" "anyun storage, day still open" \
        "$(calc "printf \"%.0f\", $bytes / $searchable")" "$(grouped "$bytes")"
else
    echo "anyun server has no --syslog-tcp yet: its ingest part is skipped"
fi

# --- UDP: what each receiver loses at full speed ---------------------------------------------
if [[ -n ${ANYUN_BENCH_UDP:-} ]]; then
    udp_flags=(--udp)
    [[ -n ${ANYUN_BENCH_UDP_RATE:-} ]] && udp_flags+=(--rate "$ANYUN_BENCH_UDP_RATE")
    rs_udp_lines() { wc -l 2>/dev/null <"$tmp/rsyslog/udp.log" || echo 0; }
    kernel_before=$(udp_drops)
    sent=$(send "$rs_udp" "${udp_flags[@]}")
    read -r got _ < <(wait_for rs_udp_lines "$count" 3)
    printf "%-40s sent %s at %s msg/s, received %s, lost %s (kernel receive-buffer drops %s)\n" "rsyslog imudp" \
        "$(grouped "$count")" "$(grouped "$(field rate "$sent")")" "$(grouped "$got")" "$(grouped $((count - got)))" \
        "$(grouped $(( $(udp_drops) - kernel_before )))"
    if [[ -n $any_rate ]]; then
        kernel_before=$(udp_drops)
        before=$($stored)
        sent=$(send "$any_udp" "${udp_flags[@]}")
        read -r now _ < <(wait_for "$stored" "$(( before + count ))" 3)
        printf "%-40s sent %s at %s msg/s, stored %s, lost %s (kernel drops %s; server says %s)\n" "anyun server syslog-udp" \
            "$(grouped "$count")" "$(grouped "$(field rate "$sent")")" "$(grouped $((now - before)))" "$(grouped $((count - now + before)))" \
            "$(grouped $(( $(udp_drops) - kernel_before )))" "$(api /api/v1/logs/stats 2>/dev/null || echo n/a)"
    fi
fi

# The ingest servers are done: stop them before the store benchmark takes both cores.
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=()

# --- search over a day's store ------------------------------------------------------------------
events=${ANYUN_BENCH_EVENTS:-10000000}
if (( events > 0 )); then
    store=${ANYUN_BENCH_STORE:-$tmp/store}
    mkdir -p "$store"
    if [[ -z $(ls -A "$store") ]]; then
        if ! "$bench" logs-fill --dir "$store" --events "$events" --days 1; then
            echo "search part skipped (logs-fill failed)"; exit 0
        fi
    else
        echo "reusing the store in $store"
    fi
    "$bench" logs-search --dir "$store" --runs "${ANYUN_BENCH_RUNS:-30}"
fi
