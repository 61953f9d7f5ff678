// libFuzzer target: decoding (libsndfile), downmixing and resampling any in-memory file must
// end in finite 16 kHz samples or an InputError. libsndfile itself is not instrumented;
// what is exercised is diarize's handling of whatever it reports.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "audio/audio_decoder.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const diarize::DecodedAudio audio = diarize::decode_audio_memory(std::vector<uint8_t>(data, data + size));
    for (float s : audio.samples)
      if (!std::isfinite(s)) std::abort();  // the decoder promises finite samples
  } catch (const diarize::InputError&) {
  }
  return 0;
}
