#pragma once
// A ByteStream for condenser tests: serves its bytes a few at a time (so searches cross read boundaries) and can fail
// part-way, as a truncated layer or a broken transfer does.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "lib/source/source.hpp"

namespace purser::catalog::testing {

/// Serves `bytes` at most `step` at a time; from byte `fail_after` on, every read returns `failure`.
class ChunkStream final : public source::ByteStream {
 public:
  ChunkStream(std::string bytes, std::size_t step, std::size_t fail_after = SIZE_MAX,
              util::Error failure = util::make_error(util::ErrorCode::io, "read failed"))
      : m_bytes(std::move(bytes)), m_step(step), m_fail_after(fail_after), m_failure(std::move(failure)) {}
  util::Result<std::size_t> read(char* buffer, std::size_t max) override {
    if (m_pos >= m_fail_after) return m_failure;
    std::size_t n = std::min({max, m_step, m_bytes.size() - m_pos});
    std::memcpy(buffer, m_bytes.data() + m_pos, n);
    m_pos += n;
    return n;
  }

 private:
  std::string m_bytes;
  std::size_t m_step, m_pos = 0, m_fail_after;
  util::Error m_failure;
};

}  // namespace purser::catalog::testing
