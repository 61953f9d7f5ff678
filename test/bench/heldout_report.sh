#!/usr/bin/env bash
# The report of issue #11: for every corpus held out of the built-in embedding's tuning and
# training, the corpus DER (`diarize score` TOTAL: collar 0 with overlap scored, and collar 0.25 s
# with overlap skipped), the ORACLE ceiling of the same segmentation beside it, and how often the
# speaker count is right. Corpora: speechocean762 conversations of the held-out speakers
# (make_mixes --set so-report: speakers whose number mod 3 = 0), AMI dev*, the pyannote sample,
# synthetic_librispeech and the LibriSpeech report mixes (make_mixes --set report).
#   test/bench/heldout_report.sh [extra diarize options, e.g. --embedding builtin]
# Environment: DIARIZE (the binary measured, default build/bin/diarize: point it at another build
#   to measure an older commit the same way), BIN (make_mixes, dump_segmentation, builtin_eval of
#   this tree; default build/bin), DIARIZE_SHARED (default ../shared), MIXES (default
#   /tmp/diarize-mixes: the mixes and the segmentation cache of the ORACLE are made there once),
#   NO_ORACLE=1 skips the ceiling. Needs: cmake --build build --target make_mixes dump_segmentation builtin_eval
set -euo pipefail
cd "$(dirname "$0")/../.."
diarize=${DIARIZE:-build/bin/diarize}
bin=${BIN:-build/bin}
shared=${DIARIZE_SHARED:-../shared}
data="$shared/data"
mixes=${MIXES:-/tmp/diarize-mixes}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -f "$mixes/so_report/manifest.txt" ] ||
  "$bin/make_mixes" "$data/speechocean762_train" "$mixes/so_report" --set so-report > /dev/null
[ -f "$mixes/libri_report/manifest.txt" ] ||
  "$bin/make_mixes" "$data/librispeech_test_other" "$mixes/libri_report" --set report > /dev/null

# Manifests "<uri> <wav> <rttm> [<uem>]", one per corpus.
cp "$mixes/so_report/manifest.txt" "$out/speechocean_heldout.txt"
cp "$mixes/libri_report/manifest.txt" "$out/librispeech_report.txt"
for u in dev00 dev01; do
  echo "$u $data/ami_excerpts/$u.wav $data/ami_excerpts/reference.rttm $data/ami_excerpts/reference.uem"
done > "$out/ami_dev.txt"
echo "sample 1 0.000 30.000" > "$out/sample.uem"  # the sample has no UEM: all of its 30 s
echo "sample $data/pyannote_sample/sample.wav $data/pyannote_sample/sample.rttm $out/sample.uem" > "$out/pyannote_sample.txt"
for f in "$data"/synthetic_librispeech/*.wav; do
  u=$(basename "${f%.wav}")
  echo "$u $f ${f%.wav}.rttm ${f%.wav}.uem"
done > "$out/synthetic_librispeech.txt"

echo "diarize $* ($diarize) — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo
echo "| corpus | files | DER % | miss | FA | conf | c0.25/so % | ORACLE % | count exact | count ±1 | wall s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for corpus in speechocean_heldout ami_dev pyannote_sample synthetic_librispeech librispeech_report; do
  manifest="$out/$corpus.txt"
  mkdir -p "$out/$corpus"
  : > "$out/$corpus.ref"; : > "$out/$corpus.uem"
  wavs=()
  while read -r uri wav rttm uem; do
    wavs+=("$wav")
    awk -v u="$uri" '$2 == u' "$rttm" >> "$out/$corpus.ref"
    [ -n "${uem:-}" ] && awk -v u="$uri" '$1 == u' "$uem" >> "$out/$corpus.uem"
  done < "$manifest"
  start=$(date +%s.%N)
  "$diarize" --quiet "$@" "${wavs[@]}" -o "$out/$corpus/"
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  find "$out/$corpus" -name '*.rttm' -exec cat {} + > "$out/$corpus.hyp"
  uem_option=()
  [ -s "$out/$corpus.uem" ] && uem_option=(--uem "$out/$corpus.uem")
  full=$("$diarize" score --ref "$out/$corpus.ref" --hyp "$out/$corpus.hyp" "${uem_option[@]}" | awk '$1 == "TOTAL"')
  lenient=$("$diarize" score --ref "$out/$corpus.ref" --hyp "$out/$corpus.hyp" "${uem_option[@]}" --collar 0.25 \
            --skip-overlap | awk '$1 == "TOTAL" {print $2}')
  oracle="-"
  if [ -z "${NO_ORACLE:-}" ]; then
    "$bin/dump_segmentation" "$shared/models/segmentation-3.0.int8.onnx" "$manifest" "$mixes/seg" > /dev/null
    oracle=$("$bin/builtin_eval" --oracle-labels --seg-cache "$mixes/seg" "$manifest" | awk '$1 == "CORPUS" {print $3}')
  fi
  # Speakers per file: reference against hypothesis (a file with no output counts 0).
  counts=$(awk 'FNR == NR {if (!seen[$2 " " $8]++) ref[$2]++; next}
                {if (!seen_h[$2 " " $8]++) hyp[$2]++}
                END {for (u in ref) {r = ref[u]; h = hyp[u] + 0;
                     n++; e += (h == r); w += (h - r <= 1 && r - h <= 1)} printf "%d/%d %d/%d", e, n, w, n}' \
           "$out/$corpus.ref" "$out/$corpus.hyp")
  read -r _ der miss fa conf _ <<< "$full"
  read -r exact within <<< "$counts"
  printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |\n" "$corpus" "${#wavs[@]}" "$der" "$miss" "$fa" \
    "$conf" "$lenient" "$oracle" "$exact" "$within" "$wall"
done
