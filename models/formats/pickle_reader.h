// A restricted unpickler for the pickles torch.save writes (protocol 2, also the protocol 3-4
// opcodes a newer pickler may use). It never imports or calls anything: it builds plain values
// (None, bools, ints, floats, strings, bytes, lists, tuples, dicts and OrderedDicts) and tensors
// through torch's known rebuild functions; every other class or function a GLOBAL names becomes
// an inert placeholder that records its arguments and state. Hostile input gets a FormatError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "formats/tensor_data.h"
#include "formats/zip_archive.h"

namespace diarize {

struct PickleValue {
  enum class Kind { None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Tensor, Global, Object };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0.0;
  // String, Bytes: the contents. Global, Object: the qualified name ("module.name") of the class
  // or function that built it, e.g. "pyannote.audio.core.task.Specifications".
  std::string text;
  // List, Tuple: the items. Object: its constructor arguments, then anything APPENDed to it.
  std::vector<PickleValue> items;
  // Dict: the entries in insertion order (a repeated key keeps its last value, in its first
  // place, as Python does). Object: its BUILD state and anything SETITEM'ed into it.
  std::vector<std::pair<PickleValue, PickleValue>> entries;
  TensorData tensor;  // Tensor (its name is left empty)

  // The value of entry `key` (a string key) of a Dict or Object; nullptr when absent.
  const PickleValue* get(const std::string& key) const;
  // "dict", "tensor F32 [2, 3]", "object os.system", ... for error messages.
  std::string describe() const;
};

// Looks up the raw bytes of storage `key` (torch writes them to "<archive>/data/<key>").
// The bytes must stay valid until parse_pickle returns.
using StorageLoader = std::function<ByteView(const std::string& key)>;

struct PickleLimits {
  size_t max_depth = 64;                     // nesting of the result (also stops cycles)
  size_t max_objects = size_t(2) << 20;      // values built while unpickling
  size_t max_output_bytes = size_t(1) << 30; // the result, tensor data included
  TensorPayload payload = TensorPayload::kValues;  // kShapesOnly: tensors without their bytes
};

// Unpickles `data` (a whole pickle stream, up to its STOP opcode). Tensors are copied out of
// the storages `load_storage` returns. Throws FormatError "<origin>: pickle: <why> (byte N)".
PickleValue parse_pickle(const uint8_t* data, size_t size, const StorageLoader& load_storage,
                         const std::string& origin, const PickleLimits& limits = {});

}  // namespace diarize
