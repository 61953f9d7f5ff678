// A self-contained SVG picture of who spoke when: the file name and duration as title, one
// labelled lane per speaker with its turns as flat opaque bars, a time axis under each row.
// Recordings up to `single_row_max_s` (10 min) fit one row; longer ones wrap into rows of
// `row_duration_s` (10 min) each, all at the same scale, so a 3-hour file is 18 readable rows.
// Colours: Okabe-Ito for speakers 0-7, Paul Tol's "muted" colours for 8-15 (both made to be told
// apart with colour-blindness), then the same 16 again with white hatching for 16-31, and so on
// (the lane and its label always name the speaker, so a repeated style stays readable).
// No scripts, no external resources, a generic font family, explicit width and height.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"

namespace diarize {

struct TimelineLayout {
  int width_px = 1000;
  int label_width_px = 130;   // lane labels on the left of the bars
  int right_margin_px = 24;
  int title_height_px = 44;
  int lane_height_px = 16;
  int lane_gap_px = 4;
  int axis_height_px = 26;    // tick marks and their labels under each row
  int row_gap_px = 14;
  int bottom_margin_px = 8;
  int min_tick_spacing_px = 60;
  double single_row_max_s = 600.0;  // up to this length: one row spanning the recording
  double row_duration_s = 600.0;    // longer recordings: rows of this duration
};

struct SpeakerStyle {
  std::string colour;  // "#RRGGBB"
  bool hatched = false;
};

// The style of speaker index k (see the header comment).
SpeakerStyle speaker_style(int k);

// `title` is shown as given (escaped); `turns` are drawn per speaker lane.
std::string format_timeline_svg(const std::string& title, double duration_s, const std::vector<std::string>& labels,
                                const std::vector<SpeakerTurn>& turns, const TimelineLayout& layout = {});

// The seconds between axis ticks for a scale of `px_per_s`: the smallest of 0.1, 0.2, 0.5, 1, 2,
// 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h that puts ticks `min_px` apart.
double tick_step_s(double px_per_s, int min_px);

// A tick label: "12 s" for recordings under 2 minutes, "4:30" (m:ss) under an hour, else
// "1:05:00" (h:mm:ss).
std::string format_tick_label(double seconds, double duration_s, double step_s);

}  // namespace diarize
