#!/usr/bin/env bash
# Issue #11 item 1: with --num-speakers set to the true count, the built-in path must re-cluster,
# not cut: corpus DER no worse than the default run's + 1 point on synth_4spk_overlap, AMI dev00
# and trn03-trn09. Prints per-file DER and speakers found for both runs, then the corpus TOTALs
# (`diarize score`, collar 0, overlap scored, the files' UEMs).
#   test/bench/forced_count_report.sh [extra diarize options]
# Environment: DIARIZE (default build/bin/diarize), DIARIZE_SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
diarize=${DIARIZE:-build/bin/diarize}
data="${DIARIZE_SHARED:-../shared}/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# "<uri> <wav> <rttm> <uem>"
{
  echo "synth_4spk_overlap $data/synthetic_librispeech/synth_4spk_overlap.wav" \
       "$data/synthetic_librispeech/synth_4spk_overlap.rttm $data/synthetic_librispeech/synth_4spk_overlap.uem"
  for u in dev00 trn03 trn04 trn05 trn06 trn07 trn08 trn09; do
    echo "$u $data/ami_excerpts/$u.wav $data/ami_excerpts/reference.rttm $data/ami_excerpts/reference.uem"
  done
} > "$out/manifest.txt"

: > "$out/ref"; : > "$out/uem"; : > "$out/default"; : > "$out/forced"
echo "diarize $* ($diarize) — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "| file | true | found (default) | found (--num-speakers true) | DER default % | DER forced % |"
echo "|---|---:|---:|---:|---:|---:|"
while read -r uri wav rttm uem; do
  awk -v u="$uri" '$2 == u' "$rttm" > "$out/$uri.ref"
  awk -v u="$uri" '$1 == u' "$uem" > "$out/$uri.uem"
  cat "$out/$uri.ref" >> "$out/ref"; cat "$out/$uri.uem" >> "$out/uem"
  n=$(awk '{print $8}' "$out/$uri.ref" | sort -u | wc -l)
  "$diarize" --quiet "$@" "$wav" > "$out/$uri.default"
  "$diarize" --quiet "$@" --num-speakers "$n" "$wav" > "$out/$uri.forced"
  cat "$out/$uri.default" >> "$out/default"; cat "$out/$uri.forced" >> "$out/forced"
  der() { "$diarize" score --ref "$out/$uri.ref" --hyp "$1" --uem "$out/$uri.uem" | awk '$1 == "TOTAL" {print $2}'; }
  found() { awk '{print $8}' "$1" | sort -u | wc -l; }
  echo "| $uri | $n | $(found "$out/$uri.default") | $(found "$out/$uri.forced") | $(der "$out/$uri.default") |" \
       "$(der "$out/$uri.forced") |"
done < "$out/manifest.txt"
total() { "$diarize" score --ref "$out/ref" --hyp "$1" --uem "$out/uem" | awk '$1 == "TOTAL" {print $2, $3, $4, $5}'; }
echo
echo "corpus (DER miss FA conf %): default $(total "$out/default"); forced $(total "$out/forced")"
