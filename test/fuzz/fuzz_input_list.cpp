// libFuzzer target: the --files-from / --files-from0 list parser and the --shard K/N parser take
// any bytes. The first byte picks what is parsed (line list, NUL list, shard spec); a list never
// throws, a shard spec is accepted or refused with diarize's UsageError, nothing else escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "errors.h"
#include "output/input_list.h"
#include "output/shard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      diarize::parse_input_list(text, diarize::ListSeparator::kLine);
      break;
    case 1:
      diarize::parse_input_list(text, diarize::ListSeparator::kNul);
      break;
    default:
      try {
        const diarize::ShardSpec spec = diarize::parse_shard_spec(text);
        if (spec.index < 1 || spec.index > spec.count) __builtin_trap();  // accepted means valid
        diarize::shard_of(text, spec.count);
      } catch (const diarize::UsageError&) {
      }
  }
  return 0;
}
