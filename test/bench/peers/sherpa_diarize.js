// Peer benchmark: sherpa-onnx's offline speaker diarization (pyannote segmentation-3.0 + a
// WeSpeaker ResNet34 ONNX, its own ONNX Runtime) on one WAV file, timed around process() only
// and in total (model load included). Install the peer outside the repository:
//   npm install --prefix /tmp/peer sherpa-onnx-node
//   NODE_PATH=/tmp/peer/node_modules node test/bench/peers/sherpa_diarize.js SEG.onnx EMB.onnx FILE.wav [threads]
// Prints one JSON line: {"process_s", "total_s", "audio_s", "segments", "speakers"}.
const start = process.hrtime.bigint();
const sherpa = require('sherpa-onnx-node');

const [segmentation, embedding, wav, threadsArg] = process.argv.slice(2);
if (!wav) {
  console.error('usage: sherpa_diarize.js SEGMENTATION.onnx EMBEDDING.onnx FILE.wav [threads]');
  process.exit(2);
}
const numThreads = Number(threadsArg || 2);
const sd = new sherpa.OfflineSpeakerDiarization({
  segmentation: {pyannote: {model: segmentation}, numThreads},
  embedding: {model: embedding, numThreads},
  clustering: {numClusters: -1, threshold: 0.5},
  minDurationOn: 0.2,
  minDurationOff: 0.5,
});
const wave = sherpa.readWave(wav);
if (wave.sampleRate !== sd.sampleRate) {
  console.error(`expected ${sd.sampleRate} Hz audio, got ${wave.sampleRate}`);
  process.exit(1);
}
const t0 = process.hrtime.bigint();
const segments = sd.process(wave.samples);
const t1 = process.hrtime.bigint();
console.log(JSON.stringify({
  process_s: Number(t1 - t0) / 1e9,
  total_s: Number(t1 - start) / 1e9,
  audio_s: wave.samples.length / wave.sampleRate,
  segments: segments.length,
  speakers: new Set(segments.map((s) => s.speaker)).size,
}));
