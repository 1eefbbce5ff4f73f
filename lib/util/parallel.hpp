#pragma once
// A minimal fork-join helper: run f(i) for i in [0, n) on up to `threads` threads.

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace purser::util {

/// Number of worker threads to use by default (hardware concurrency, at least 1).
inline unsigned default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

/// Calls f(i) for every i in [0, n), distributing indices dynamically over threads.
/// f must be thread-safe with respect to distinct indices. Exceptions must not escape f.
template <class F>
void parallel_for(std::size_t n, unsigned threads, F&& f) {
  if (threads <= 1 || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (;;) {
      std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      f(i);
    }
  };
  std::vector<std::thread> pool;
  unsigned extra = static_cast<unsigned>(threads - 1 < n ? threads - 1 : n - 1);
  pool.reserve(extra);
  for (unsigned t = 0; t < extra; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace purser::util
