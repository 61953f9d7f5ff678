#!/usr/bin/env bash
# diarize against sherpa-onnx on the same file, one after the other in one run, with the ratios.
#   test/bench/bench_peers.sh [AUDIO.wav]   (default: the 1-hour file of make_long_recording.sh)
# Needs node and the peer installed outside the repository:
#   npm install --prefix "${PEER_DIR:-/tmp/peer}" sherpa-onnx-node
# Environment: DIARIZE, DIARIZE_SHARED, PEER_DIR (default /tmp/peer), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
diarize=${DIARIZE:-build/bin/diarize}
shared=${DIARIZE_SHARED:-../shared}
peer_dir=${PEER_DIR:-/tmp/peer}
threads=${THREADS:-2}
audio=${1:-${TMPDIR:-/tmp}/diarize-bench-hour.wav}
[ -f "$audio" ] || DIARIZE_SHARED=$shared test/bench/make_long_recording.sh "$audio" 3600
segmentation="$shared/models/segmentation-3.0.int8.onnx"
resnet_onnx="$shared/reference/wespeaker_resnet34_random.onnx"
resnet_st="$shared/reference/wespeaker_resnet34_random.safetensors"
duration=$(soxi -D "$audio")

time_cmd() {  # prints wall seconds of the command
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

sherpa=$(NODE_PATH="$peer_dir/node_modules" node test/bench/peers/sherpa_diarize.js "$segmentation" "$resnet_onnx" "$audio" "$threads" |
         sed -n 's/.*"total_s":\([0-9.]*\).*/\1/p')
exact=$(time_cmd "$diarize" --quiet --threads "$threads" --segmentation "$segmentation" --embedding "$resnet_st" "$audio")
builtin=$(time_cmd "$diarize" --quiet --threads "$threads" --segmentation "$segmentation" --embedding builtin "$audio")

echo "| system | wall (s) | RTF | speed-up vs sherpa-onnx |"
echo "|---|---:|---:|---:|"
for row in "sherpa-onnx (ResNet34 ONNX)|$sherpa" "diarize exact 3.1 (ResNet34)|$exact" "diarize default (built-in embedding)|$builtin"; do
  name=${row%%|*}; wall=${row##*|}
  printf '| %s | %.1f | %.3f | %.2fx |\n' "$name" "$wall" "$(echo "$wall / $duration" | bc -l)" "$(echo "$sherpa / $wall" | bc -l)"
done
