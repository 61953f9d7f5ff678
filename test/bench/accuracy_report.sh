#!/usr/bin/env bash
# Accuracy report: diarizes every set in $DIARIZE_SHARED/data that has a reference and scores it
# with `diarize score`, in the full condition (collar 0, overlap scored) and with a 0.25 s collar
# with overlap skipped. Prints Markdown tables (pasted into docs/accuracy.md).
#   test/bench/accuracy_report.sh [extra diarize options, e.g. --embedding FILE]
# Environment: DIARIZE (binary, default build/bin/diarize), DIARIZE_SHARED (default ../shared),
#              MIXES (optional folder of extra mixes with *.wav + *.rttm, reported separately).
set -euo pipefail
cd "$(dirname "$0")/../.."
diarize=${DIARIZE:-build/bin/diarize}
shared=${DIARIZE_SHARED:-../shared}
data="$shared/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One hypothesis folder, one reference RTTM and one UEM covering every file.
mkdir -p "$out/hyp"
cat "$data/ami_excerpts/reference.rttm" "$data/pyannote_sample/sample.rttm" \
    "$data"/synthetic_librispeech/*.rttm > "$out/ref.rttm"
cat "$data/ami_excerpts/reference.uem" "$data"/synthetic_librispeech/*.uem > "$out/ref.uem"
# The pyannote sample has no UEM: score all of it (30 s).
echo "sample 1 0.000 30.000" >> "$out/ref.uem"

start=$(date +%s.%N)
"$diarize" --quiet "$@" "$data/ami_excerpts" "$data/pyannote_sample/sample.wav" \
    "$data"/synthetic_librispeech/*.wav -o "$out/hyp/"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
find "$out/hyp" -name '*.rttm' -exec cat {} + > "$out/hyp.rttm"

echo "diarize $* — $(date -u +%Y-%m-%d), $(nproc) cores, wall ${elapsed%.*} s for all files"
echo
echo "Full condition (collar 0, overlap scored):"
echo
"$diarize" score --ref "$out/ref.rttm" --hyp "$out/hyp.rttm" --uem "$out/ref.uem" --per-file
echo
echo "Collar 0.25 s (md-eval convention, ±0.25 s), overlap skipped:"
echo
"$diarize" score --ref "$out/ref.rttm" --hyp "$out/hyp.rttm" --uem "$out/ref.uem" --collar 0.25 --skip-overlap

if [ -n "${MIXES:-}" ]; then
  mkdir -p "$out/mixhyp"
  "$diarize" --quiet "$@" "$MIXES"/*.wav -o "$out/mixhyp/"
  cat "$MIXES"/*.rttm > "$out/mixref.rttm"
  find "$out/mixhyp" -name '*.rttm' -exec cat {} + > "$out/mixhyp.rttm"
  echo
  echo "5-7-speaker mixes ($MIXES), full condition:"
  echo
  "$diarize" score --ref "$out/mixref.rttm" --hyp "$out/mixhyp.rttm" --per-file
fi
