#!/bin/bash
# benchmarks/proxy/run.sh: one command that measures the real av proxy (`./av server -dev`, the whole
# server: token store, ACL, credential read through the API pipeline, audit broker) beside a direct
# connection and squid ssl-bump (ECDSA CA), in one run, with the shared harness in /work/shared/bench
# (nginx upstream on 127.0.0.1:8443). Prints the summary table (ratios to direct) and writes the raw
# rows to $RESULTS.
#
# What it sets up in av: a KV secret `perfkit-secret`, a service for localhost:8443 injecting it as
# Bearer with the harness's upstream CA, `upstream_allow_cidrs=127.0.0.0/8`, a policy granting only
# `read` on `proxy/localhost/*`, and an agent (`perfkit`) whose identity token carries that policy
# and nothing else; the load generator authenticates its CONNECTs with that token.
#
# Env: BENCH (/work/shared/bench), AV_BENCH_STATE (/tmp/av-bench), REPS (1), TARGETS
#      ("direct squid-bump av"), AV_LABEL (av's label in the table), AV_SERVER_ARGS (more flags for
#      `av server -dev`, e.g. -dev-no-audit to measure without the default stdout audit device), AV_API (127.0.0.1:14391), AV_PROXY (127.0.0.1:14392),
#      AV_WARM (30: seconds of keep-alive load that warm av's JIT before the first cell),
#      AV_SERVER_JAVA_OPTS (JVM flags for the server only, e.g. a profiler agent), JFR=1 (record a JFR profile of av over the whole run into the work dir), AUDIT=1 (add a
#      durable file audit device in the work dir: every proxied request then also waits for an
#      fsync'd entry; the dev server's default device already writes every entry to stdout, which
#      goes to server.log in the work dir), plus everything
#      bench-proxy reads (DURATION, WARMUP, CONCS, BODIES, MODES, QUIET_PCT, RETRIES, NICE).
#      KEEP_LOG=1 keeps av's whole server.log (with the dev audit stream it grows by ~1 GB a run).
# Example: DURATION=8 WARMUP=3 benchmarks/proxy/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
BENCH=${BENCH:-/work/shared/bench}; S=${AV_BENCH_STATE:-/tmp/av-bench}; export AV_BENCH_STATE=$S
AV_API=${AV_API:-127.0.0.1:14391}; AV_PROXY=${AV_PROXY:-127.0.0.1:14392}
W=$(mktemp -d /tmp/av-proxy-bench.XXXXXX)
export RESULTS=${RESULTS:-$W/results.tsv}
echo "# work dir $W, results $RESULTS, load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- the harness: ECDSA CA for squid, upstream and squid running
if [ ! -f "$S/nginx.conf" ] || [ "$(cat "$S/pki/proxy-ca.type" 2>/dev/null)" != ec ]; then PROXY_KEY=ec "$BENCH/setup.sh" >&2; fi
"$BENCH/services.sh" start upstream squid >&2
[ "$(id -u)" = 0 ] && export NICE=${NICE--10}

# --- the real av server (dev mode: in memory, unsealed), on its own ports and token file
export AV_ADDR=http://$AV_API AV_TOKEN_FILE=$W/root-token AV_TOKEN=perfkit-root
jfr=(); [ "${JFR:-0}" = 1 ] && jfr=("-XX:StartFlightRecording=filename=$W/av.jfr,settings=profile,dumponexit=true")
AV_JAVA_OPTS="${AV_JAVA_OPTS:-} ${AV_SERVER_JAVA_OPTS:-} ${jfr[*]}" "$REPO/av" server -dev -dev-root-token-id=perfkit-root \
    -dev-listen-address="$AV_API" -dev-proxy-listen-address="$AV_PROXY" ${AV_SERVER_ARGS:-} >"$W/server.log" 2>&1 &
AVPID=$!
bpid=
cleanup() {
  if [ -n "$bpid" ]; then kill "$bpid" 2>/dev/null || true; fi
  kill "$AVPID" 2>/dev/null && wait "$AVPID" 2>/dev/null || true
  # the dev server's stdout audit stream is ~1 KiB per entry, gigabytes per run: keep its end only
  if [ -f "$W/server.log" ] && [ "${KEEP_LOG:-0}" != 1 ]; then tail -n 200 "$W/server.log" > "$W/server.log.tail"; rm -f "$W/server.log"; fi
}
trap cleanup EXIT; trap 'exit 143' INT TERM
for _ in $(seq 600); do curl -fsS "http://$AV_API/v1/sys/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://$AV_API/v1/sys/health" >/dev/null || { echo "av did not start; see $W/server.log" >&2; exit 1; }
JPID=$AVPID   # ./av execs java, so this is the JVM
av() { "$REPO/av" "$@" >/dev/null; }

av kv put secret/perfkit token=perfkit-secret
av proxy service write perfkit host=localhost port=8443 credential=secret/data/perfkit#token \
    upstream_ca=@"$S/pki/upstream-ca.pem"
av write proxy/settings upstream_allow_cidrs=127.0.0.0/8
if [ "${AUDIT:-0}" = 1 ]; then av audit enable file file_path="$W/audit.log"; fi   # durable (fsync'd) entries
printf 'path "proxy/localhost/*" {\n  capabilities = ["read"]\n}\n' > "$W/perfkit-proxy.hcl"
av policy write perfkit-proxy "$W/perfkit-proxy.hcl"
av write agent-registry/agents/perfkit type=autonomous policies=perfkit-proxy
TOKEN=$("$REPO/av" write -force -field=token agent-registry/agents/perfkit/token)
"$REPO/av" proxy ca > "$W/av-ca.pem"
[ -s "$W/av-ca.pem" ] || { echo "no av CA" >&2; exit 1; }

# --- warm av's JIT up (keep-alive and new connections) so its first cell is not a cold start: the JIT
#     keeps compiling for 20-30 s after start (measured: the first cell after 10 s of warm-up ran ~10 % slower)
LG=$S/bin/loadgen-av
if [ ! -x "$LG" ] || [ "$HERE/loadgen.go" -nt "$LG" ]; then go build -o "$LG" "$HERE/loadgen.go"; fi
"$LG" -url https://localhost:8443/small -ca "$W/av-ca.pem" -proxy "http://perfkit:$TOKEN@$AV_PROXY" -c 16 -d "${AV_WARM:-30}" -warmup 0 >/dev/null
"$LG" -url https://localhost:8443/64k -ca "$W/av-ca.pem" -proxy "http://perfkit:$TOKEN@$AV_PROXY" -c 4 -d 3 -warmup 0 -new >/dev/null

# --- measure, interleaved per repetition
P=$S/pki
bench() {   # label proxy ca [pids]
  PROXY_PIDS=${4:-} LABEL=$1 "$HERE/bench-proxy" "$2" "$3" >/dev/null & bpid=$!
  wait "$bpid" || echo "# $1: FAILED (see above), skipped" >&2; bpid=
}
for rep in $(seq "${REPS:-1}"); do
  for t in ${TARGETS:-direct squid-bump av}; do
    echo "# rep $rep: $t ($(date +%T), load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    case $t in
      direct)     bench direct direct "$P/upstream-ca.pem" ;;
      squid-bump) bench squid-bump http://127.0.0.1:3131 "$P/proxy-ca.pem" "$(pgrep -d, -u proxy)" ;;
      av)         bench "${AV_LABEL:-av}" "http://perfkit:$TOKEN@$AV_PROXY" "$W/av-ca.pem" "$JPID" ;;
      *) echo "unknown target $t" >&2; exit 2 ;;
    esac
  done
done
echo "# done $(date +%T), load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 "$BENCH/summarize.py" "$RESULTS"
