// The built-in path's exclusive diarization: the newcomer takes the floor in overlapped speech.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pipeline/turn_taking.h"

using namespace diarize;

namespace {

// One row per speaker, one character per frame: '1' on, '0' off.
FrameSeries series(const std::vector<std::string>& rows) {
  FrameSeries s;
  s.frames = FrameGrid{0.0, 0.1, 0.1};
  s.num_frames = static_cast<int64_t>(rows.at(0).size());
  s.num_columns = static_cast<int64_t>(rows.size());
  s.values.assign(static_cast<size_t>(s.num_frames * s.num_columns), 0.0f);
  for (int64_t k = 0; k < s.num_columns; ++k)
    for (int64_t f = 0; f < s.num_frames; ++f) s.at(f, k) = rows[k][f] == '1' ? 1.0f : 0.0f;
  return s;
}

std::vector<std::string> rows(const FrameSeries& s) {
  std::vector<std::string> out(static_cast<size_t>(s.num_columns), std::string(static_cast<size_t>(s.num_frames), '0'));
  for (int64_t k = 0; k < s.num_columns; ++k)
    for (int64_t f = 0; f < s.num_frames; ++f)
      if (s.at(f, k) > 0.5f) out[k][f] = '1';
  return out;
}

}  // namespace

TEST_CASE("in overlapped speech the speaker whose turn began last has the floor", "[builtin][exclusive]") {
  const FrameSeries regular = series({"1111111100", "0000111111"});
  FrameSeries activations = regular;
  for (int f = 4; f < 8; ++f) activations.at(f, 0) = 5.0f;  // the earlier speaker is louder: no matter
  CHECK(rows(exclusive_by_turn_taking(regular, activations)) == std::vector<std::string>{"1111000000", "0000111111"});
}

TEST_CASE("a speaker who stops and starts again is a newcomer again", "[builtin][exclusive]") {
  const FrameSeries regular = series({"0011111111", "1111011100"});
  CHECK(rows(exclusive_by_turn_taking(regular, regular)) == std::vector<std::string>{"0011100011", "1100011100"});
}

TEST_CASE("turns that begin together go to the more active speaker; silence stays silent", "[builtin][exclusive]") {
  const FrameSeries regular = series({"0111100", "0111110", "0000000"});
  FrameSeries activations = regular;
  for (int f = 1; f < 6; ++f) activations.at(f, 1) = 2.0f;
  CHECK(rows(exclusive_by_turn_taking(regular, activations)) ==
        std::vector<std::string>{"0000000", "0111110", "0000000"});
}

TEST_CASE("exclusive_by_turn_taking refuses activations of another length", "[builtin][exclusive]") {
  const FrameSeries regular = series({"0110"});
  const FrameSeries shorter = series({"011"});
  CHECK_THROWS_AS(exclusive_by_turn_taking(regular, shorter), std::invalid_argument);
}
