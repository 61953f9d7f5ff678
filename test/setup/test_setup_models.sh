#!/usr/bin/env bash
# setup.sh's model step against file:// fixtures (no network): a good PLDA, a corrupted embedding
# (refused and removed), an unreachable URL (one line, exit 0, the built-in embedding is used), and
# --offline. Then the one-line hint diarize gives a person at a terminal when no embedding model
# was found (script(1) provides the terminal).
# Usage: test_setup_models.sh SOURCE_DIR BINARY_DIR   (DIARIZE_SHARED: the shared folder)
set -uo pipefail
src=$1 bin=$2
shared=${DIARIZE_SHARED:-$src/../shared}
plda="$shared/models/plda"
segmentation="$shared/models/segmentation-3.0.int8.onnx"
for f in "$plda/xvec_transform.npz" "$plda/plda.npz" "$segmentation"; do
  [ -f "$f" ] || { echo "FAIL: missing shared file $f (set DIARIZE_SHARED)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

# A models source with only the segmentation model, so setup has something to download.
mkdir -p "$tmp/source"
ln -s "$segmentation" "$tmp/source/"
printf 'not an onnx model\n' > "$tmp/corrupted.onnx"
run_setup() {  # run_setup XDG_DIR [setup options]; stdout+stderr in $tmp/out, exit code in $rc
  local xdg=$1; shift
  env -u DIARIZE_SEGMENTATION_URL XDG_DATA_HOME="$xdg" DIARIZE_MODELS="$tmp/source" \
    DIARIZE_EMBEDDING_URL="${embedding_url}" DIARIZE_PLDA_XVEC_URL="file://$plda/xvec_transform.npz" \
    DIARIZE_PLDA_URL="${plda_url:-file://$plda/plda.npz}" \
    "$src/setup.sh" --models-only "$@" > "$tmp/out" 2>&1
  rc=$?
  cat "$tmp/out" | sed 's/^/    /'
}

echo "== good PLDA, corrupted embedding"
embedding_url="file://$tmp/corrupted.onnx"
run_setup "$tmp/xdg1"
home1="$tmp/xdg1/diarize/models"
check "setup exits 0" test "$rc" = 0
check "the PLDA files are installed with their pinned hashes" \
  test "$(cd "$home1/plda" && sha256sum xvec_transform.npz plda.npz | cut -d' ' -f1 | tr '\n' ' ')" = \
       "325f1ce8e48f7e55e9c8aa47e05d2766b7c48c4b25b8de8dd751e7a4cc5fbe8f 9b77bcd840692710dd3496f62ecfeed8d8e5f002fd991b785079b244eab7d255 "
check "the corrupted embedding is refused in one line" \
  test "$(grep -c 'the ResNet34 embedding has SHA-256 .*, expected e9848563.*; not kept' "$tmp/out")" = 1
check "the corrupted embedding is not kept" test ! -e "$home1/wespeaker_en_voxceleb_resnet34_LM.onnx"
check "no partial download is left" test -z "$(find "$tmp/xdg1" -name '*.part')"
check "the segmentation model is linked" test -L "$home1/segmentation-3.0.int8.onnx"

echo "== unreachable URL"
embedding_url="http://127.0.0.1:9/wespeaker.onnx"  # the discard port: connection refused
run_setup "$tmp/xdg2"
home2="$tmp/xdg2/diarize/models"
check "setup exits 0" test "$rc" = 0
check "one line says the download failed" test "$(grep -c 'could not download the ResNet34 embedding' "$tmp/out")" = 1
check "curl adds nothing of its own" sh -c "! grep -q '^ *curl' '$tmp/out'"
check "the other downloads are skipped after a connection failure" grep -q 'no connection, so also skipped: the PLDA (xvec_transform.npz), the PLDA (plda.npz)$' "$tmp/out"
check "nothing half-written is left" test -z "$(find "$tmp/xdg2" -name '*.part' -o -name '*.npz')"
check "diarize then uses the built-in embedding" \
  sh -c "env -u DIARIZE_MODELS XDG_DATA_HOME='$tmp/xdg2' DIARIZE_ENGINE_MODULE='$bin/libdiarize_test_engine.so' \
         '$bin/diarize' -v '$src/samples/conversation.flac' 2>&1 >/dev/null | grep -q 'embedding: built-in (no embedding model found)'"

echo "== --offline"
embedding_url="http://127.0.0.1:9/wespeaker.onnx"
run_setup "$tmp/xdg3" --offline
check "setup exits 0 and says it did not download" sh -c "test $rc = 0 && grep -q -- '--offline: no downloads' '$tmp/out'"
check "no download was tried" sh -c "! grep -q 'could not download' '$tmp/out'"

echo "== the terminal hint"
engine="$bin/libdiarize_test_engine.so"
[ -f "$engine" ] || { echo "FAIL: missing $engine"; exit 1; }
diarize_cmd="env -u DIARIZE_MODELS XDG_DATA_HOME='$tmp/xdg2' DIARIZE_ENGINE_MODULE='$engine' '$bin/diarize' --segmentation '$segmentation'"
audio="'$src/samples/conversation.flac'"
hint='no speaker-embedding model found, so the built-in embedding runs'
script -qc "$diarize_cmd $audio $audio >/dev/null" /dev/null > "$tmp/tty" 2>&1
check "a terminal gets the hint once for a batch of two" test "$(grep -c "$hint" "$tmp/tty")" = 1
script -qc "$diarize_cmd -q $audio >/dev/null" /dev/null > "$tmp/tty" 2>&1
check "not with -q" sh -c "! grep -q '$hint' '$tmp/tty'"
script -qc "$diarize_cmd --embedding builtin $audio >/dev/null" /dev/null > "$tmp/tty" 2>&1
check "not when --embedding builtin was asked for" sh -c "! grep -q '$hint' '$tmp/tty'"
sh -c "$diarize_cmd $audio" > /dev/null 2> "$tmp/pipe"
check "not when stderr is not a terminal" sh -c "! grep -q '$hint' '$tmp/pipe'"

echo "$failures failure(s)"
exit $((failures > 0))
