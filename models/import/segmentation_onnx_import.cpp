// segmentation-3.0 ONNX → pyannote PyanNet state dict (see the header for the mapping rules).
#include "import/segmentation_onnx_import.h"

#include <cmath>
#include <map>
#include <set>

namespace diarize {

namespace {

constexpr int kHidden = 128;
constexpr int kLstmLayers = 4;

class GraphIndex {
 public:
  GraphIndex(const OnnxModel& model) : model_(model), graph_(model.graph) {
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
      for (const auto& out : graph_.nodes[i].outputs) producer_[out] = &graph_.nodes[i];
      for (const auto& in : graph_.nodes[i].inputs)
        if (!in.empty()) consumers_[in].push_back(&graph_.nodes[i]);
    }
  }

  FormatError error(const std::string& why) const {
    return FormatError(model_.origin + ": not a pyannote segmentation-3.0 (PyanNet) model: " + why);
  }

  const TensorData* initializer(const std::string& name) const {
    return name.empty() ? nullptr : graph_.initializer(name);
  }

  // The initializer behind input `index` of `node`, looking through Reshape/Unsqueeze of an
  // initializer (how onnxruntime feeds a Conv bias) and Constant nodes.
  const TensorData* constant_input(const OnnxNode& node, size_t index) const {
    if (index >= node.inputs.size()) return nullptr;
    return constant_value(node.inputs[index]);
  }

  const TensorData* constant_value(const std::string& name) const {
    if (const TensorData* t = initializer(name)) return t;
    auto it = producer_.find(name);
    if (it == producer_.end()) return nullptr;
    const OnnxNode& p = *it->second;
    if (p.op_type == "Constant") {
      const OnnxAttribute* value = p.attribute("value");
      return value && !value->tensors.empty() ? &value->tensors[0] : nullptr;
    }
    if ((p.op_type == "Reshape" || p.op_type == "Unsqueeze") && !p.inputs.empty())
      return initializer(p.inputs[0]);
    return nullptr;
  }

  const TensorData& required_input(const OnnxNode& node, size_t index, const std::string& what) const {
    const TensorData* t = constant_input(node, index);
    if (!t) throw error(node.op_type + " node '" + node.name + "': " + what + " (input " + std::to_string(index) +
                        ") is not an initializer");
    return *t;
  }

  const std::vector<const OnnxNode*>& consumers(const std::string& value) const {
    static const std::vector<const OnnxNode*> none;
    auto it = consumers_.find(value);
    return it == consumers_.end() ? none : it->second;
  }

  // Follows `value` forward through a single chain of Cast/Mul (the dequantize-the-result steps of
  // ConvInteger/MatMulInteger) to the first Add; returns that Add's constant operand (the bias), or
  // nullptr. `scales` collects the constant operands of the Muls and of the Muls feeding them.
  const TensorData* bias_after(const std::string& value, std::vector<const TensorData*>* scales) const {
    std::string current = value;
    for (int step = 0; step < 4; ++step) {
      const auto& next = consumers(current);
      if (next.size() != 1 || next[0]->outputs.empty()) return nullptr;
      const OnnxNode& n = *next[0];
      if (n.op_type == "Add") {
        for (size_t i = 0; i < n.inputs.size(); ++i)
          if (n.inputs[i] != current)
            if (const TensorData* bias = constant_input(n, i)) return bias;
        return nullptr;
      }
      if (n.op_type == "Mul" && scales) {
        for (size_t i = 0; i < n.inputs.size(); ++i) {
          if (n.inputs[i] == current) continue;
          if (const TensorData* s = constant_input(n, i)) scales->push_back(s);
          auto p = producer_.find(n.inputs[i]);
          if (p != producer_.end() && p->second->op_type == "Mul")
            for (size_t j = 0; j < p->second->inputs.size(); ++j)
              if (const TensorData* s = constant_input(*p->second, j)) scales->push_back(s);
        }
      } else if (n.op_type != "Cast" && n.op_type != "Mul") {
        return nullptr;
      }
      current = n.outputs[0];
    }
    return nullptr;
  }

  const OnnxGraph& graph() const { return graph_; }

 private:
  const OnnxModel& model_;
  const OnnxGraph& graph_;
  std::map<std::string, const OnnxNode*> producer_;
  std::map<std::string, std::vector<const OnnxNode*>> consumers_;
};

bool is_float(const TensorData& t) { return t.dtype == DType::F32 || t.dtype == DType::F64 || t.dtype == DType::F16; }

TensorData renamed_f32(const TensorData& t, const std::string& name) {
  return TensorData::from_f32(name, t.shape, t.to_f32());
}

// Dequantizes `q` (int8/uint8) as (q − zero_point) · scale in float32, onnxruntime's definition.
// `scale`/`zero_point` hold one value (per tensor) or one per slice along `axis` (per channel).
std::vector<float> dequantize(const GraphIndex& g, const TensorData& q, const TensorData& scale,
                              const TensorData* zero_point, int axis) {
  if (q.dtype != DType::I8 && q.dtype != DType::U8)
    throw g.error("quantized weight '" + q.name + "' is " + dtype_name(q.dtype) + ", expected I8 or U8");
  const std::vector<float> values = q.to_f32();
  const std::vector<float> scales = scale.to_f32();
  const std::vector<float> zeros = zero_point ? zero_point->to_f32() : std::vector<float>(scales.size(), 0.0f);
  if (zeros.size() != scales.size() || scales.empty())
    throw g.error("scale '" + scale.name + "' and zero point of '" + q.name + "' disagree in size");
  int64_t outer = 1, channels = 1, inner = 1;
  if (scales.size() > 1) {
    if (axis < 0 || axis >= static_cast<int>(q.shape.size()) || q.shape[axis] != static_cast<int64_t>(scales.size()))
      throw g.error("scale '" + scale.name + "' has " + std::to_string(scales.size()) + " values, which fits no axis of '" +
                    q.name + "' " + shape_to_string(q.shape));
    for (int d = 0; d < axis; ++d) outer *= q.shape[d];
    channels = q.shape[axis];
    for (size_t d = axis + 1; d < q.shape.size(); ++d) inner *= q.shape[d];
  } else {
    inner = static_cast<int64_t>(values.size());
  }
  std::vector<float> out(values.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        const size_t k = static_cast<size_t>((o * channels + c) * inner + i);
        out[k] = (values[k] - zeros[c]) * scales[c];
      }
  return out;
}

void expect_shape(const GraphIndex& g, const TensorData& t, const std::vector<int64_t>& shape, const std::string& what) {
  if (t.shape != shape)
    throw g.error(what + " '" + t.name + "' has shape " + shape_to_string(t.shape) + ", expected " + shape_to_string(shape));
}

// Reorders the four gate blocks of a [4H, ...] PyTorch-layout matrix from ONNX (i,o,f,c) to
// PyTorch (i,f,g,o). `row` is the size of one row (1 for a bias).
std::vector<float> onnx_gates_to_torch(const std::vector<float>& onnx, int64_t row) {
  static const int kSourceBlock[4] = {0, 2, 3, 1};  // torch gate k comes from ONNX block kSourceBlock[k]
  const int64_t block = kHidden * row;
  std::vector<float> out(onnx.size());
  for (int k = 0; k < 4; ++k)
    std::copy(onnx.begin() + kSourceBlock[k] * block, onnx.begin() + (kSourceBlock[k] + 1) * block,
              out.begin() + k * block);
  return out;
}

struct LstmDirection {
  std::vector<float> weight_ih, weight_hh, bias_ih, bias_hh;
};

// One ONNX weight (W or R) as per-direction PyTorch matrices [4H, in], still in ONNX gate order.
std::vector<std::vector<float>> lstm_weight(const GraphIndex& g, const OnnxNode& node, size_t index, bool quantized,
                                            int64_t& in_size, const std::string& what) {
  const TensorData& w = g.required_input(node, index, what);
  if (w.shape.size() != 3 || w.shape[0] != 2)
    throw g.error(what + " '" + w.name + "' has shape " + shape_to_string(w.shape) + ", expected a bidirectional [2,..,..]");
  std::vector<float> values;
  if (quantized) {
    // com.microsoft DynamicQuantizeLSTM: W [dir, in, 4H], scale/zero point per direction or per
    // (direction, column); inputs 8..11 are W_scale, W_zero_point, R_scale, R_zero_point.
    const size_t scale_index = index == 1 ? 8 : 10;
    const TensorData& scale = g.required_input(node, scale_index, what + " scale");
    const TensorData* zero = g.constant_input(node, scale_index + 1);
    in_size = w.shape[1];
    if (w.shape[2] != 4 * kHidden) throw g.error(what + " '" + w.name + "' is not [2,in,512]");
    const int axis = scale.numel() == 2 ? 0 : 2;
    if (scale.numel() == 2 * 4 * kHidden) {
      // Per (direction, column): flatten to per-column over a [2·in... ] view is not contiguous, so
      // expand to one value per element instead.
      const std::vector<float> q = w.to_f32(), s = scale.to_f32();
      const std::vector<float> z = zero ? zero->to_f32() : std::vector<float>(s.size(), 0.0f);
      values.resize(q.size());
      for (int64_t d = 0; d < 2; ++d)
        for (int64_t i = 0; i < in_size; ++i)
          for (int64_t c = 0; c < 4 * kHidden; ++c) {
            const size_t k = static_cast<size_t>((d * in_size + i) * 4 * kHidden + c);
            values[k] = (q[k] - z[d * 4 * kHidden + c]) * s[d * 4 * kHidden + c];
          }
    } else {
      values = dequantize(g, w, scale, zero, axis);
    }
    // [dir, in, 4H] → [dir, 4H, in]
    std::vector<std::vector<float>> out(2, std::vector<float>(values.size() / 2));
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t i = 0; i < in_size; ++i)
        for (int64_t c = 0; c < 4 * kHidden; ++c)
          out[d][c * in_size + i] = values[(d * in_size + i) * 4 * kHidden + c];
    return out;
  }
  if (!is_float(w)) throw g.error(what + " '" + w.name + "' is not floating point");
  if (w.shape[1] != 4 * kHidden) throw g.error(what + " '" + w.name + "' is not [2,512,in]");
  in_size = w.shape[2];
  values = w.to_f32();
  const size_t half = values.size() / 2;
  return {std::vector<float>(values.begin(), values.begin() + half), std::vector<float>(values.begin() + half, values.end())};
}

std::vector<TensorData> lstm_layer(const GraphIndex& g, const OnnxNode& node, int layer) {
  const bool quantized = node.op_type == "DynamicQuantizeLSTM";
  const std::string what = node.op_type + " node '" + node.name + "'";
  const OnnxAttribute* direction = node.attribute("direction");
  if (!direction || direction->s != "bidirectional") throw g.error(what + " is not bidirectional");
  const OnnxAttribute* hidden = node.attribute("hidden_size");
  if (!hidden || hidden->i != kHidden) throw g.error(what + " does not have hidden_size 128");
  int64_t in_w = 0, in_r = 0;
  const auto w = lstm_weight(g, node, 1, quantized, in_w, what + " W");
  const auto r = lstm_weight(g, node, 2, quantized, in_r, what + " R");
  if (in_r != kHidden) throw g.error(what + " R is not [.., 128]");
  const TensorData& b = g.required_input(node, 3, what + " B");
  expect_shape(g, b, {2, 8 * kHidden}, what + " B");
  const std::vector<float> bias = b.to_f32();

  std::vector<TensorData> out;
  for (int d = 0; d < 2; ++d) {
    const std::string suffix = "_l" + std::to_string(layer) + (d ? "_reverse" : "");
    const auto first = bias.begin() + d * 8 * kHidden;
    const std::vector<float> bias_ih(first, first + 4 * kHidden), bias_hh(first + 4 * kHidden, first + 8 * kHidden);
    out.push_back(TensorData::from_f32("lstm.weight_ih" + suffix, {4 * kHidden, in_w}, onnx_gates_to_torch(w[d], in_w)));
    out.push_back(TensorData::from_f32("lstm.weight_hh" + suffix, {4 * kHidden, in_r}, onnx_gates_to_torch(r[d], in_r)));
    out.push_back(TensorData::from_f32("lstm.bias_ih" + suffix, {4 * kHidden}, onnx_gates_to_torch(bias_ih, 1)));
    out.push_back(TensorData::from_f32("lstm.bias_hh" + suffix, {4 * kHidden}, onnx_gates_to_torch(bias_hh, 1)));
  }
  return out;
}

// The quantized weight's scale: the Mul after ConvInteger/MatMulInteger multiplies the result by
// (activation scale · weight scale); the weight scale is the one that is an initializer.
const TensorData& weight_scale(const GraphIndex& g, const OnnxNode& node, const std::vector<const TensorData*>& scales) {
  for (const TensorData* s : scales)
    if (s->dtype == DType::F32) return *s;
  throw g.error(node.op_type + " node '" + node.name + "': cannot find the weight scale that dequantizes its result");
}

// Conv/ConvInteger → {weight [out,in,k], bias [out]}.
std::vector<TensorData> conv_layer(const GraphIndex& g, const OnnxNode& node, const std::string& prefix) {
  const std::string what = node.op_type + " node '" + node.name + "'";
  const TensorData& w = g.required_input(node, 1, what + " weight");
  if (w.shape.size() != 3) throw g.error(what + " weight is not 3-D");
  std::vector<const TensorData*> scales;
  const TensorData* bias = nullptr;
  std::vector<float> weight;
  if (node.op_type == "ConvInteger") {
    bias = g.bias_after(node.outputs.at(0), &scales);
    const TensorData& scale = weight_scale(g, node, scales);
    weight = dequantize(g, w, scale, g.constant_input(node, 3), 0);
  } else {
    if (!is_float(w)) throw g.error(what + " weight is not floating point");
    weight = w.to_f32();
    bias = g.constant_input(node, 2);
    if (!bias) bias = g.bias_after(node.outputs.at(0), nullptr);
  }
  if (!bias) throw g.error(what + " has no bias");
  expect_shape(g, *bias, {w.shape[0]}, what + " bias");
  return {TensorData::from_f32(prefix + ".weight", w.shape, weight), renamed_f32(*bias, prefix + ".bias")};
}

// MatMul/MatMulInteger [in,out] + Add bias → Linear {weight [out,in], bias [out]}; empty when the
// MatMul is not followed by a bias Add (SincNet's filterbank MatMul with n_).
std::vector<TensorData> linear_layer(const GraphIndex& g, const OnnxNode& node, const std::string& prefix) {
  const std::string what = node.op_type + " node '" + node.name + "'";
  const TensorData* w = g.constant_input(node, 1);
  if (!w || w->shape.size() != 2) return {};
  std::vector<const TensorData*> scales;
  const TensorData* bias = g.bias_after(node.outputs.at(0), &scales);
  if (!bias) return {};
  std::vector<float> weight;
  if (node.op_type == "MatMulInteger") {
    const TensorData& scale = weight_scale(g, node, scales);
    // Per-channel MatMulInteger weights are quantized per output column (axis 1 of [in,out]).
    weight = dequantize(g, *w, scale, g.constant_input(node, 3), 1);
  } else {
    if (!is_float(*w)) throw g.error(what + " weight is not floating point");
    weight = w->to_f32();
  }
  const int64_t in = w->shape[0], out = w->shape[1];
  expect_shape(g, *bias, {out}, what + " bias");
  std::vector<float> transposed(weight.size());
  for (int64_t i = 0; i < in; ++i)
    for (int64_t o = 0; o < out; ++o) transposed[o * in + i] = weight[i * out + o];
  return {TensorData::from_f32(prefix + ".weight", {out, in}, transposed), renamed_f32(*bias, prefix + ".bias")};
}

const TensorData& named_float(const GraphIndex& g, const std::string& name, const std::vector<int64_t>& shape) {
  const TensorData* t = g.initializer(name);
  if (!t) throw g.error("initializer '" + name + "' is missing");
  if (!is_float(*t)) throw g.error("initializer '" + name + "' is not floating point");
  expect_shape(g, *t, shape, "initializer");
  return *t;
}

}  // namespace

TensorData sincnet_n_buffer(int kernel_size, int sample_rate_hz, const std::string& name) {
  const int half = kernel_size / 2;
  // Evaluated in double and rounded once to float32: this matches the reference buffer bit for bit
  // for all 125 taps, whereas float32 divide-then-multiply (the goldens' README wording) differs
  // in 53 taps by one ulp.
  std::vector<float> n(half);
  for (int k = 0; k < half; ++k)
    n[k] = static_cast<float>(2.0 * M_PI * (static_cast<double>(k - half) / static_cast<double>(sample_rate_hz)));
  return TensorData::from_f32(name, {1, half}, n);
}

std::vector<TensorData> segmentation_state_dict_from_onnx(const OnnxModel& model) {
  const GraphIndex g(model);
  const OnnxGraph& graph = g.graph();
  if (graph.inputs.empty()) throw g.error("the graph has no input");
  const std::set<std::string> graph_inputs(graph.inputs.begin(), graph.inputs.end());

  std::vector<TensorData> wav_norm, norms, convs, lstm, linears;
  int num_lstm = 0, num_linear = 0, num_conv = 0;
  static const char* kLinearNames[] = {"linear.0", "linear.1", "classifier"};
  for (const OnnxNode& node : graph.nodes) {
    const std::string what = node.op_type + " node '" + node.name + "'";
    if (node.op_type == "InstanceNormalization") {
      const bool on_waveform = !node.inputs.empty() && graph_inputs.count(node.inputs[0]) && !g.initializer(node.inputs[0]);
      std::string prefix;
      if (on_waveform) {
        if (!wav_norm.empty()) throw g.error("two InstanceNormalizations read the waveform");
        prefix = "sincnet.wav_norm1d";
      } else {
        if (norms.size() == 6) throw g.error("more than three feature InstanceNormalizations");
        prefix = "sincnet.norm1d." + std::to_string(norms.size() / 2);
      }
      auto& out = on_waveform ? wav_norm : norms;
      out.push_back(renamed_f32(g.required_input(node, 1, "scale"), prefix + ".weight"));
      out.push_back(renamed_f32(g.required_input(node, 2, "bias"), prefix + ".bias"));
      const OnnxAttribute* eps = node.attribute("epsilon");
      if (eps && std::fabs(eps->f - 1e-5f) > 1e-9f) throw g.error(what + " has epsilon " + std::to_string(eps->f) + ", not 1e-5");
    } else if (node.op_type == "Conv" || node.op_type == "ConvInteger") {
      if (num_conv == 2) throw g.error("more than two Conv layers");
      for (auto& t : conv_layer(g, node, "sincnet.conv1d." + std::to_string(++num_conv))) convs.push_back(std::move(t));
    } else if (node.op_type == "LSTM" || node.op_type == "DynamicQuantizeLSTM") {
      if (num_lstm == kLstmLayers) throw g.error("more than four LSTM layers");
      for (auto& t : lstm_layer(g, node, num_lstm++)) lstm.push_back(std::move(t));
    } else if (node.op_type == "MatMul" || node.op_type == "MatMulInteger") {
      if (num_linear < 3) {
        auto layer = linear_layer(g, node, kLinearNames[num_linear]);
        if (!layer.empty()) {
          ++num_linear;
          for (auto& t : layer) linears.push_back(std::move(t));
        }
      } else if (!linear_layer(g, node, "extra").empty()) {
        throw g.error("more than three Linear layers");
      }
    }
  }
  if (wav_norm.empty() || norms.size() != 6) throw g.error("expected 4 InstanceNormalization nodes");
  if (num_conv != 2) throw g.error("expected 2 Conv layers, found " + std::to_string(num_conv));
  if (num_lstm != kLstmLayers) throw g.error("expected 4 LSTM layers, found " + std::to_string(num_lstm));
  if (num_linear != 3) throw g.error("expected 3 Linear layers (MatMul + bias), found " + std::to_string(num_linear));

  // pyannote's state_dict order.
  std::vector<TensorData> out;
  for (auto& t : wav_norm) out.push_back(std::move(t));
  const std::string fb = "sincnet.conv1d.0.filterbank.";
  out.push_back(renamed_f32(named_float(g, fb + "low_hz_", {40, 1}), fb + "low_hz_"));
  out.push_back(renamed_f32(named_float(g, fb + "band_hz_", {40, 1}), fb + "band_hz_"));
  out.push_back(renamed_f32(named_float(g, fb + "window_", {125}), fb + "window_"));
  out.push_back(sincnet_n_buffer(251, 16000, fb + "n_"));
  for (auto& t : convs) out.push_back(std::move(t));
  for (auto& t : norms) out.push_back(std::move(t));
  for (auto& t : lstm) out.push_back(std::move(t));
  for (auto& t : linears) out.push_back(std::move(t));
  return out;
}

}  // namespace diarize
