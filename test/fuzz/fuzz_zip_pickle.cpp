// libFuzzer target for PyTorch checkpoints. The first byte picks what the rest is:
//   even: a whole checkpoint (zip + data.pkl + storages), through parse_pytorch_checkpoint;
//   odd:  a bare pickle stream with a few fixed storages, through parse_pickle and
//         checkpoint_from_pickle, so that mutations reach the unpickler without having to
//         keep a zip's CRC-32 right.
// Any input must end in a result or a FormatError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/pytorch_checkpoint.h"

namespace {

// Storages "0", "1", "2" of 24, 48 and 2 bytes (e.g. 6 or 12 float32, 2 bytes or bools).
const std::vector<uint8_t>& storage_bytes(size_t which) {
  static const std::vector<std::vector<uint8_t>> storages = {
      std::vector<uint8_t>(24, 0x3f), std::vector<uint8_t>(48, 0x01), std::vector<uint8_t>(2, 0x01)};
  return storages[which];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool bare_pickle = data[0] & 1;
  ++data;
  --size;
  try {
    if (!bare_pickle) {
      diarize::parse_pytorch_checkpoint(data, size, "fuzz");
    } else {
      const diarize::StorageLoader load = [](const std::string& key) {
        if (key.size() != 1 || key[0] < '0' || key[0] > '2') throw diarize::FormatError("storage '" + key + "' is missing");
        const auto& bytes = storage_bytes(static_cast<size_t>(key[0] - '0'));
        return diarize::ByteView{bytes.data(), bytes.size()};
      };
      diarize::PickleLimits limits;
      limits.max_output_bytes = size_t(64) << 20;
      const diarize::PickleValue root = diarize::parse_pickle(data, size, load, "fuzz", limits);
      diarize::checkpoint_from_pickle(root, "fuzz");
    }
  } catch (const diarize::FormatError&) {
  }
  return 0;
}
