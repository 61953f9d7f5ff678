// torch.save zip checkpoints: find "<archive>/data.pkl", unpickle it with the restricted
// unpickler (storages come from "<archive>/data/<key>"), and pick out the state_dict.
#include "formats/pytorch_checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "formats/mapped_file.h"
#include "formats/zip_archive.h"

namespace diarize {

const TensorData* PyTorchCheckpoint::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

constexpr size_t kMaxPickleBytes = size_t(256) << 20;
constexpr size_t kMaxMetadataDepth = 8;

// Python's repr of a float: the shortest digits that read back to the same double, in fixed
// notation for exponents -4..15 ("10.0", "0.0001") and scientific otherwise ("1e+16").
std::string float_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char sci[64];
  int digits = 1;
  for (; digits <= 17; ++digits) {
    std::snprintf(sci, sizeof sci, "%.*e", digits - 1, v);
    if (std::strtod(sci, nullptr) == v) break;
  }
  const char* e = std::strchr(sci, 'e');
  const int exponent = e ? std::atoi(e + 1) : 0;
  if (exponent < -4 || exponent >= 16) return sci;
  char fixed[400];
  std::snprintf(fixed, sizeof fixed, "%.*f", std::max(digits - 1 - exponent, 1), v);
  return fixed;
}

// A one-line text for scalars (and placeholder objects); false for containers.
bool scalar_text(const PickleValue& v, std::string& out) {
  using K = PickleValue::Kind;
  switch (v.kind) {
    case K::None: out = "None"; return true;
    case K::Bool: out = v.boolean ? "True" : "False"; return true;
    case K::Int: out = std::to_string(v.integer); return true;
    case K::Float: out = float_text(v.real); return true;
    case K::String: out = v.text; return true;
    case K::Global: out = "global " + v.text; return true;
    case K::Object: out = "object " + v.text; return true;
    default: return false;
  }
}

void flatten(const PickleValue& v, const std::string& path, size_t depth, std::map<std::string, std::string>& out) {
  std::string text;
  if (scalar_text(v, text)) out[path] = text;
  if (depth >= kMaxMetadataDepth) return;
  if (v.kind != PickleValue::Kind::Dict && v.kind != PickleValue::Kind::Object) return;
  for (const auto& [key, value] : v.entries)
    if (key.kind == PickleValue::Kind::String) flatten(value, path + "/" + key.text, depth + 1, out);
}

}  // namespace

PyTorchCheckpoint checkpoint_from_pickle(const PickleValue& root, const std::string& origin) {
  using K = PickleValue::Kind;
  if (root.kind != K::Dict) throw FormatError(origin + ": checkpoint holds a " + root.describe() + ", not a dict");
  PyTorchCheckpoint checkpoint;
  checkpoint.origin = origin;
  const PickleValue* state_dict = root.get("state_dict");
  if (state_dict) {
    if (state_dict->kind != K::Dict)
      throw FormatError(origin + ": 'state_dict' is a " + state_dict->describe() + ", not a dict");
  } else {
    state_dict = &root;  // a plain state_dict saved on its own
  }
  for (const auto& [key, value] : state_dict->entries) {
    if (key.kind != K::String) throw FormatError(origin + ": state_dict has a " + key.describe() + " key");
    if (value.kind != K::Tensor) {
      if (state_dict == &root)
        throw FormatError(origin + ": neither a 'state_dict' entry nor a plain state_dict ('" + key.text +
                          "' is a " + value.describe() + ")");
      throw FormatError(origin + ": state_dict entry '" + key.text + "' is a " + value.describe() + ", not a tensor");
    }
    TensorData t = value.tensor;
    t.name = key.text;
    checkpoint.tensors.push_back(std::move(t));
  }
  if (checkpoint.tensors.empty()) throw FormatError(origin + ": the state_dict holds no tensors");

  for (const auto& [key, value] : root.entries) {
    if (key.kind != K::String || key.text == "state_dict") continue;
    std::string text;
    if (scalar_text(value, text)) checkpoint.metadata[key.text] = text;
    if (key.text == "pyannote.audio") flatten(value, key.text, 0, checkpoint.metadata);
  }
  return checkpoint;
}

PyTorchCheckpoint parse_pytorch_checkpoint(const uint8_t* data, size_t size, const std::string& origin,
                                           TensorPayload payload) {
  if (size >= 2 && data[0] == 0x80 && data[1] <= 5)
    throw FormatError(origin + ": a legacy (PyTorch < 1.6) checkpoint; re-save it with a newer torch.save");
  if (size < 4 || data[0] != 'P' || data[1] != 'K' || data[2] != 3 || data[3] != 4)
    throw FormatError(origin + ": not a PyTorch checkpoint (no zip signature)");
  const ZipArchive zip(data, size, origin);

  // torch names every record "<archive>/...", where <archive> is whatever the writer chose
  // ("archive" for Lightning, the file's stem for torch.save(path)).
  const ZipEntry* pickle_entry = nullptr;
  std::string prefix;
  for (const auto& e : zip.entries()) {
    const size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      pickle_entry = &e;
      prefix = e.name.substr(0, slash + 1);
      break;
    }
  }
  if (!pickle_entry) throw FormatError(origin + ": no <archive>/data.pkl record (not a torch.save checkpoint)");
  if (const ZipEntry* order = zip.find(prefix + "byteorder")) {
    const ByteView v = zip.read(*order);
    if (std::string(reinterpret_cast<const char*>(v.data), v.size) != "little")
      throw FormatError(origin + ": a big-endian checkpoint is not supported");
  }
  const ByteView pickle = zip.read(*pickle_entry);
  if (pickle.size > kMaxPickleBytes) throw FormatError(origin + ": data.pkl is absurdly large");

  const StorageLoader load = [&](const std::string& key) {
    const ZipEntry* e = zip.find(prefix + "data/" + key);
    if (!e) throw FormatError(origin + ": storage '" + key + "' is missing (no " + prefix + "data/" + key + ")");
    return payload == TensorPayload::kValues ? zip.read(*e) : zip.locate(*e);
  };
  PickleLimits limits;
  limits.payload = payload;
  // Tied weights may repeat a storage, so allow some slack, but never let a pickle that reuses
  // one storage over and over blow up far beyond the file.
  limits.max_output_bytes = 2 * size + (size_t(64) << 20);
  const PickleValue root = parse_pickle(pickle.data, pickle.size, load, origin, limits);
  return checkpoint_from_pickle(root, origin);
}

PyTorchCheckpoint read_pytorch_checkpoint(const std::string& path) {
  const MappedFile file(path);
  return parse_pytorch_checkpoint(file.data(), file.size(), path);
}

}  // namespace diarize
