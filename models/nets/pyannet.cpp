// PyanNet forward pass.
#include "nets/pyannet.h"

#include <torch/nn/functional/activation.h>

namespace diarize {

namespace F = torch::nn::functional;

PyanNetImpl::PyanNetImpl() {
  sincnet = register_module("sincnet", SincNet());
  // Dropout 0.5 between LSTM layers is part of the upstream hyper-parameters; eval mode disables it.
  lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(60, 128)
                                                     .num_layers(4)
                                                     .bidirectional(true)
                                                     .batch_first(true)
                                                     .dropout(0.5)));
  linear = register_module("linear", torch::nn::ModuleList());
  linear->push_back(torch::nn::Linear(256, 128));
  linear->push_back(torch::nn::Linear(128, 128));
  classifier = register_module("classifier", torch::nn::Linear(128, kNumClasses));
}

bool PyanNetImpl::use_bf16_lstm(bool enabled) {
  if (enabled && !LstmInference::cpu_has_bf16_kernels()) return false;
  fast_lstm_.set_bf16(enabled);
  return true;
}

torch::Tensor PyanNetImpl::forward(const torch::Tensor& waveform) {
  TORCH_CHECK(waveform.dim() == 3 && waveform.size(1) == 1, "PyanNet expects a [batch, 1, samples] waveform, got ",
              waveform.sizes());
  // [B, 60, frames] → [B, frames, 60]
  torch::Tensor x = sincnet->forward(waveform).transpose(1, 2);
  const auto& lstm_options = lstm->options;
  if (!is_training() && LstmInference::supports(x, lstm_options.hidden_size()))
    x = fast_lstm_.forward(x, lstm->all_weights(), lstm_options.num_layers(), lstm_options.bidirectional());
  else
    x = std::get<0>(lstm->forward(x));
  for (size_t i = 0; i < linear->size(); ++i)
    x = F::leaky_relu(linear->ptr<torch::nn::LinearImpl>(i)->forward(x), F::LeakyReLUFuncOptions().negative_slope(0.01));
  return torch::log_softmax(classifier->forward(x), -1);
}

}  // namespace diarize
