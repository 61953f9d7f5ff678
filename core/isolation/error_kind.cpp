// Classification of engine failures (see error_kind.h).
#include "isolation/error_kind.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "errors.h"

namespace diarize {

bool looks_like_accelerator_fault(const std::string& message) {
  if (message.rfind("accelerator:", 0) == 0) return true;
  std::string lower = message;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // LibTorch words these as "CUDA error: ...", "CUDA out of memory", "MPS backend out of memory", "CUBLAS_STATUS_...".
  for (const char* marker : {"cuda error", "cuda out of memory", "mps error", "mps backend", "out of memory", "cublas_status",
                             "cudnn_status"})
    if (lower.find(marker) != std::string::npos) return true;
  return false;
}

ErrorKind classify_engine_error(const std::exception& error) {
  // Accelerator faults win over the exception type: a CUDA failure while loading a model is
  // the device's fault, not the model's.
  if (looks_like_accelerator_fault(error.what())) return ErrorKind::kAccelerator;
  if (dynamic_cast<const InputError*>(&error)) return ErrorKind::kInput;
  if (dynamic_cast<const ModelError*>(&error)) return ErrorKind::kModel;
  return ErrorKind::kInternal;
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kAccelerator: return "accelerator";
    case ErrorKind::kInput: return "input";
    case ErrorKind::kModel: return "model";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

ErrorKind error_kind_from_name(const std::string& name) {
  for (ErrorKind kind : {ErrorKind::kAccelerator, ErrorKind::kInput, ErrorKind::kModel, ErrorKind::kInternal})
    if (name == error_kind_name(kind)) return kind;
  throw std::invalid_argument("unknown error kind '" + name + "'");
}

}  // namespace diarize
