#!/bin/bash
# benchmarks/proxy/profile.sh: where av's proxy spends its CPU. Runs benchmarks/proxy/run.sh for av
# alone (keep-alive, small body, 16 connections unless overridden) with async-profiler (CPU samples
# of Java, native and kernel frames; from Maven Central, tools.profiler:async-profiler, fetched
# once) attached to the server, then prints each area's share of the event loops' CPU
# (profile-areas.py). The profile covers the server's life, warm-up included.
# Env: everything run.sh reads (AV_SERVER_ARGS, AUDIT, DURATION, ...); AP_DIR (/tmp/async-profiler),
#      AP_INTERVAL (1ms).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
AP=${AP_DIR:-/tmp/async-profiler}; V=4.2
if [ ! -f "$AP/linux-x64/libasyncProfiler.so" ]; then
  mkdir -p "$AP"
  (cd "$REPO" && ./mvnw -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:$V:jar:linux-x64 -DoutputDirectory="$AP")
  unzip -q -o "$AP/async-profiler-$V-linux-x64.jar" -d "$AP"
fi
OUT=$(mktemp -d /tmp/av-proxy-profile.XXXXXX)
AV_SERVER_JAVA_OPTS="-agentpath:$AP/linux-x64/libasyncProfiler.so=start,event=cpu,interval=${AP_INTERVAL:-1ms},threads,file=$OUT/profile.collapsed,collapsed" \
  TARGETS=av REPS=1 BODIES=${BODIES:-small} MODES=${MODES:-ka} CONCS=${CONCS:-16} RETRIES=${RETRIES:-0} \
  RESULTS=$OUT/results.tsv "$HERE/run.sh" | tail -n 3
echo "# profile: $OUT/profile.collapsed"
python3 "$HERE/profile-areas.py" "$OUT/profile.collapsed"
