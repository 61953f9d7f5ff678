// The SVG timeline: well-formed (xmllint), rendered by a real renderer (rsvg-convert) at the
// size it declares, a lane, a label and a palette colour for every speaker, readable axes from
// one minute to three hours. xmllint and rsvg-convert come from Debian's libxml2-utils and
// librsvg2-bin, installed by .ci/run; without them these tests fail.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <regex>
#include <set>

#include "output/timeline_svg.h"
#include "test_support.h"

using namespace diarize;
using diarize::test::run_command;

namespace {

struct PngSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian).
PngSize png_size(const std::string& png) {
  REQUIRE(png.size() >= 24);
  REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  REQUIRE(png.compare(12, 4, "IHDR") == 0);
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

int svg_attribute(const std::string& svg, const std::string& name) {
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<svg [^>]*\\b" + name + "=\"([0-9]+)\"")));
  return std::stoi(m[1]);
}

// Checks the SVG is well-formed XML and renders at its declared size; returns the PNG's size.
PngSize check_renders(const std::string& svg) {
  const std::string dir = test::make_temp_dir();
  std::ofstream(dir + "/t.svg", std::ios::binary) << svg;
  const auto lint = run_command("xmllint --noout '" + dir + "/t.svg'");
  INFO("xmllint: " << lint.err);
  REQUIRE(lint.exit_code == 0);
  const auto render = run_command("rsvg-convert -o '" + dir + "/t.png' '" + dir + "/t.svg'");
  INFO("rsvg-convert (Debian librsvg2-bin): " << render.err);
  REQUIRE(render.exit_code == 0);
  const PngSize size = png_size(test::read_text_file(dir + "/t.png"));
  CHECK(static_cast<int>(size.width) == svg_attribute(svg, "width"));
  CHECK(static_cast<int>(size.height) == svg_attribute(svg, "height"));
  return size;
}

std::vector<std::smatch> all_matches(const std::string& text, const std::regex& re) {
  std::vector<std::smatch> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(*it);
  return out;
}

// Every speaker has a lane and a label in each row, and its palette fill on its swatch and turns.
void check_speakers(const std::string& svg, const std::vector<std::string>& labels, int rows) {
  CHECK(all_matches(svg, std::regex("<rect class=\"lane\"")).size() == labels.size() * static_cast<size_t>(rows));
  for (size_t k = 0; k < labels.size(); ++k) {
    INFO(labels[k]);
    CHECK(all_matches(svg, std::regex("<text class=\"label\"[^>]*>" + labels[k] + "</text>")).size() ==
          static_cast<size_t>(rows));
    const SpeakerStyle style = speaker_style(static_cast<int>(k));
    const std::string fill = style.hatched ? "url(#hatch-" + std::to_string(k % 16) + ")" : style.colour;
    CHECK(svg.find("<rect class=\"swatch\" x=\"8\" y=\"") != std::string::npos);
    CHECK(svg.find("height=\"10\" fill=\"" + fill + "\"/>") != std::string::npos);
    CHECK(std::regex_search(svg, std::regex("<rect x=\"[0-9.]+\" y=\"[0-9]+\" width=\"[0-9.]+\" height=\"16\" fill=\"" +
                                            std::regex_replace(fill, std::regex("[()#]"), "\\$&") + "\"/>")));
    if (style.hatched)
      CHECK(svg.find("<pattern id=\"hatch-" + std::to_string(k % 16) + "\"") != std::string::npos);
  }
}

// Ticks of one row are at least 60 px apart; turn bars are at least 1 px wide.
void check_geometry(const std::string& svg) {
  const std::regex row_re("<g class=\"row\">([\\s\\S]*?)</g>");
  for (const std::smatch& row : all_matches(svg, row_re)) {
    const std::string body = row[1];
    std::vector<double> ticks;
    for (const std::smatch& m : all_matches(body, std::regex("<text class=\"tick\" x=\"([0-9.]+)\"")))
      ticks.push_back(std::stod(m[1]));
    REQUIRE(ticks.size() >= 2);
    for (size_t i = 1; i < ticks.size(); ++i) CHECK(ticks[i] - ticks[i - 1] >= 60.0);
    for (const std::smatch& m : all_matches(body, std::regex("<rect x=\"[0-9.]+\" y=\"[0-9]+\" width=\"([0-9.]+)\"")))
      CHECK(std::stod(m[1]) >= 1.0);
  }
}

std::vector<std::string> labels_for(int n) {
  std::vector<std::string> labels;
  for (int k = 0; k < n; ++k) labels.push_back(speaker_label(k));
  return labels;
}

// Deterministic alternating turns over `duration_s` with some overlap and some very short turns.
std::vector<SpeakerTurn> constructed_turns(double duration_s, int speakers) {
  std::vector<SpeakerTurn> turns;
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) / 16777216.0;
  };
  double t = 0.3;
  int k = 0;
  while (t < duration_s - 1.0) {
    const double length = next() < 0.1 ? 0.05 : 1.0 + 20.0 * next();  // 0.05 s turns are under 1 px in long rows
    const double end = std::min(t + length, duration_s);
    turns.push_back({t, end, k});
    k = (k + 1 + static_cast<int>(next() * (speakers - 1))) % speakers;
    t = end - (next() < 0.2 ? 0.5 : -0.7 * next());  // sometimes overlap, sometimes a pause
  }
  sort_turns(turns);
  return turns;
}

}  // namespace

TEST_CASE("SVG: a one-minute file is one row read in seconds", "[svg]") {
  const auto labels = labels_for(3);
  const std::string svg = format_timeline_svg("meeting.wav", 60.0, labels, constructed_turns(60.0, 3));
  const PngSize size = check_renders(svg);
  CHECK(size.width == 1000);
  check_speakers(svg, labels, 1);
  check_geometry(svg);
  CHECK(all_matches(svg, std::regex("<g class=\"row\">")).size() == 1);
  CHECK(svg.find(">meeting.wav \xE2\x80\x94 1 min 00 s</text>") != std::string::npos);
  CHECK(svg.find(">60 s</text>") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("href") == std::string::npos);
  CHECK(svg.find("font-family=\"sans-serif\"") != std::string::npos);
}

TEST_CASE("SVG: a three-hour file wraps into 18 rows of 10 minutes read in h:mm:ss", "[svg]") {
  const auto labels = labels_for(5);
  const std::vector<SpeakerTurn> turns = constructed_turns(3 * 3600.0, 5);
  const std::string svg = format_timeline_svg("long.flac", 3 * 3600.0, labels, turns);
  const TimelineLayout layout;
  const int rows = 18;
  const int row_height = 5 * (layout.lane_height_px + layout.lane_gap_px) + layout.axis_height_px;
  const int expected_height =
      layout.title_height_px + rows * row_height + (rows - 1) * layout.row_gap_px + layout.bottom_margin_px;
  CHECK(svg_attribute(svg, "height") == expected_height);
  const PngSize size = check_renders(svg);
  CHECK(size.height == static_cast<uint32_t>(expected_height));
  check_speakers(svg, labels, rows);
  check_geometry(svg);
  CHECK(all_matches(svg, std::regex("<g class=\"row\">")).size() == rows);
  CHECK(svg.find(">long.flac \xE2\x80\x94 3 h 00 min 00 s</text>") != std::string::npos);
  CHECK(svg.find(">1:10:00</text>") != std::string::npos);  // the second row of the second hour begins here
  CHECK(svg.find(">3:00:00</text>") != std::string::npos);
  // Every turn is drawn: a turn crossing a row boundary is drawn once in each row.
  size_t crossing = 0;
  for (const SpeakerTurn& t : turns)
    if (std::floor(t.start_s / 600.0) != std::floor(t.end_s / 600.0) && std::fmod(t.end_s, 600.0) != 0.0) ++crossing;
  CHECK(all_matches(svg, std::regex("<rect x=")).size() == turns.size() + crossing);
}

TEST_CASE("SVG: beyond 16 speakers the colours repeat hatched", "[svg]") {
  const auto labels = labels_for(20);
  std::vector<SpeakerTurn> turns;
  for (int k = 0; k < 20; ++k) turns.push_back({k * 2.0, k * 2.0 + 1.5, k});
  const std::string svg = format_timeline_svg("many.wav", 40.0, labels, turns);
  check_renders(svg);
  check_speakers(svg, labels, 1);
  std::set<std::string> styles;
  for (int k = 0; k < 20; ++k) styles.insert(speaker_style(k).colour + (speaker_style(k).hatched ? "/" : ""));
  CHECK(styles.size() == 20);
  CHECK(speaker_style(0).colour == "#E69F00");  // Okabe-Ito first
  CHECK(speaker_style(16).colour == speaker_style(0).colour);
  CHECK(speaker_style(16).hatched);
  CHECK_FALSE(speaker_style(32).hatched);
}

TEST_CASE("SVG: no speakers, odd titles and tick rules", "[svg]") {
  const std::string svg = format_timeline_svg("a<b>&\"c\xff\x01.wav", 2.5, {}, {});
  check_renders(svg);
  CHECK(svg.find("a&lt;b&gt;&amp;&quot;c\xEF\xBF\xBD\xEF\xBF\xBD.wav") != std::string::npos);
  CHECK(svg.find(">no speech</text>") != std::string::npos);
  CHECK(tick_step_s(846.0 / 2.5, 60) == 0.2);
  CHECK(tick_step_s(846.0 / 600.0, 60) == 60.0);
  CHECK(tick_step_s(1e-5, 60) == 43200.0 * 139);
  CHECK(format_tick_label(90.0, 100.0, 10.0) == "90 s");
  CHECK(format_tick_label(0.4, 2.0, 0.2) == "0.4 s");
  CHECK(format_tick_label(270.0, 600.0, 30.0) == "4:30");
  CHECK(format_tick_label(3900.0, 3700.0, 300.0) == "1:05:00");
}
