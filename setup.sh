#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a working diarize:
#   installs the build dependencies, builds (Release) into build/, makes the models available in
#   the user's data folder, and diarizes the bundled sample.
# Options: --no-install (skip apt-get), --no-demo (skip the sample run).
# Models come from $DIARIZE_MODELS, else ../shared/models beside this checkout when present, else
# the public URLs listed in docs/models.md.
set -euo pipefail
cd "$(dirname "$0")"

install=1 demo=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --no-demo) demo=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
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

echo "setup: building into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build

# Models: link them into the user's data folder, where diarize looks by default.
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
  echo "setup: linked models from $source_dir into $models_home"
elif ! ls "$models_home"/*.onnx >/dev/null 2>&1; then
  url="https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-segmentation-models/sherpa-onnx-pyannote-segmentation-3-0.tar.bz2"
  echo "setup: downloading the segmentation model from $url"
  tmp=$(mktemp -d)
  if curl -fsSL --retry 2 -o "$tmp/seg.tar.bz2" "$url" && tar -xjf "$tmp/seg.tar.bz2" -C "$tmp"; then
    cp "$tmp"/sherpa-onnx-pyannote-segmentation-3-0/model.int8.onnx "$models_home/segmentation-3.0.int8.onnx"
  else
    echo "setup: could not download the models; see docs/models.md to get them by hand" >&2
  fi
  rm -rf "$tmp"
fi

if [ "$demo" = 1 ]; then
  echo "setup: diarizing samples/conversation.flac"
  build/bin/diarize samples/conversation.flac
fi
