#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a working diarize:
#   installs the build dependencies, builds (Release) into build/, makes the models available in
#   the user's data folder, and diarizes the bundled sample.
# Options: --no-install (skip apt-get), --no-demo (skip the sample run), --offline (no downloads),
#          --models-only (only the models step: no apt-get, no build, no demo).
# Models come from $DIARIZE_MODELS, else ../shared/models beside this checkout when present; what is
# still missing (segmentation, the WeSpeaker ResNet34 embedding, the community-1 PLDA) is downloaded
# from the pinned URLs of docs/models.md and checked against its SHA-256 before use. A download that
# fails or does not match is one line and is not kept: diarize then uses its built-in embedding.
set -euo pipefail
cd "$(dirname "$0")"

install=1 demo=1 build=1 offline=0
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --no-demo) demo=0 ;;
    --offline) offline=1 ;;
    --models-only) install=0 build=0 demo=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(build-essential cmake ninja-build pkg-config libtorch-dev libopenblas0-openmp
          libsndfile1-dev libsamplerate0-dev nlohmann-json3-dev libcli11-dev catch2 zlib1g-dev curl bzip2
          ca-certificates)
if [ "$install" = 1 ]; then
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ "$build" = 1 ]; then
  echo "setup: building into build/"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build
fi

# ---- Models: link what is at hand, download what is missing (docs/models.md) ----------------
models_home="${XDG_DATA_HOME:-$HOME/.local/share}/diarize/models"
mkdir -p "$models_home"
source_dir=""
if [ -n "${DIARIZE_MODELS:-}" ]; then
  source_dir="$DIARIZE_MODELS"
elif [ -d ../shared/models ]; then
  source_dir="$(cd ../shared/models && pwd)"
fi
if [ -n "$source_dir" ]; then
  for f in "$source_dir"/*.onnx "$source_dir"/*.safetensors "$source_dir"/*.bin; do
    [ -e "$f" ] && ln -sf "$f" "$models_home/"
  done
  if [ -f "$source_dir/plda/xvec_transform.npz" ] && [ -f "$source_dir/plda/plda.npz" ]; then
    mkdir -p "$models_home/plda"
    ln -sf "$source_dir/plda/xvec_transform.npz" "$source_dir/plda/plda.npz" "$models_home/plda/"
  fi
  echo "setup: linked models from $source_dir into $models_home"
fi

# Pinned downloads; the URLs can be overridden (tests use file:// fixtures), the hashes cannot.
segmentation_url="${DIARIZE_SEGMENTATION_URL:-https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-segmentation-models/sherpa-onnx-pyannote-segmentation-3-0.tar.bz2}"
segmentation_sha256=d582f4b4c6b48205de7e0643c57df0df5615a3c176189be3fc461e9d18827b5d  # model.int8.onnx inside
embedding_url="${DIARIZE_EMBEDDING_URL:-https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-recongition-models/wespeaker_en_voxceleb_resnet34_LM.onnx}"
embedding_sha256=e9848563da86f263117134dfd7ad63c92355b37de492b55e325400c9d9c39012
plda_xvec_url="${DIARIZE_PLDA_XVEC_URL:-https://raw.githubusercontent.com/kaixxx/noScribe/b926a1feec8682297c1ade936ef2efa56cd8947d/pyannote/plda/xvec_transform.npz}"
plda_xvec_sha256=325f1ce8e48f7e55e9c8aa47e05d2766b7c48c4b25b8de8dd751e7a4cc5fbe8f
plda_url="${DIARIZE_PLDA_URL:-https://raw.githubusercontent.com/kaixxx/noScribe/af6437dd8ff411a91285882de19dd8e3a7fc30a1/pyannote/plda/plda.npz}"
plda_sha256=9b77bcd840692710dd3496f62ecfeed8d8e5f002fd991b785079b244eab7d255

unreachable=0  # after one connection failure the other downloads are skipped: at most ~5 s lost offline
skipped=()
fallback_note="diarize will use its built-in embedding (docs/models.md)"

# fetch NAME URL DEST [NOTE]: downloads into DEST.part, never into DEST itself. Returns 1 on failure.
fetch() {
  local name=$1 url=$2 dest=$3 note=${4:-$fallback_note} rc=0
  if [ "$unreachable" = 1 ]; then
    skipped+=("$name")
    return 1
  fi
  curl -fsL --connect-timeout 5 --max-time 600 --speed-limit 1024 --speed-time 15 -o "$dest.part" "$url" || rc=$?
  if [ "$rc" != 0 ]; then
    rm -f "$dest.part"
    case "$rc" in 6|7|28) unreachable=1 ;; esac
    echo "setup: could not download $name from $url (curl exit $rc); $note" >&2
    return 1
  fi
}

# verify NAME FILE SHA256 [NOTE]: keeps FILE only if its SHA-256 is the pinned one.
verify() {
  local name=$1 file=$2 expected=$3 note=${4:-$fallback_note} actual
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    rm -f "$file"
    echo "setup: $name has SHA-256 $actual, expected $expected; not kept; $note" >&2
    return 1
  fi
}

# install_checked NAME URL SHA256 DEST
install_checked() {
  local name=$1 url=$2 sha=$3 dest=$4
  fetch "$name" "$url" "$dest" || return 0
  verify "$name" "$dest.part" "$sha" || return 0
  mv -f "$dest.part" "$dest"
  echo "setup: downloaded $name into $dest"
}

has_model() { ls "$models_home"/$1 >/dev/null 2>&1; }

if [ "$offline" = 1 ]; then
  echo "setup: --offline: no downloads"
else
  if ! has_model '*.onnx' && ! has_model '*.safetensors' && ! has_model '*.bin'; then
    tmp=$(mktemp -d)
    by_hand="diarize needs it: see docs/models.md to get it by hand"
    if fetch "the segmentation model" "$segmentation_url" "$tmp/seg.tar.bz2" "$by_hand"; then
      if ! tar -xjf "$tmp/seg.tar.bz2.part" -C "$tmp" 2>/dev/null; then
        echo "setup: the segmentation download from $segmentation_url is not a tar.bz2; $by_hand" >&2
      elif verify "the segmentation model" "$tmp/sherpa-onnx-pyannote-segmentation-3-0/model.int8.onnx" \
                  "$segmentation_sha256" "$by_hand"; then
        mv -f "$tmp/sherpa-onnx-pyannote-segmentation-3-0/model.int8.onnx" "$models_home/segmentation-3.0.int8.onnx"
        echo "setup: downloaded the segmentation model into $models_home"
      fi
    fi
    rm -rf "$tmp"
  fi
  # The neural embedding (WeSpeaker ResNet34-LM, the network pyannote 3.1 and community-1 use).
  if [ ! -e "$models_home/wespeaker_en_voxceleb_resnet34_LM.onnx" ]; then
    install_checked "the ResNet34 embedding" "$embedding_url" "$embedding_sha256" \
      "$models_home/wespeaker_en_voxceleb_resnet34_LM.onnx"
  fi
  # The community-1 PLDA: both files or neither.
  if [ ! -e "$models_home/plda/xvec_transform.npz" ] || [ ! -e "$models_home/plda/plda.npz" ]; then
    mkdir -p "$models_home/plda"
    install_checked "the PLDA (xvec_transform.npz)" "$plda_xvec_url" "$plda_xvec_sha256" "$models_home/plda/xvec_transform.npz"
    install_checked "the PLDA (plda.npz)" "$plda_url" "$plda_sha256" "$models_home/plda/plda.npz"
    if [ ! -e "$models_home/plda/xvec_transform.npz" ] || [ ! -e "$models_home/plda/plda.npz" ]; then
      rm -f "$models_home/plda/xvec_transform.npz" "$models_home/plda/plda.npz"
      rmdir "$models_home/plda" 2>/dev/null || true
    fi
  fi
fi

if [ "${#skipped[@]}" -gt 0 ]; then
  echo "setup: no connection, so also skipped: $(IFS=,; echo "${skipped[*]}" | sed 's/,/, /g')" >&2
fi

if [ "$demo" = 1 ]; then
  echo "setup: diarizing samples/conversation.flac"
  build/bin/diarize samples/conversation.flac
fi
