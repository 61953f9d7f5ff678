#!/usr/bin/env bash
# Many short files: one long-lived diarize process against one process per file (docs/scale-out.md).
# Cuts COUNT LibriSpeech clips of $DIARIZE_SHARED/data to 3-10 s each (in a temporary folder, never
# in the repository), then times, over the same files and with the same models:
#   one      one `diarize -o DIR/` process over the folder (--threads 0: all cores)
#   xargs    `xargs -P JOBS -n1 diarize --threads 1` (one process per file, JOBS at a time)
#   shards   JOBS long-lived `diarize --threads 1 --shard K/JOBS` processes side by side
# and checks that all three wrote the same RTTM files.
#   test/bench/bench_many_files.sh BIN_DIR [COUNT=50] [JOBS=2] [EMBEDDING=builtin]    (needs sox)
set -euo pipefail
bin_dir=${1:?usage: bench_many_files.sh BIN_DIR [COUNT] [JOBS] [EMBEDDING]}
count=${2:-50}
jobs=${3:-2}
embedding=${4:-builtin}
diarize="$(cd "$bin_dir" && pwd)/diarize"
shared=${DIARIZE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/clips"
i=0
for clip in $(find "$shared/data/librispeech_test_other" -name '*.flac' | sort | head -n "$count"); do
  sox -V1 "$clip" "$work/clips/$(printf 'clip%03d' "$i").wav" trim 0 $((3 + i % 8))
  i=$((i + 1))
done
[ "$i" = "$count" ] || { echo "bench_many_files: only $i clips found" >&2; exit 1; }
audio_s=$(soxi -DT "$work"/clips/*.wav)
run=("$diarize" -q --embedding "$embedding" --segmentation "$shared/models/segmentation-3.0.int8.onnx")

seconds_since() { echo "$(date +%s.%N) - $1" | bc; }

start=$(date +%s.%N)
"${run[@]}" -o "$work/one/" "$work/clips"
one_s=$(seconds_since "$start")

mkdir -p "$work/xargs"
start=$(date +%s.%N)
find "$work/clips" -name '*.wav' -print0 | sort -z |
  xargs -0 -P "$jobs" -n1 "${run[@]}" --threads 1 -o "$work/xargs/"
xargs_s=$(seconds_since "$start")

start=$(date +%s.%N)
pids=()
for k in $(seq "$jobs"); do
  "${run[@]}" --threads 1 --shard "$k/$jobs" -o "$work/shards/" "$work/clips" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
shards_s=$(seconds_since "$start")

diff -r "$work/one" "$work/xargs" >/dev/null && diff -r "$work/one" "$work/shards" >/dev/null ||
  { echo "bench_many_files: the three runs wrote different outputs" >&2; exit 1; }
printf 'files %d, audio %.1f s, embedding %s, %d jobs, %s, %d cores\n' "$count" "$audio_s" "$embedding" "$jobs" \
  "$(date -u +%Y-%m-%d)" "$(nproc)"
printf '%-8s %8s %10s\n' run wall_s per_file_s
for name in one xargs shards; do
  value=${name}_s
  printf '%-8s %8.2f %10.3f\n' "$name" "${!value}" "$(echo "${!value} / $count" | bc -l)"
done
