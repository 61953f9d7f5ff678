#!/usr/bin/env bash
# Builds a long test recording from the LibriSpeech clips in $DIARIZE_SHARED/data (never stored in
# the repository): the 100 clips in a fixed shuffled order, 0.3-1.2 s apart, repeated until the
# requested duration, 16 kHz mono int16 WAV, plus its reference RTTM.
#   test/bench/make_long_recording.sh OUT.wav [SECONDS=3600]      (needs sox)
set -euo pipefail
out=${1:?usage: make_long_recording.sh OUT.wav [SECONDS]}
seconds=${2:-3600}
shared=${DIARIZE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
clips=$(find "$shared/data/librispeech_test_other" -name '*.flac' | sort)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
uri=$(basename "${out%.*}")
rttm="${out%.*}.rttm"
: > "$rttm"
t=0
n=0
round=0
list=()
while (( $(echo "$t < $seconds" | bc) )); do
  # A fixed pseudo-random order per round (sort by a keyed hash of the path).
  for clip in $(for c in $clips; do echo "$(echo "$round$c" | md5sum | cut -c1-8) $c"; done | sort | cut -d' ' -f2); do
    (( $(echo "$t >= $seconds" | bc) )) && break
    gap=$(echo "scale=3; 0.3 + ($(echo "$n$clip" | cksum | cut -d' ' -f1) % 900) / 1000" | bc)
    sox -n -r 16000 -c 1 -b 16 "$work/g$n.wav" trim 0 "$gap"
    dur=$(soxi -D "$clip")
    speaker=$(basename "$(dirname "$clip")")
    t=$(echo "$t + $gap" | bc)
    printf 'SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>\n' "$uri" "$t" "$dur" "$speaker" >> "$rttm"
    t=$(echo "$t + $dur" | bc)
    list+=("$work/g$n.wav" "$clip")
    n=$((n + 1))
  done
  round=$((round + 1))
done
sox "${list[@]}" -r 16000 -c 1 -b 16 "$out"
echo "wrote $out ($(soxi -D "$out") s, $n clips) and $rttm" >&2
