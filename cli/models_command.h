// `diarize models info FILE` and `diarize models convert IN OUT.safetensors` (docs/models.md).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace diarize {

struct ModelsOptions {
  std::string info_path;
  bool json = false;
  std::string convert_input;
  std::string convert_output;
};

struct ModelsCommand {
  CLI::App* models = nullptr;
  CLI::App* info = nullptr;
  CLI::App* convert = nullptr;
};

ModelsCommand add_models_command(CLI::App& app, ModelsOptions& options);

// Returns the exit code; model-file problems are ModelError (exit 3).
int run_models(const ModelsCommand& command, const ModelsOptions& options);

}  // namespace diarize
