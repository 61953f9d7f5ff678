// WeSpeaker ResNet34 ONNX (BatchNorm folded) → pyannote state dict with identity BatchNorms.
#include "import/embedding_onnx_import.h"

#include <cmath>
#include <string>

namespace diarize {

namespace {

constexpr int kBlocksPerLayer[4] = {3, 4, 6, 3};
constexpr int kChannelsPerLayer[4] = {32, 64, 128, 256};
constexpr float kBatchNormEps = 1e-5f;

const TensorData& need_initializer(const OnnxModel& model, const OnnxNode& node, size_t input, const char* what) {
  if (input >= node.inputs.size())
    throw FormatError(model.origin + ": " + node.op_type + " node '" + node.name + "' lacks its " + what);
  const TensorData* t = model.graph.initializer(node.inputs[input]);
  if (!t) throw FormatError(model.origin + ": " + what + " of " + node.op_type + " node '" + node.name + "' is not a stored tensor");
  if (t->dtype != DType::F32) throw FormatError(model.origin + ": " + what + " '" + t->name + "' is not float32");
  return *t;
}

TensorData renamed(const TensorData& t, const std::string& name) {
  TensorData copy = t;
  copy.name = name;
  return copy;
}

// conv `prefix`.weight plus an identity BatchNorm `bn_prefix`.* carrying the folded bias.
void add_conv_and_identity_bn(const OnnxModel& model, const OnnxNode& node, const std::string& conv_name,
                              const std::string& bn_prefix, int64_t out_channels, int64_t in_channels, int64_t kernel,
                              std::vector<TensorData>& out) {
  const TensorData& weight = need_initializer(model, node, 1, "weight");
  const std::vector<int64_t> expected = {out_channels, in_channels, kernel, kernel};
  if (weight.shape != expected)
    throw FormatError(model.origin + ": convolution '" + node.name + "' has shape " + shape_to_string(weight.shape) +
                      ", expected " + shape_to_string(expected) + " for " + conv_name);
  out.push_back(renamed(weight, conv_name));
  std::vector<float> bias(static_cast<size_t>(out_channels), 0.0f);
  if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
    const TensorData& b = need_initializer(model, node, 2, "bias");
    if (b.shape != std::vector<int64_t>{out_channels}) throw FormatError(model.origin + ": bias of '" + node.name + "' has a wrong shape");
    bias = b.to_f32();
  }
  const float unit_scale = std::sqrt(1.0f + kBatchNormEps);  // weight / sqrt(var + eps) == 1
  out.push_back(TensorData::from_f32(bn_prefix + ".weight", {out_channels}, std::vector<float>(bias.size(), unit_scale)));
  out.push_back(TensorData::from_f32(bn_prefix + ".bias", {out_channels}, bias));
  out.push_back(TensorData::from_f32(bn_prefix + ".running_mean", {out_channels}, std::vector<float>(bias.size(), 0.0f)));
  out.push_back(TensorData::from_f32(bn_prefix + ".running_var", {out_channels}, std::vector<float>(bias.size(), 1.0f)));
  out.push_back(TensorData::from_i64(bn_prefix + ".num_batches_tracked", {}, {0}));
}

}  // namespace

std::vector<TensorData> embedding_state_dict_from_onnx(const OnnxModel& model) {
  std::vector<const OnnxNode*> convs;
  const OnnxNode* projection = nullptr;  // Gemm or MatMul producing the embedding
  const OnnxNode* projection_add = nullptr;
  const OnnxNode* final_sub = nullptr;
  for (const OnnxNode& node : model.graph.nodes) {
    if (node.op_type == "Conv") convs.push_back(&node);
    if (node.op_type == "BatchNormalization")
      throw FormatError(model.origin + ": ResNet ONNX with unfolded BatchNormalization nodes is not supported");
    if ((node.op_type == "Gemm" || node.op_type == "MatMul") && node.inputs.size() >= 2 &&
        model.graph.initializer(node.inputs[1]))
      projection = &node;
  }
  if (!projection) throw FormatError(model.origin + ": no Gemm/MatMul producing the embedding");
  for (const OnnxNode& node : model.graph.nodes) {
    if (node.inputs.empty()) continue;
    if (node.op_type == "Add" && projection->op_type == "MatMul" && node.inputs[0] == projection->outputs.at(0))
      projection_add = &node;
    const std::string& last = projection_add ? projection_add->outputs.at(0) : projection->outputs.at(0);
    if (node.op_type == "Sub" && node.inputs[0] == last && node.inputs.size() == 2 && model.graph.initializer(node.inputs[1]))
      final_sub = &node;
  }

  std::vector<TensorData> out;
  size_t next = 0;
  auto take_conv = [&]() -> const OnnxNode& {
    if (next >= convs.size()) throw FormatError(model.origin + ": too few Conv nodes for a ResNet34");
    return *convs[next++];
  };
  add_conv_and_identity_bn(model, take_conv(), "resnet.conv1.weight", "resnet.bn1", 32, 1, 3, out);
  int64_t in_channels = 32;
  for (int layer = 0; layer < 4; ++layer) {
    const int64_t channels = kChannelsPerLayer[layer];
    for (int block = 0; block < kBlocksPerLayer[layer]; ++block) {
      const std::string prefix = "resnet.layer" + std::to_string(layer + 1) + "." + std::to_string(block);
      const int64_t block_in = block == 0 ? in_channels : channels;
      add_conv_and_identity_bn(model, take_conv(), prefix + ".conv1.weight", prefix + ".bn1", channels, block_in, 3, out);
      add_conv_and_identity_bn(model, take_conv(), prefix + ".conv2.weight", prefix + ".bn2", channels, channels, 3, out);
      if (block == 0 && layer > 0)
        add_conv_and_identity_bn(model, take_conv(), prefix + ".shortcut.0.weight", prefix + ".shortcut.1", channels,
                                 block_in, 1, out);
    }
    in_channels = channels;
  }
  if (next != convs.size())
    throw FormatError(model.origin + ": " + std::to_string(convs.size()) + " Conv nodes, a ResNet34 has " + std::to_string(next));

  // seg_1: [256, 5120] in PyTorch layout.
  const TensorData& w = need_initializer(model, *projection, 1, "projection weight");
  std::vector<float> weight = w.to_f32();
  bool transposed = projection->op_type == "MatMul";
  if (projection->op_type == "Gemm") {
    const OnnxAttribute* trans_b = projection->attribute("transB");
    transposed = !(trans_b && trans_b->i != 0);
  }
  const std::vector<int64_t> expected_shape = transposed ? std::vector<int64_t>{5120, 256} : std::vector<int64_t>{256, 5120};
  if (w.shape != expected_shape)
    throw FormatError(model.origin + ": embedding projection has shape " + shape_to_string(w.shape) + ", expected " +
                      shape_to_string(expected_shape));
  if (transposed) {
    std::vector<float> t(weight.size());
    for (int64_t i = 0; i < 5120; ++i)
      for (int64_t o = 0; o < 256; ++o) t[static_cast<size_t>(o * 5120 + i)] = weight[static_cast<size_t>(i * 256 + o)];
    weight.swap(t);
  }
  std::vector<float> bias(256, 0.0f);
  const OnnxNode* bias_node = projection->op_type == "Gemm" ? projection : projection_add;
  const size_t bias_input = projection->op_type == "Gemm" ? 2 : 1;
  if (bias_node && bias_node->inputs.size() > bias_input) {
    const TensorData& b = need_initializer(model, *bias_node, bias_input, "projection bias");
    if (b.numel() != 256) throw FormatError(model.origin + ": embedding bias has " + std::to_string(b.numel()) + " values");
    bias = b.to_f32();
  }
  if (final_sub) {  // wespeaker's `embeds - mean_vec`
    const TensorData& mean = need_initializer(model, *final_sub, 1, "mean vector");
    if (mean.numel() != 256) throw FormatError(model.origin + ": mean vector has " + std::to_string(mean.numel()) + " values");
    const std::vector<float> m = mean.to_f32();
    for (size_t k = 0; k < 256; ++k) bias[k] -= m[k];
  }
  out.push_back(TensorData::from_f32("resnet.seg_1.weight", {256, 5120}, weight));
  out.push_back(TensorData::from_f32("resnet.seg_1.bias", {256}, bias));
  return out;
}

}  // namespace diarize
