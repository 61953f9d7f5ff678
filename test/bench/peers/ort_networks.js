// Peer benchmark: ONNX Runtime alone (CPU execution provider) on each network diarize runs, per chunk,
// so that diarize's own per-network times (bench_models, bench_embedding --variants network) have a
// like-for-like reference:
//   - segmentation (pyannote segmentation-3.0 ONNX, input x [N, 1, 160000]) over real 10 s chunks,
//     step 1 s, cut from a 16 kHz mono 16-bit WAV (the chunks cycle when the file is short), batch 1, 2, 4, 32;
//   - speaker embedding (WeSpeaker ResNet34 ONNX, input feats [B, T, 80] -> embs [B, 256]) on crops of
//     998 fbank frames x 80 (one 10 s crop), batch 1, 2.
// Both graphs have a dynamic batch axis (inputMetadata shows "N" and "B"), checked below.
// The embedding features are normal noise from a fixed seed, not real fbanks: a convolutional network's
// compute time does not depend on the values it is given (no data-dependent branches or sparsity in
// these graphs), only on the shapes.
// Each (network, batch) gets WARMUP untimed runs (session initialisation, arena growth), then RUNS timed
// runs, each on the next chunks of the file; the median is reported.
//
// Install the peer outside the repository (--ignore-scripts skips a GPU-binary download that fails here):
//   npm install --ignore-scripts --prefix /tmp/peer onnxruntime-node
//   NODE_PATH=/tmp/peer/node_modules node test/bench/peers/ort_networks.js SEG.onnx EMB.onnx FILE.wav [threads] [runs]
// Prints one JSON line per (network, batch):
//   {"network":"segmentation","batch":32,"threads":2,"runs":7,"s_per_chunk":...,"min_s_per_chunk":...}
const fs = require('fs');
const ort = require('onnxruntime-node');

const kSampleRate = 16000;
const kChunkSamples = 10 * kSampleRate;
const kStepSamples = 1 * kSampleRate;
const kFbankFrames = 998;  // 10 s, 25 ms window, 10 ms shift, no padding (kaldi snip_edges)
const kMelBins = 80;
const kWarmup = 2;

function fail(message) {
  console.error(`ort_networks.js: ${message}`);
  process.exit(1);
}

// The first `maxSamples` samples of a 16 kHz mono 16-bit PCM WAV, as float in [-1, 1), read without
// loading the whole (one hour = 115 MB) file.
function readWavPrefix(path, maxSamples) {
  const fd = fs.openSync(path, 'r');
  const read = (offset, length) => {
    const buffer = Buffer.alloc(length);
    const got = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, got);
  };
  const riff = read(0, 12);
  if (riff.length < 12 || riff.toString('ascii', 0, 4) !== 'RIFF' || riff.toString('ascii', 8, 12) !== 'WAVE') {
    fail(`${path} is not a RIFF/WAVE file`);
  }
  let offset = 12;
  let format = null;
  for (;;) {
    const header = read(offset, 8);
    if (header.length < 8) fail(`${path} has no data chunk`);
    const id = header.toString('ascii', 0, 4);
    const size = header.readUInt32LE(4);
    if (id === 'fmt ') {
      const fmt = read(offset + 8, 16);
      format = {tag: fmt.readUInt16LE(0), channels: fmt.readUInt16LE(2), rate: fmt.readUInt32LE(4), bits: fmt.readUInt16LE(14)};
    } else if (id === 'data') {
      if (!format) fail(`${path}: data chunk before fmt chunk`);
      if (format.tag !== 1 || format.channels !== 1 || format.rate !== kSampleRate || format.bits !== 16) {
        fail(`${path}: expected 16 kHz mono 16-bit PCM, got format ${format.tag}, ${format.channels} channel(s), ` +
             `${format.rate} Hz, ${format.bits} bits`);
      }
      const samples = Math.min(Math.floor(size / 2), maxSamples);
      const bytes = read(offset + 8, samples * 2);
      fs.closeSync(fd);
      const out = new Float32Array(bytes.length >> 1);
      for (let i = 0; i < out.length; ++i) out[i] = bytes.readInt16LE(2 * i) / 32768;
      return out;
    }
    offset += 8 + size + (size & 1);
  }
}

// mulberry32 + Box-Muller: reproducible normal noise.
function normalNoise(count, seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;  // (0, 1)
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(a);
    if (i + 1 < count) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function openSession(path, threads, inputName) {
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (session.inputNames.length !== 1 || session.inputNames[0] !== inputName) {
    fail(`${path}: expected one input '${inputName}', got ${JSON.stringify(session.inputNames)}`);
  }
  // inputMetadata appeared in onnxruntime-node 1.22; older versions do not say, and the run fails loudly
  // if the batch axis were fixed.
  const meta = session.inputMetadata && session.inputMetadata[0];
  if (meta && meta.shape && typeof meta.shape[0] === 'number') {
    fail(`${path}: the graph has a fixed batch of ${meta.shape[0]}; this benchmark needs a dynamic one`);
  }
  return session;
}

// Times `makeInput(run)` → session.run for WARMUP + runs calls; returns seconds per item (median, min).
async function timeRuns(session, makeInput, batch, runs) {
  const times = [];
  for (let r = 0; r < kWarmup + runs; ++r) {
    const feeds = makeInput(r);
    const start = process.hrtime.bigint();
    await session.run(feeds);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r >= kWarmup) times.push(seconds / batch);
  }
  return {s_per_chunk: median(times), min_s_per_chunk: Math.min(...times)};
}

async function main() {
  const [segmentationPath, embeddingPath, wavPath, threadsArg, runsArg] = process.argv.slice(2);
  if (!wavPath) {
    console.error('usage: ort_networks.js SEGMENTATION.onnx EMBEDDING.onnx FILE.wav [threads] [runs]');
    process.exit(2);
  }
  const threads = Number(threadsArg || 2);
  const runs = Number(runsArg || 7);
  if (!(threads >= 1) || !(runs >= 1)) fail('threads and runs must be positive numbers');
  const segmentationBatches = [1, 2, 4, 32];
  const embeddingBatches = [1, 2];

  // Enough audio for every chunk the largest batch needs, without repeating a chunk where the file allows.
  const chunksWanted = Math.max(...segmentationBatches) * (kWarmup + runs);
  const audio = readWavPrefix(wavPath, (chunksWanted - 1) * kStepSamples + kChunkSamples);
  if (audio.length < kChunkSamples) fail(`${wavPath} is shorter than one 10 s chunk`);
  const chunksInFile = Math.floor((audio.length - kChunkSamples) / kStepSamples) + 1;

  const emit = (network, batch, result) =>
    console.log(JSON.stringify({network, batch, threads, runs, ...result}));

  const segmentation = await openSession(segmentationPath, threads, 'x');
  for (const batch of segmentationBatches) {
    const makeInput = (run) => {
      const data = new Float32Array(batch * kChunkSamples);
      for (let b = 0; b < batch; ++b) {
        const chunk = (run * batch + b) % chunksInFile;
        data.set(audio.subarray(chunk * kStepSamples, chunk * kStepSamples + kChunkSamples), b * kChunkSamples);
      }
      return {x: new ort.Tensor('float32', data, [batch, 1, kChunkSamples])};
    };
    emit('segmentation', batch, await timeRuns(segmentation, makeInput, batch, runs));
  }
  await segmentation.release();

  const embedding = await openSession(embeddingPath, threads, 'feats');
  for (const batch of embeddingBatches) {
    const makeInput = (run) => ({
      feats: new ort.Tensor('float32', normalNoise(batch * kFbankFrames * kMelBins, 1000 + run), [batch, kFbankFrames, kMelBins]),
    });
    emit('embedding', batch, await timeRuns(embedding, makeInput, batch, runs));
  }
  await embedding.release();
}

main().catch((error) => fail(error.message || String(error)));
