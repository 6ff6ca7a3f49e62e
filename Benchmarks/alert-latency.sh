#!/usr/bin/env bash
# Alert latency: from the 5th failed SSH login arriving over syslog TCP to the alert being stored
# and delivered to a webhook, p50 and p99 over N rounds (each round a new attacking address).
# Usage: Benchmarks/alert-latency.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-100}
port=${ANYUN_BENCH_PORT:-18280}
syslog=${ANYUN_BENCH_SYSLOG:-18281}
hook=${ANYUN_BENCH_HOOK:-18282}

flock /tmp/anyun-build.lock swift build -c release --product anyun >/dev/null 2>&1
bin=.build/release/anyun
work=$(mktemp -d /tmp/anyun-alert.XXXXXX)
cat >"$work/anyun.yaml" <<YAML
notify:
  max_attempts: 1
  channels:
    - {type: webhook, name: bench, url: "http://127.0.0.1:$hook/alert"}
YAML
cat >"$work/receiver.py" <<'PY'
import http.server, json, sys, time
out = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.time()
        try:
            key = json.loads(body).get("group_key", "")
        except Exception:
            key = ""
        out.write(f"{now:.6f} {key}\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$work/receiver.py" "$hook" "$work/received.txt" &
receiver=$!
"$bin" server --config "$work/anyun.yaml" --data "$work/d" --listen "127.0.0.1:$port" --syslog-tcp "127.0.0.1:$syslog" --log-level warning >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server $receiver 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q "syslog TCP" "$work/server.log" && break; sleep 0.2; done

python3 - "$syslog" "$rounds" "$work/received.txt" <<'PY'
import socket, sys, time, datetime
port, rounds, received = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
def line(ip, i):
    ts = datetime.datetime.now(datetime.timezone.utc).isoformat()
    return f"<38>1 {ts} bench-host sshd 999 - - Failed password for root from {ip} port {40000+i} ssh2\n".encode()
latencies = []
for r in range(rounds):
    ip = f"10.{200 + r // 250}.{r % 250}.7"
    for i in range(4):
        s.sendall(line(ip, i))
    time.sleep(0.05)          # the first four are in; the fifth is the one timed
    t0 = time.time()
    s.sendall(line(ip, 4))
    deadline = t0 + 10
    got = None
    while time.time() < deadline and got is None:
        with open(received) as f:
            for row in f:
                stamp, _, key = row.strip().partition(" ")
                if key == f"src_ip={ip}":
                    got = float(stamp)
        if got is None:
            time.sleep(0.002)
    if got is None:
        print(f"round {r}: no alert within 10 s", file=sys.stderr)
        continue
    latencies.append((got - t0) * 1000)
latencies.sort()
def pct(p): return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]
print(f"alert latency over {len(latencies)} rounds (5th failed login sent → webhook received):")
print(f"  p50 {pct(50):.1f} ms   p99 {pct(99):.1f} ms   max {latencies[-1]:.1f} ms   target p99 < 1000 ms")
PY
