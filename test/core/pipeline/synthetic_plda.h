// A PLDA for synthetic test voices in `dim` dimensions (no learned parameters): identity
// projection, speaker means spread 12 per axis, a long track's mean within 0.05 of its speaker's,
// frames of unit variance.
#pragma once

#include "pipeline/builtin_plda.h"

namespace diarize::test {

inline BuiltinPlda synthetic_plda(int dim) {
  BuiltinPlda p;
  p.input_dim = p.dim = dim;
  p.mean.assign(dim, 0.0);
  p.projection.assign(static_cast<size_t>(dim) * dim, 0.0);
  p.between = p.within = p.within_per_frame = p.projection;
  for (int i = 0; i < dim; ++i) {
    const size_t d = static_cast<size_t>(i) * dim + i;
    p.projection[d] = 1.0;
    p.between[d] = 12.0;
    p.within[d] = 0.05;
    p.within_per_frame[d] = 1.0;
  }
  p.prepare();
  return p;
}

}  // namespace diarize::test
