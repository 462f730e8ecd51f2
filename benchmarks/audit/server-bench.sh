#!/bin/bash
# benchmarks/audit/server-bench.sh: audit cost through the server (docs/perf.md "Audit", part 2).
# A dev server without the stdout device, a KV v2 read with a non-root token (as in the KV section),
# alternating wrk runs without and with one file audit device (fsync) at /tmp/auditperf/audit.log.
# Prints one line per run: requests/s, p50/p90/p99, server CPU per request (from /proc/PID/stat).
# Env: SPECS="threads conns seconds|..." (default "2 16 10|1 1 10"), JFROPT (JVM options, e.g. a JFR recording).
set -u
cd "$(dirname "$0")/../.."
mkdir -p /tmp/auditperf
A=127.0.0.1:18230
AV_JAVA_OPTS="${JFROPT:-}" ./av server -dev -dev-no-audit -dev-root-token-id=bench-root -dev-listen-address=$A -dev-proxy-listen-address=127.0.0.1:18231 > /tmp/prof/srv.log 2>&1 &
for i in $(seq 300); do curl -fsS http://$A/v1/sys/health >/dev/null 2>&1 && break; sleep 0.2; done
PID=$(pgrep -f "java.*dev-listen-address=$A" | head -1)
echo "server pid $PID"
H='X-Vault-Token: bench-root'
curl -s -X PUT -H "$H" http://$A/v1/sys/policies/acl/bench-read -d '{"policy":"path \"secret/data/bench/*\" { capabilities = [\"read\"] }"}'
curl -s -X PUT -H "$H" http://$A/v1/secret/data/bench/app -d '{"data":{"username":"app","password":"correct-horse-battery-staple","url":"postgres://db.internal:5432/app"}}' >/dev/null
T=$(curl -s -X POST -H "$H" http://$A/v1/auth/token/create -d '{"policies":["bench-read"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["auth"]["client_token"])')
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
run() { # label threads conns secs
  local c0=$(cpu); local out; out=$(wrk -t$2 -c$3 -d$4s --latency -H "X-Vault-Token: $T" http://$A/v1/secret/data/bench/app)
  local c1=$(cpu); local n=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$1 c=$3 load=$(cut -d' ' -f1 /proc/loadavg) rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}') p50=$(echo "$out" | awk '$1=="50%" {print $2}') p90=$(echo "$out" | awk '$1=="90%" {print $2}') p99=$(echo "$out" | awk '$1=="99%" {print $2}') cpu/req=$(python3 -c "print(round(($c1-$c0)*10000/max(1,$n),1))")us"
}
on() { curl -s -X PUT -H "$H" http://$A/v1/sys/audit/file -d '{"type":"file","options":{"file_path":"/tmp/auditperf/audit.log"}}'; }
off() { curl -s -X DELETE -H "$H" http://$A/v1/sys/audit/file; rm -f /tmp/auditperf/audit.log*; }
wrk -t2 -c16 -d8s -H "X-Vault-Token: $T" http://$A/v1/secret/data/bench/app >/dev/null
on; wrk -t2 -c16 -d4s -H "X-Vault-Token: $T" http://$A/v1/secret/data/bench/app >/dev/null; off
IFS='|' read -ra specs <<< "${SPECS:-2 16 10|1 1 10}"
for s in "${specs[@]}"; do
  set -- $s
  run "no-device" $1 $2 $3
  on; run "file-device" $1 $2 $3; off
done
kill -TERM $PID; sleep 3
