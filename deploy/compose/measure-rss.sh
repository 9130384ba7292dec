#!/usr/bin/env bash
# Runs the compose topology as local processes on 127.0.0.1 (like ComposeTopologyProcessesTest,
# same config files) and prints a Markdown table of each process's peak resident memory (VmHWM)
# and CPU seconds once the federation has finished. Used for the sizing table in
# docs/operations-guide.md.   Usage: deploy/compose/measure-rss.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cohort="$root/deploy/bin/cohort"
config="$root/deploy/compose/config"
heart="$root/edge-client/src/main/resources/datasets/heart"
work="$(mktemp -d "${TMPDIR:-/tmp}/cohort-rss.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
"$cohort" --help >/dev/null   # builds the launcher if needed
cp="$root/deploy/target/cohort-deploy-0.1.0-SNAPSHOT.jar:$root/deploy/target/lib/*"
await_line() { until grep -qE "$2" "$1" 2>/dev/null; do sleep 0.2; done; grep -oE "$2" "$1" | head -1; }
peak() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
cpu() { awk '{printf "%.1f", ($14+$15)/100}' "/proc/$1/stat"; }

java -Xmx512m -Djava.io.tmpdir="$work" -cp "$cp" io.cohort.billing.kafka.EmbeddedKafka "$work/kafka" >"$work/kafka.log" 2>&1 &
pids+=($!); kafka_pid=$!
bootstrap="$(await_line "$work/kafka.log" 'bootstrap=[^ ]+' | cut -d= -f2)"
"$cohort" billing --config "$config/billing.yaml" --kafka "$bootstrap" --state-dir "$work/billing" --http 127.0.0.1:0 >"$work/billing.log" 2>&1 &
pids+=($!); billing_pid=$!
"$cohort" coordinator --config "$config/coordinator.yaml" --host 127.0.0.1 --port 0 --http-port 0 \
  --data-dir "$work/coordinator" --kafka "$bootstrap" --spec "$config/federation.yaml" >"$work/coordinator.log" 2>&1 &
pids+=($!); coordinator_pid=$!
grpc="$(await_line "$work/coordinator.log" 'listening on [^ ]+' | cut -d' ' -f3)"
sh "$root/deploy/docker/split-heart-sites.sh" "$heart/heart_disease_uci_4sites.csv" "$work/sites"
declare -A client_pid
for node in cleveland:cleveland hungary:hungarian switzerland:switzerland; do
  id="${node%%:*}"; site="${node##*:}"
  COHORT_NODE="$id" "$cohort" client --config "$config/edge-client.yaml" --coordinator "$grpc" \
    --node-dir "$work/nodes/$id" --data "$work/sites/$site.csv" --schema "$heart/schema.yaml" >"$work/$id.log" 2>&1 &
  pids+=($!); client_pid[$id]=$!
done
# A client exits when the federation ends; sample the others just before that.
while kill -0 "${client_pid[cleveland]}" 2>/dev/null; do
  for p in "$kafka_pid" "$billing_pid" "$coordinator_pid" "${client_pid[@]}"; do
    [ -r "/proc/$p/status" ] && { peak "$p" >"$work/peak.$p"; cpu "$p" >"$work/cpu.$p"; } || true
  done
  sleep 1
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "federation: deploy/compose/config/federation.yaml (heart, logistic, 3 nodes, 5 rounds)"
echo
echo "| process | peak RSS (MiB) | CPU (s) |"
echo "|---|--:|--:|"
for row in "kafka broker:$kafka_pid" "billing:$billing_pid" "coordinator:$coordinator_pid" \
    "edge client cleveland:${client_pid[cleveland]}" "edge client hungary:${client_pid[hungary]}"; do
  p="${row##*:}"; echo "| ${row%%:*} | $(cat "$work/peak.$p" 2>/dev/null || echo ?) | $(cat "$work/cpu.$p" 2>/dev/null || echo ?) |"
done
