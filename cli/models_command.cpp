// Model inspection and conversion to safetensors; LibTorch-free like the rest of the parent.
#include "models_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdio>

#include "errors.h"
#include "formats/safetensors.h"
#include "formats/sha256.h"
#include "import/state_dict_reader.h"
#include "output/atomic_file.h"
#include "output/output_naming.h"

namespace diarize {

ModelsCommand add_models_command(CLI::App& app, ModelsOptions& options) {
  ModelsCommand command;
  command.models = app.add_subcommand("models", "Inspect or convert model files");
  command.models->require_subcommand(1);
  command.info = command.models->add_subcommand("info", "Architecture, tensor and parameter counts, sha256, metadata");
  command.info->add_option("file", options.info_path, "Model file")->required();
  command.info->add_flag("--json", options.json, "Print JSON");
  command.convert = command.models->add_subcommand("convert", "Convert a model file to diarize's safetensors");
  command.convert->add_option("input", options.convert_input, "Model file (safetensors, ONNX, PyTorch checkpoint)")->required();
  command.convert->add_option("output", options.convert_output, "Output .safetensors file, or a folder (then <input stem>.safetensors in it)")->required();
  return command;
}

namespace {

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

int run_info(const ModelsOptions& options) {
  ModelDescription d;
  std::string sha256;
  try {
    d = recognise_model(options.info_path);
    sha256 = sha256_file_hex(options.info_path);
  } catch (const FormatError& e) {
    throw ModelError(e.what());
  }
  if (options.json) {
    nlohmann::ordered_json j;
    j["file"] = d.path;
    j["role"] = role_name(d.role);
    j["architecture"] = d.architecture;
    j["format"] = format_name(d.format);
    j["batchnorm_folded"] = d.batchnorm_folded;
    j["tensors"] = d.tensor_count;
    j["parameters"] = d.parameter_count;
    j["sha256"] = sha256;
    j["metadata"] = d.metadata;
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("file:          %s\n", d.path.c_str());
  std::printf("role:          %s\n", role_name(d.role));
  std::printf("architecture:  %s%s\n", d.architecture.c_str(), d.batchnorm_folded ? " (BatchNorm folded)" : "");
  std::printf("format:        %s\n", format_name(d.format));
  std::printf("tensors:       %lld\n", static_cast<long long>(d.tensor_count));
  std::printf("parameters:    %s\n", with_thousands(d.parameter_count).c_str());
  std::printf("sha256:        %s\n", sha256.c_str());
  for (const auto& [key, value] : d.metadata) std::printf("metadata:      %s = %s\n", key.c_str(), value.c_str());
  return kExitOk;
}

int run_convert(const ModelsOptions& options) {
  ModelStateDict model;
  try {
    model = read_model_state_dict(options.convert_input);
  } catch (const FormatError& e) {
    throw ModelError(e.what());
  }
  std::map<std::string, std::string> metadata = {
      {"format", "pt"},
      {"diarize.role", role_name(model.description.role)},
      {"diarize.architecture", model.description.architecture},
      {"diarize.source_format", format_name(model.description.format)},
      {"diarize.source_sha256", sha256_file_hex(options.convert_input)}};
  if (model.description.batchnorm_folded) metadata["diarize.batchnorm_folded"] = "true";
  const std::vector<uint8_t> bytes = serialize_safetensors(model.tensors, metadata);
  // Like cp and mv: into an existing folder (or a path ending in '/'), under the input's name.
  std::string output = options.convert_output;
  struct stat st {};
  if (output.back() == '/' || (::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    while (output.size() > 1 && output.back() == '/') output.pop_back();
    output += "/" + file_stem(options.convert_input) + ".safetensors";
  }
  write_file_atomically(output, std::string(bytes.begin(), bytes.end()));
  std::fprintf(stderr, "diarize: wrote %s (%zu tensors, %s)\n", output.c_str(), model.tensors.size(),
               model.description.architecture.c_str());
  return kExitOk;
}

}  // namespace

int run_models(const ModelsCommand& command, const ModelsOptions& options) {
  if (command.info->parsed()) return run_info(options);
  return run_convert(options);
}

}  // namespace diarize
