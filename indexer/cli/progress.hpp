#pragma once
// The terminal progress line of kavosh-index: drawn on stderr only when it is a terminal and
// --quiet is off; throttled to ~10 redraws a second.
#include <chrono>
#include <string>

#include "kavosh/index/corpus.hpp"

namespace kavosh::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  void update(const kavosh::index::IndexProgress& progress);
  // Before another line goes to stderr (a warning): erase the bar so they do not mix.
  void clear();
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

std::string format_duration(double seconds);  // "0:07", "1:02:03"

}  // namespace kavosh::cli
