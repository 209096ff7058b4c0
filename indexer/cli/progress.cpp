#include "progress.hpp"

#include <cmath>
#include <cstdio>

namespace kavosh::cli {

std::string format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto total = static_cast<unsigned long long>(std::llround(seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%llu:%02llu:%02llu", total / 3600, (total / 60) % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%llu:%02llu", total / 60, total % 60);
  }
  return text;
}

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressLine::update(const kavosh::index::IndexProgress& progress) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) &&
      progress.files_done < progress.files_total) {
    return;
  }
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = progress.bytes_total > 0 ? static_cast<double>(progress.bytes_done) /
                                                         static_cast<double>(progress.bytes_total)
                                                   : 0.0;
  constexpr int kWidth = 24;
  std::string bar(kWidth, ' ');
  const int filled = static_cast<int>(fraction * kWidth);
  for (int i = 0; i < filled && i < kWidth; ++i) bar[i] = '=';
  const double rate = elapsed > 0 ? static_cast<double>(progress.articles) / elapsed : 0.0;
  std::string eta = "--:--";
  if (fraction > 0.01 && elapsed > 0.5) eta = format_duration(elapsed / fraction - elapsed);
  std::fprintf(stderr, "\r%3.0f%% [%s] %llu docs  %.1f/%.1f MB  %.0f docs/s read  ETA %s\x1b[K",
               fraction * 100, bar.c_str(), static_cast<unsigned long long>(progress.articles),
               static_cast<double>(progress.bytes_done) / (1 << 20),
               static_cast<double>(progress.bytes_total) / (1 << 20), rate, eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  drawn_ = false;
}

void ProgressLine::finish() { clear(); }

}  // namespace kavosh::cli
