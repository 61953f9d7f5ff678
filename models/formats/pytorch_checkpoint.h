// PyTorch checkpoints (torch.save's zip format, PyTorch >= 1.6) read without Python or LibTorch:
// a pyannote / Lightning checkpoint ({'state_dict': ..., 'pyannote.audio': {...}, ...}) or a plain
// state_dict, as plain tensors plus the string metadata that is easy to reach.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/pickle_reader.h"
#include "formats/tensor_data.h"

namespace diarize {

struct PyTorchCheckpoint {
  std::vector<TensorData> tensors;  // the state_dict, in its order
  // Scalars at the top level ("epoch" -> "3", "pytorch-lightning_version" -> "1.9.0") and inside
  // the 'pyannote.audio' dict, joined with '/': "pyannote.audio/versions/pyannote.audio" -> "3.1.0",
  // "pyannote.audio/architecture/class" -> "PyanNet", "pyannote.audio/specifications" ->
  // "object pyannote.audio.core.task.Specifications", "pyannote.audio/specifications/duration" -> "10".
  std::map<std::string, std::string> metadata;
  std::string origin;

  const TensorData* find(const std::string& name) const;
};

// Parses a checkpoint image held in memory. FormatError for anything malformed or hostile;
// nothing in the pickle is ever imported or executed.
// With TensorPayload::kShapesOnly the storages are neither CRC-checked nor copied.
PyTorchCheckpoint parse_pytorch_checkpoint(const uint8_t* data, size_t size, const std::string& origin,
                                           TensorPayload payload = TensorPayload::kValues);
// Maps the file (formats/mapped_file.h) and parses it.
PyTorchCheckpoint read_pytorch_checkpoint(const std::string& path);

// The state_dict and metadata of an already unpickled checkpoint (exposed for tests and fuzzing).
PyTorchCheckpoint checkpoint_from_pickle(const PickleValue& root, const std::string& origin);

}  // namespace diarize
