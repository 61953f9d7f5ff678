// SVG timeline writer. Coordinates are printed with fixed decimals so the output is byte-stable.
#include "output/timeline_svg.h"

#include "output/markup_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace diarize {

namespace {

constexpr const char* kPalette[16] = {
    // Okabe & Ito (2008), "Color Universal Design".
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    // Paul Tol's "muted" qualitative scheme.
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255"};

constexpr const char* kLaneBackground = "#F0F0F0";
constexpr const char* kInk = "#333333";

std::string xml_text(const std::string& text) { return markup_text(text, true); }

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string format_title_duration(double seconds) {
  char buffer[64];
  if (seconds < 60.0) {
    std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
    return buffer;
  }
  const long long total = std::llround(seconds);
  if (total < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lld min %02lld s", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld h %02lld min %02lld s", total / 3600, total / 60 % 60, total % 60);
  }
  return buffer;
}

std::string fill_of(int k) {
  const SpeakerStyle style = speaker_style(k);
  if (!style.hatched) return style.colour;
  return "url(#hatch-" + std::to_string(k % 16) + ")";
}

}  // namespace

SpeakerStyle speaker_style(int k) {
  const int index = std::max(0, k);
  return {kPalette[index % 16], (index / 16) % 2 == 1};
}

double tick_step_s(double px_per_s, int min_px) {
  static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
                                 3600, 7200, 10800, 21600, 43200};
  for (const double step : steps)
    if (step * px_per_s >= min_px) return step;
  // Longer than any list entry: whole multiples of 12 h.
  return 43200.0 * std::ceil(min_px / (43200.0 * px_per_s));
}

std::string format_tick_label(double seconds, double duration_s, double step_s) {
  char buffer[64];
  if (duration_s < 120.0) {
    std::snprintf(buffer, sizeof(buffer), step_s < 1.0 ? "%.1f s" : "%.0f s", seconds);
    return buffer;
  }
  const long long total = std::llround(seconds);
  if (duration_s < 3600.0) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  }
  return buffer;
}

std::string format_timeline_svg(const std::string& title, double duration_s, const std::vector<std::string>& labels,
                                const std::vector<SpeakerTurn>& turns, const TimelineLayout& layout) {
  double length_s = std::max(0.0, duration_s);
  for (const SpeakerTurn& t : turns) length_s = std::max(length_s, t.end_s);
  const bool one_row = length_s <= layout.single_row_max_s;
  const double row_s = one_row ? std::max(length_s, 1.0) : layout.row_duration_s;
  const int rows = one_row ? 1 : static_cast<int>(std::ceil(length_s / row_s - 1e-9));
  const int lanes = static_cast<int>(labels.size());
  const int plot_left = layout.label_width_px;
  const int plot_width = layout.width_px - layout.label_width_px - layout.right_margin_px;
  const double px_per_s = plot_width / row_s;
  const double step_s = tick_step_s(px_per_s, layout.min_tick_spacing_px);
  const int lane_pitch = layout.lane_height_px + layout.lane_gap_px;
  const int row_height = std::max(lanes, 1) * lane_pitch + layout.axis_height_px;
  const int height = layout.title_height_px + rows * row_height + (rows - 1) * layout.row_gap_px + layout.bottom_margin_px;

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(layout.width_px) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(layout.width_px) + " " +
         std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  const std::string heading = xml_text(title) + " \xE2\x80\x94 " + format_title_duration(length_s);
  out += "<title>" + heading + "</title>\n";
  bool any_hatched = false;
  for (int k = 0; k < lanes; ++k) any_hatched = any_hatched || speaker_style(k).hatched;
  if (any_hatched) {
    out += "<defs>\n";
    for (int c = 0; c < std::min(lanes, 16); ++c)
      out += "<pattern id=\"hatch-" + std::to_string(c) +
             "\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
             "<rect width=\"6\" height=\"6\" fill=\"" + std::string(kPalette[c]) +
             "\"/><rect width=\"2\" height=\"6\" fill=\"#FFFFFF\"/></pattern>\n";
    out += "</defs>\n";
  }
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n";
  out += "<text x=\"12\" y=\"28\" font-size=\"16\" font-weight=\"bold\" fill=\"" + std::string(kInk) + "\">" +
         heading + "</text>\n";

  for (int r = 0; r < rows; ++r) {
    const double row_start_s = r * row_s;
    const double row_end_s = std::min(row_start_s + row_s, std::max(length_s, one_row ? row_s : 0.0));
    const int top = layout.title_height_px + r * (row_height + layout.row_gap_px);
    const double row_width = (row_end_s - row_start_s) * px_per_s;
    out += "<g class=\"row\">\n";
    for (int k = 0; k < lanes; ++k) {
      const int y = top + k * lane_pitch;
      const std::string label = xml_text(labels[static_cast<size_t>(k)]);
      out += "<rect class=\"lane\" x=\"" + std::to_string(plot_left) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             number(row_width) + "\" height=\"" + std::to_string(layout.lane_height_px) + "\" fill=\"" +
             kLaneBackground + "\"/>\n";
      out += "<rect class=\"swatch\" x=\"8\" y=\"" + std::to_string(y + 3) + "\" width=\"10\" height=\"10\" fill=\"" +
             fill_of(k) + "\"/>\n";
      out += "<text class=\"label\" x=\"24\" y=\"" + std::to_string(y + layout.lane_height_px - 4) + "\" fill=\"" +
             kInk + "\">" + label + "</text>\n";
    }
    if (lanes == 0)
      out += "<text x=\"" + std::to_string(plot_left) + "\" y=\"" + std::to_string(top + layout.lane_height_px - 4) +
             "\" fill=\"" + kInk + "\">no speech</text>\n";
    for (const SpeakerTurn& turn : turns) {
      if (turn.speaker < 0 || turn.speaker >= lanes) continue;
      const double start_s = std::max(turn.start_s, row_start_s);
      const double end_s = std::min(turn.end_s, row_start_s + row_s);
      if (end_s < start_s || (end_s == start_s && turn.end_s > turn.start_s)) continue;  // not in this row
      const double x = plot_left + (start_s - row_start_s) * px_per_s;
      const double width = std::max(1.0, (end_s - start_s) * px_per_s);  // a turn is always visible
      out += "<rect x=\"" + number(x) + "\" y=\"" + std::to_string(top + turn.speaker * lane_pitch) + "\" width=\"" +
             number(width) + "\" height=\"" + std::to_string(layout.lane_height_px) + "\" fill=\"" +
             fill_of(turn.speaker) + "\"/>\n";
    }
    const int axis_y = top + std::max(lanes, 1) * lane_pitch;
    out += "<line x1=\"" + std::to_string(plot_left) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" +
           number(plot_left + row_width) + "\" y2=\"" + std::to_string(axis_y) + "\" stroke=\"" + kInk + "\"/>\n";
    const long long first_tick = static_cast<long long>(std::ceil(row_start_s / step_s - 1e-9));
    for (long long i = first_tick;; ++i) {
      const double t = i * step_s;
      if (t > row_end_s + 1e-9) break;
      const double x = plot_left + (t - row_start_s) * px_per_s;
      out += "<line x1=\"" + number(x) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" + number(x) + "\" y2=\"" +
             std::to_string(axis_y + 4) + "\" stroke=\"" + kInk + "\"/>\n";
      out += "<text class=\"tick\" x=\"" + number(x) + "\" y=\"" + std::to_string(axis_y + 16) +
             "\" text-anchor=\"middle\" font-size=\"11\" fill=\"" + kInk + "\">" +
             format_tick_label(t, length_s, step_s) + "</text>\n";
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace diarize
