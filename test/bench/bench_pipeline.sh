#!/usr/bin/env bash
# Times each pipeline stage and the peak memory of parent + child on a long recording, once with
# the built-in embedding and once with the random-weight ResNet34 (same cost as the real one).
# Prints a Markdown table (docs/benchmarks.md).
#   test/bench/bench_pipeline.sh [AUDIO.wav]   (default: builds a 1-hour file with make_long_recording.sh)
# Environment: DIARIZE (binary, default build/bin/diarize), DIARIZE_SHARED (default ../shared),
#              BENCH_CONFIGS (default "builtin resnet34").
set -euo pipefail
cd "$(dirname "$0")/../.."
diarize=${DIARIZE:-build/bin/diarize}
shared=${DIARIZE_SHARED:-../shared}
audio=${1:-}
if [ -z "$audio" ]; then
  audio=${TMPDIR:-/tmp}/diarize-bench-hour.wav
  [ -f "$audio" ] || DIARIZE_SHARED=$shared test/bench/make_long_recording.sh "$audio" 3600
fi
duration=$(soxi -D "$audio")
segmentation="$shared/models/segmentation-3.0.int8.onnx"

# Peak of the summed RSS of a process and all its descendants, sampled every 0.1 s.
peak_rss_mb() {
  local pid=$1 peak=0
  while kill -0 "$pid" 2>/dev/null; do
    local total=0
    for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
      local kb
      kb=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
      total=$((total + ${kb:-0}))
    done
    (( total > peak )) && peak=$total
    sleep 0.1
  done
  echo $((peak / 1024))
}

echo "| embedding | audio (s) | wall (s) | RTF | stages (s) | peak RSS parent+child (MB) |"
echo "|---|---:|---:|---:|---|---:|"
for config in ${BENCH_CONFIGS:-builtin resnet34}; do
  case $config in
    builtin) embedding=builtin ;;
    resnet34) embedding="$shared/reference/wespeaker_resnet34_random.safetensors" ;;
  esac
  log=$(mktemp)
  start=$(date +%s.%N)
  "$diarize" --verbose --quiet --pipeline 3.1 --segmentation "$segmentation" --embedding "$embedding" "$audio" > /dev/null 2> "$log" &
  pid=$!
  peak=$(peak_rss_mb $pid)
  wait $pid
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  stages=$(grep -o ': cpu, .*' "$log" | sed 's/^: cpu, //')
  printf '| %s | %.0f | %.1f | %.3f | %s | %s |\n' "$config" "$duration" "$wall" "$(echo "$wall / $duration" | bc -l)" \
    "$stages" "$peak"
  rm -f "$log"
done
