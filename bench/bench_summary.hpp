// The short table a benchmark run ends with: one line per world size and figure, in the order
// the figures were measured, the last measurement of a figure winning.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace staffchain::bench {

class BenchSummary {
 public:
  void set(std::size_t persons, std::string figure, std::string value) {
    auto it = std::find_if(lines_.begin(), lines_.end(),
                           [&](const Line& line) { return line.persons == persons && line.figure == figure; });
    if (it != lines_.end()) {
      it->value = std::move(value);
      return;
    }
    lines_.push_back(Line{persons, std::move(figure), std::move(value)});
  }

  // Like set(), but the figure moves to the end of its size's lines (a running total).
  void setLast(std::size_t persons, const std::string& figure, std::string value) {
    std::erase_if(lines_, [&](const Line& line) { return line.persons == persons && line.figure == figure; });
    auto after = std::find_if(lines_.begin(), lines_.end(), [&](const Line& line) { return line.persons > persons; });
    lines_.insert(after, Line{persons, figure, std::move(value)});
  }

  void print(std::FILE* out) const {
    if (lines_.empty()) return;
    std::size_t width = 6;
    for (const auto& line : lines_) width = std::max(width, line.figure.size());
    fmt::print(out, "\n{:>9}  {:<{}}  {}\n", "persons", "figure", width, "value");
    std::size_t last_persons = 0;
    for (const auto& line : lines_) {
      if (line.persons != last_persons && last_persons != 0) fmt::print(out, "\n");
      last_persons = line.persons;
      fmt::print(out, "{:>9}  {:<{}}  {}\n", line.persons, line.figure, width, line.value);
    }
  }

 private:
  struct Line {
    std::size_t persons;
    std::string figure;
    std::string value;
  };
  std::vector<Line> lines_;
};

}  // namespace staffchain::bench
