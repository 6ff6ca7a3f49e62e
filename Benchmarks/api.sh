#!/usr/bin/env bash
# Load test of the centre's API on 127.0.0.1 with the demo deployment loaded:
#   1. an authenticated paged host listing (GET /api/v1/hosts?limit=50), target ≥ 10,000 req/s;
#   2. a write path: creating hosts (POST /api/v1/hosts), each write audited in the SM3 chain.
# Prints requests/s and p99 latency of each. Usage: Benchmarks/api.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-64}
port=${ANYUN_BENCH_PORT:-18180}

command -v wrk >/dev/null || scripts/install-deps.sh --test
swift build -c release --product anyun >/dev/null 2>&1
bin=.build/release/anyun
data=$(mktemp -d /tmp/anyun-bench.XXXXXX)
log=$data/server.log
"$bin" server --data "$data/d" --listen "127.0.0.1:$port" --demo --log-level warning >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do grep -q "console:" "$log" && break; sleep 0.2; done
grep -q "console:" "$log" || { cat "$log"; echo "server did not start" >&2; exit 1; }

password=$(python3 -c "import json,sys;print([a for a in json.load(open(sys.argv[1])) if a['username']=='secadmin'][0]['password'])" "$data/d/demo-credentials.json")
code=$("$bin" totp --data "$data/d" --user secadmin)
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"secadmin\",\"password\":\"$password\",\"totp\":\"$code\"}" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
system=$(curl -sf "http://127.0.0.1:$port/api/v1/systems?limit=1" -H "Authorization: Bearer $token" | python3 -c "import json,sys;print(json.load(sys.stdin)['items'][0]['id'])")

# Every request a different search, so the listing cache never answers: the store and the
# encoder do all the work each time.
cat >"$data/cold.lua" <<LUA
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/hosts?limit=50&q=u&offset=" .. (n % 250) .. "&n=" .. n, {["Authorization"]="Bearer $token"})
end
LUA

cat >"$data/write.lua" <<LUA
local counter = 0
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) tid = tonumber(wrk.thread:get("tid")) end
function request()
  counter = counter + 1
  local body = string.format('{"systemID":$system,"hostname":"bench-%d-%d","ips":["172.%d.%d.%d"],"os":"Kylin V10","platform":"浪潮云"}',
    tid, counter, 16 + tid, math.floor(counter / 250) % 250, counter % 250)
  return wrk.format("POST", "/api/v1/hosts", {["Content-Type"]="application/json", ["Authorization"]="Bearer $token"}, body)
end
LUA

summary() { # wrk output → "requests/s  p99"
  awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%10s req/s   p99 %8s   non-2xx %s\n", rps, p99, (bad==""?0:bad)}'
}

echo "anyun API on 127.0.0.1, demo data (16 units / 80 systems / 300 hosts), $(nproc) cores, ${duration}s, $connections connections"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/hosts?limit=50&offset=100" >"$data/read.txt"
printf "read  GET  /api/v1/hosts?limit=50   (hot)  "; summary <"$data/read.txt"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$data/cold.lua" "http://127.0.0.1:$port" >"$data/cold.txt"
printf "read  GET  /api/v1/hosts?limit=50   (cold) "; summary <"$data/cold.txt"
wrk -t2 -c"$((connections / 4 > 0 ? connections / 4 : 1))" -d"${duration}s" --latency -s "$data/write.lua" \
  "http://127.0.0.1:$port" >"$data/write.txt"
printf "write POST /api/v1/hosts                    "; summary <"$data/write.txt"
"$bin" audit verify --data "$data/d" >/dev/null 2>&1 || echo "warning: audit verify failed after the write load" >&2
