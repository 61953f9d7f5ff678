// Checks of the two community-1 PLDA files.
#include "formats/plda_file.h"

#include <algorithm>
#include <cmath>

#include "formats/numpy_file.h"

namespace diarize {

const char* plda_part_file_name(PldaPart part) {
  return part == PldaPart::kTransform ? "xvec_transform.npz" : "plda.npz";
}

namespace {

struct Expected {
  const char* name;
  std::vector<int64_t> shape;
};

const std::vector<Expected>& expected_arrays(PldaPart part) {
  static const std::vector<Expected> transform = {
      {"mean1", {kPldaInputDim}}, {"mean2", {kPldaLdaDim}}, {"lda", {kPldaInputDim, kPldaLdaDim}}};
  static const std::vector<Expected> model = {
      {"mu", {kPldaLdaDim}}, {"tr", {kPldaLdaDim, kPldaLdaDim}}, {"psi", {kPldaLdaDim}}};
  return part == PldaPart::kTransform ? transform : model;
}

const TensorData* find(const std::vector<TensorData>& arrays, const std::string& name) {
  for (const TensorData& t : arrays)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<double> values_of(const std::vector<TensorData>& arrays, const char* name) {
  return find(arrays, name)->to_f64();
}

}  // namespace

PldaPart check_plda_part(const std::vector<TensorData>& arrays, const std::string& path) {
  const bool transform = find(arrays, "lda") || find(arrays, "mean1");
  const bool model = find(arrays, "tr") || find(arrays, "psi");
  if (transform == model)
    throw FormatError(path + ": .npz is neither a PLDA x-vector transform (mean1, mean2, lda) nor a PLDA model (mu, tr, psi)");
  const PldaPart part = transform ? PldaPart::kTransform : PldaPart::kModel;
  const std::string what = path + " (" + plda_part_file_name(part) + ")";
  const auto& expected = expected_arrays(part);
  for (const TensorData& t : arrays) {
    const bool known = std::any_of(expected.begin(), expected.end(), [&](const Expected& e) { return t.name == e.name; });
    if (!known) throw FormatError(what + ": unexpected array '" + t.name + "'");
  }
  for (const Expected& e : expected) {
    const TensorData* t = find(arrays, e.name);
    if (!t) throw FormatError(what + ": array '" + std::string(e.name) + "' is missing");
    if (t->shape != e.shape)
      throw FormatError(what + ": array '" + t->name + "' has shape " + shape_to_string(t->shape) + ", expected " +
                        shape_to_string(e.shape));
    const std::vector<double> values = t->to_f64();
    for (size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        throw FormatError(what + ": array '" + t->name + "' holds a non-finite value at index " + std::to_string(i));
    if (e.name == std::string("psi"))
      for (size_t i = 0; i < values.size(); ++i)
        if (!(values[i] > 0.0))
          throw FormatError(what + ": psi[" + std::to_string(i) + "] = " + std::to_string(values[i]) +
                            " is not positive (PLDA between-class variances must be)");
  }
  return part;
}

PldaModel read_plda(const std::string& transform_path, const std::string& plda_path) {
  const std::vector<TensorData> transform = read_npz(transform_path);
  if (check_plda_part(transform, transform_path) != PldaPart::kTransform)
    throw FormatError(transform_path + ": holds the PLDA model (plda.npz), not the x-vector transform");
  const std::vector<TensorData> model = read_npz(plda_path);
  if (check_plda_part(model, plda_path) != PldaPart::kModel)
    throw FormatError(plda_path + ": holds the x-vector transform (xvec_transform.npz), not the PLDA model");
  PldaModel plda;
  plda.mean1 = values_of(transform, "mean1");
  plda.mean2 = values_of(transform, "mean2");
  plda.lda = values_of(transform, "lda");
  plda.mu = values_of(model, "mu");
  plda.tr = values_of(model, "tr");
  plda.psi = values_of(model, "psi");
  plda.transform_path = transform_path;
  plda.plda_path = plda_path;
  return plda;
}

}  // namespace diarize
