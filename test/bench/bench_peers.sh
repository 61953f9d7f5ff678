#!/usr/bin/env bash
# Issue #6's peer benchmark in one command: diarize against sherpa-onnx (whole pipeline) and against
# ONNX Runtime alone on each network (per chunk), one after the other in one run, on the same file.
# Prints a Markdown table (docs/benchmarks.md, "Peers"): system/stage, seconds, real-time factor, speed-up
# over sherpa-onnx (whole pipeline), ONNX Runtime s / diarize s (per network), peak RSS.
#
#   test/bench/bench_peers.sh [AUDIO.wav]   (default: the 1-hour file of make_long_recording.sh, made if missing)
#
# Rows, in order (ONLY=comma list of these names runs a subset):
#   sherpa    sherpa-onnx whole pipeline (int8 segmentation + ResNet34 ONNX, its own ONNX Runtime)
#   default   diarize, built-in embedding
#   exact     diarize, exact 3.1 with the ResNet34 (safetensors of the same random weights)
#   fast      diarize --mode fast with the same ResNet34 (only if `diarize --help` lists --mode)
#   ort       ONNX Runtime alone: segmentation per chunk at batch 1, 4 and 32, ResNet34 per crop at 1 and 2
#   networks  diarize alone on the same networks and batches (bench_models, bench_embedding)
# Peak RSS: the largest sum of VmRSS over the process and all its descendants (diarize: parent + child;
# node: the node process), sampled every 0.1 s.
#
# Needs sox (to make the hour file), node and the peers installed outside the repository:
#   npm install --prefix "${PEER_DIR:-/tmp/peer}" sherpa-onnx-node
#   npm install --ignore-scripts --prefix "${PEER_DIR:-/tmp/peer}" onnxruntime-node
# Environment: THREADS (default 2; bench_models always uses 2), RUNS (timed runs per network point,
# default 7), PEER_DIR (default /tmp/peer), DIARIZE (binary; default build/bin/diarize, built if needed),
# BENCH_BIN (folder with bench_models and bench_embedding; default build/bin, built if needed),
# DIARIZE_SHARED (default ../shared), ONLY (see above).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${DIARIZE_SHARED:-../shared}
peer_dir=${PEER_DIR:-/tmp/peer}
threads=${THREADS:-2}
runs=${RUNS:-7}
only=${ONLY:-sherpa,default,exact,fast,ort,networks}
bench_bin=${BENCH_BIN:-build/bin}
audio=${1:-${TMPDIR:-/tmp}/diarize-bench-hour.wav}
segmentation="$shared/models/segmentation-3.0.int8.onnx"
resnet_onnx="$shared/reference/wespeaker_resnet34_random.onnx"
resnet_st="$shared/reference/wespeaker_resnet34_random.safetensors"

wanted() { [[ ",$only," == *",$1,"* ]]; }
die() { echo "bench_peers.sh: $*" >&2; exit 1; }

for file in "$segmentation" "$resnet_onnx" "$resnet_st"; do
  [ -f "$file" ] || die "missing $file (set DIARIZE_SHARED)"
done

# Build what is missing (a no-op when up to date); the bench targets are EXCLUDE_FROM_ALL.
targets=()
[ -z "${DIARIZE:-}" ] && targets+=(diarize diarize_engine)
[ -z "${BENCH_BIN:-}" ] && wanted networks && targets+=(bench_models bench_embedding)
if [ "${#targets[@]}" -gt 0 ]; then
  [ -f build/build.ninja ] || [ -f build/Makefile ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build build --target "${targets[@]}" > /dev/null
fi
diarize=${DIARIZE:-build/bin/diarize}

[ -f "$audio" ] || DIARIZE_SHARED=$shared test/bench/make_long_recording.sh "$audio" 3600
duration=$(soxi -D "$audio")
# Other load skews everything, LibTorch's spinning OpenMP threads most: the table's header says how busy
# the machine was and which OpenMP settings the diarize processes inherited.
read -r load_before _ < /proc/loadavg
omp_settings=$(env | grep -E '^(OMP_|GOMP_|OPENBLAS_)' | sort | tr '\n' ' ' || true)

# --- whole pipeline: wall seconds and peak RSS of the process tree --------------------------------

# The process and all its descendants, appended to the array `pids`; reads /proc only, because a fork per
# sample would load the machine being measured.
tree_pids() {
  local task kid kids
  pids+=("$1")
  for task in /proc/"$1"/task/*/children; do
    kids=()
    read -r -a kids 2> /dev/null < "$task" || true  # false at the end of the file: it has no newline
    for kid in "${kids[@]}"; do tree_pids "$kid"; done
  done
}

# run_measured NAME COMMAND...: runs the command (its stdout kept in $last_stdout), sets wall_s[NAME] and
# rss_mb[NAME]; a failing command stops the benchmark with its stderr.
declare -A wall_s rss_mb
last_stdout=$(mktemp)
trap 'rm -f "$last_stdout" "$last_stdout.err"' EXIT
run_measured() {
  local name=$1; shift
  local start peak=0 total pid status p key value rest
  start=$EPOCHREALTIME
  "$@" > "$last_stdout" 2> "$last_stdout.err" &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    total=0 pids=()
    tree_pids "$pid"
    for p in "${pids[@]}"; do
      while read -r key value rest; do
        [ "$key" = VmRSS: ] && total=$((total + value)) && break
      done 2> /dev/null < "/proc/$p/status" || true
    done
    ((total > peak)) && peak=$total
    sleep 0.1
  done
  status=0
  wait "$pid" || status=$?
  wall_s[$name]=$(echo "$EPOCHREALTIME - $start" | bc)
  rss_mb[$name]=$((peak / 1024))
  if [ "$status" != 0 ]; then
    cat "$last_stdout.err" >&2
    die "$name failed (exit $status): $*"
  fi
}

if wanted sherpa; then
  [ -d "$peer_dir/node_modules/sherpa-onnx-node" ] || die "sherpa-onnx-node is not installed in $peer_dir (see the header)"
  run_measured sherpa env NODE_PATH="$peer_dir/node_modules" node test/bench/peers/sherpa_diarize.js \
    "$segmentation" "$resnet_onnx" "$audio" "$threads"
  sherpa_result=$(cat "$last_stdout")
fi
diarize_cmd=("$diarize" --quiet --threads "$threads" --segmentation "$segmentation")
wanted default && run_measured default "${diarize_cmd[@]}" --embedding builtin "$audio"
wanted exact && run_measured exact "${diarize_cmd[@]}" --pipeline 3.1 --embedding "$resnet_st" "$audio"
has_fast_mode=0
[[ $("$diarize" --help) =~ --mode[\ ,=] ]] && has_fast_mode=1
if wanted fast && [ "$has_fast_mode" = 1 ]; then
  run_measured fast "${diarize_cmd[@]}" --pipeline 3.1 --mode fast --embedding "$resnet_st" "$audio"
fi

# --- per network: seconds per chunk (crop), median of RUNS after warm-up --------------------------

declare -A ort_s diarize_s  # key "network/batch"
if wanted ort; then
  [ -d "$peer_dir/node_modules/onnxruntime-node" ] || die "onnxruntime-node is not installed in $peer_dir (see the header)"
  while read -r network batch seconds; do
    ort_s[$network/$batch]=$seconds
  done < <(NODE_PATH="$peer_dir/node_modules" node test/bench/peers/ort_networks.js \
             "$segmentation" "$resnet_onnx" "$audio" "$threads" "$runs" |
           sed -n 's/.*"network":"\([a-z]*\)","batch":\([0-9]*\),.*"s_per_chunk":\([0-9.e-]*\),.*/\1 \2 \3/p')
fi
if wanted networks; then
  # bench_models: PyanNet from the same int8 ONNX, batch 1/2/4/8/32, 2 threads ("batch 32: ... 0.0123 s
  # per chunk"); float32 as exact mode runs it, then with the bf16 LSTM products of fast mode.
  precisions=(float32); grep -qw avx512_bf16 /proc/cpuinfo && precisions+=(bf16)
  for precision in "${precisions[@]}"; do
    flag=(); [ "$precision" = bf16 ] && flag=(--bf16-lstm)
    while read -r batch seconds; do
      diarize_s[segmentation_$precision/$batch]=$seconds
    done < <("$bench_bin/bench_models" "$segmentation" "$runs" "${flag[@]}" |
             sed -n 's/^batch *\([0-9]*\): [0-9.]* s per batch, \([0-9.]*\) s per chunk.*/\1 \2/p')
    while read -r batch seconds; do
      diarize_s[embedding_$precision/$batch]=$seconds
    done < <("$bench_bin/bench_embedding" --threads "$threads" --repeats "$runs" --network-batches 1,2 \
               --network-precision "$precision" |
             sed -n 's/.*"batch":\([0-9]*\),.*"s_per_chunk":\([0-9.e-]*\),.*/\1 \2/p')
  done
fi

# --- table ---------------------------------------------------------------------------------------

ratio() { [ -n "$1" ] && [ -n "$2" ] && printf '%.2f' "$(echo "$1 / $2" | bc -l)" || echo '—'; }
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $cpu; $(nproc) cores; THREADS=$threads (bench_models: 2);" \
     "$(basename "$audio") $(printf '%.0f' "$duration") s; per-network times: median of $runs runs after warm-up;" \
     "load average before ${load_before}, after $(cut -d' ' -f1 /proc/loadavg); OpenMP environment: ${omp_settings:-none}"
echo
echo "| system / stage | seconds | RTF | sherpa-onnx s / this s | ONNX Runtime s / diarize s | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|"
pipeline_row() {  # NAME LABEL
  [ -n "${wall_s[$1]:-}" ] || return 0
  local wall=${wall_s[$1]}
  printf '| %s | %.1f | %.3f | %s | — | %s |\n' "$2" "$wall" "$(echo "$wall / $duration" | bc -l)" \
    "$(ratio "${wall_s[sherpa]:-}" "$wall")" "${rss_mb[$1]}"
}
pipeline_row sherpa "sherpa-onnx, whole pipeline (ResNet34 ONNX)"
pipeline_row default "diarize default (built-in embedding)"
pipeline_row exact "diarize exact 3.1 (ResNet34)"
pipeline_row fast "diarize --mode fast (ResNet34)"
if wanted fast && [ "$has_fast_mode" = 0 ]; then
  echo "| diarize --mode fast | not available: \`diarize --help\` lists no --mode | | | | |"
fi
# Per-network RTF: seconds per chunk / the 1 s chunk step, i.e. the network's real-time factor if it runs
# once per chunk (what the segmentation does; the ResNet34 runs once per chunk in diarize and once per
# chunk and active speaker in sherpa-onnx and upstream).
network_row() {  # NETWORK BATCH LABEL: ONNX Runtime, then diarize exact (float32) and fast (bf16)
  local ort=${ort_s[$1/$2]:-} exact=${diarize_s[${1}_float32/$2]:-} fast=${diarize_s[${1}_bf16/$2]:-}
  [ -n "$ort" ] && printf '| %s, ONNX Runtime | %.4f | %.4f | — | 1.00 | — |\n' "$3" "$ort" "$ort"
  [ -n "$exact" ] && printf '| %s, diarize exact (float32) | %.4f | %.4f | — | %s | — |\n' "$3" "$exact" "$exact" "$(ratio "$ort" "$exact")"
  [ -n "$fast" ] && printf '| %s, diarize --mode fast (bf16) | %.4f | %.4f | — | %s | — |\n' "$3" "$fast" "$fast" "$(ratio "$ort" "$fast")"
  return 0
}
network_row segmentation 1 "segmentation per chunk, batch 1"
network_row segmentation 2 "segmentation per chunk, batch 2"
network_row segmentation 4 "segmentation per chunk, batch 4 (diarize's CPU batch)"
network_row segmentation 32 "segmentation per chunk, batch 32"
network_row embedding 1 "ResNet34 per crop, batch 1"
network_row embedding 2 "ResNet34 per crop, batch 2 (diarize's CPU batch)"
[ -n "${sherpa_result:-}" ] && echo && echo "sherpa-onnx: $sherpa_result"
exit 0
