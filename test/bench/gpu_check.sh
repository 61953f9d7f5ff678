#!/usr/bin/env bash
# The GPU machine's checks in one run (docs/gpu.md): build against the machine's pip torch (CUDA),
# CUDA against CPU on the sample, the crash fallback from CUDA, and stage timings on a long file.
# Brought along (git-ignored, never committed): .gpu-deps/ (../shared/tools/gpu-deps.sh) and
# .gpu-payload/ with segmentation-3.0.int8.onnx, wespeaker_resnet34_random.safetensors and a long
# recording hour.ogg (test/bench/make_long_recording.sh, then sox -C 0 to Ogg/Vorbis).
# Usage on the GPU machine, from the repository root: test/bench/gpu_check.sh OUTDIR
set -uo pipefail
out=${1:?usage: gpu_check.sh OUTDIR}
mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/summary.txt"; }
payload=.gpu-payload
seg=$payload/segmentation-3.0.int8.onnx
emb=$payload/wespeaker_resnet34_random.safetensors

source .gpu-deps/env.sh
nvidia-smi -L | tee -a "$out/summary.txt"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
  "cxx11abi", torch.compiled_with_cxx11_abi())' | tee -a "$out/summary.txt"
torch_dir=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
torch_cmake=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
abi=$(python3 -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))')
export LD_LIBRARY_PATH=$torch_dir/lib:$LD_LIBRARY_PATH

# 1. Configure: LibTorch's own CMake package first, then the pip folder directly.
start=$(date +%s.%N)
if cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIARIZE_BUILD_TESTS=OFF \
     -DCMAKE_PREFIX_PATH="$torch_cmake;$DIARIZE_DEPS_PREFIX" > "$out/cmake-find-package.log" 2>&1; then
  log "configure: find_package(Torch) worked"
else
  log "configure: find_package(Torch) failed (tail below); trying DIARIZE_TORCH_ROOT"
  tail -n 25 "$out/cmake-find-package.log" | tee -a "$out/summary.txt"
  rm -rf build-gpu
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIARIZE_BUILD_TESTS=OFF \
    -DDIARIZE_TORCH_ROOT="$torch_dir" -DDIARIZE_TORCH_CXX11_ABI="$abi" \
    -DCMAKE_PREFIX_PATH="$DIARIZE_DEPS_PREFIX" > "$out/cmake-torch-root.log" 2>&1 \
    || { log "configure failed"; tail -n 40 "$out/cmake-torch-root.log" | tee -a "$out/summary.txt"; exit 1; }
  log "configure: DIARIZE_TORCH_ROOT worked"
fi
if ! cmake --build build-gpu -j16 > "$out/build.log" 2>&1; then
  log "build failed"; grep -E "error|Error" -A3 "$out/build.log" | head -80 | tee -a "$out/summary.txt"; exit 1
fi
log "configure+build $(awk "BEGIN{print $(date +%s.%N) - $start}") s"
d=build-gpu/bin/diarize

run() {  # name, then diarize arguments; keeps stdout, stderr, exit code and wall time
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  timeout 300 "$d" "$@" > "$out/$name.out" 2> "$out/$name.err"
  local rc=$?
  log "$name: rc $rc, $(awk "BEGIN{print $(date +%s.%N) - $t0}") s wall"
  grep -E "device|embedding|segmentation|decode|fell back|retry|CPU|cpu" "$out/$name.err" | head -8 | tee -a "$out/summary.txt"
}

# 2. CUDA against CPU on the sample, exact 3.1 (ResNet34) and built-in embedding.
s=samples/conversation.flac
run sample-cuda-resnet -v --device cuda --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$s"
run sample-cpu-resnet -v --device cpu --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$s"
run sample-cuda-builtin -v --device cuda --segmentation "$seg" --embedding builtin "$s"
run sample-cpu-builtin -v --device cpu --segmentation "$seg" --embedding builtin "$s"
for m in resnet builtin; do
  if cmp -s "$out/sample-cuda-$m.out" "$out/sample-cpu-$m.out"; then log "sample $m: CUDA RTTM == CPU RTTM";
  else log "sample $m: CUDA RTTM differs from CPU"; diff "$out/sample-cuda-$m.out" "$out/sample-cpu-$m.out" | head -20 | tee -a "$out/summary.txt"; fi
done

# 3. A crash in the CUDA child: the parent retries on CPU and still prints the result.
DIARIZE_FAULT=segv@1 run sample-cuda-segv -v --device cuda --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$s"
cat "$out/sample-cuda-segv.err" | tee -a "$out/summary.txt"
cmp -s "$out/sample-cuda-segv.out" "$out/sample-cpu-resnet.out" && log "segv@1 on CUDA: result == CPU result"
DIARIZE_FAULT=hang@1 run sample-cuda-hang -v --timeout 20 --device cuda --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$s"
cmp -s "$out/sample-cuda-hang.out" "$out/sample-cpu-resnet.out" && log "hang@1 on CUDA with --timeout 20: result == CPU result"

# 4. The long recording: stage timings on CUDA (exact and built-in), then exact on this machine's CPUs.
h=$payload/hour.ogg
run hour-cuda-resnet -v --device cuda --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$h"
run hour-cuda-builtin -v --device cuda --segmentation "$seg" --embedding builtin "$h"
grep -h "s, " "$out"/hour-*.err | tee -a "$out/summary.txt"
run hour-cpu-resnet -v --device cpu --pipeline 3.1 --segmentation "$seg" --embedding "$emb" "$h"
grep -h "s, " "$out/hour-cpu-resnet.err" | tee -a "$out/summary.txt"
cmp -s "$out/hour-cuda-resnet.out" "$out/hour-cpu-resnet.out" && log "hour resnet: CUDA RTTM == CPU RTTM" \
  || { log "hour resnet: CUDA and CPU RTTMs differ: $(diff "$out/hour-cuda-resnet.out" "$out/hour-cpu-resnet.out" | grep -c '^<') lines"; }
log done
