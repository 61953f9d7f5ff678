// How an engine failure is classified, which decides what the parent does with it: accelerator
// faults are retried on CPU, input errors fail that input only, model errors stop the run.
#pragma once

#include <exception>
#include <string>

namespace diarize {

enum class ErrorKind { kAccelerator, kInput, kModel, kInternal };

// Classifies an exception thrown by EngineModule/Engine. Accelerator: the message starts with
// "accelerator:" or mentions a CUDA/MPS error or running out of memory.
ErrorKind classify_engine_error(const std::exception& error);
bool looks_like_accelerator_fault(const std::string& message);

const char* error_kind_name(ErrorKind kind);
// Throws std::invalid_argument for unknown names.
ErrorKind error_kind_from_name(const std::string& name);

}  // namespace diarize
