#pragma once
// Whole-file reads with a size cap, and atomic writes.

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/util/result.hpp"

namespace purser::util {

/// Reads a whole file (or stdin when path is "-"). Fails with ErrorCode::io
/// ("cannot read: <strerror>") or when the file exceeds `max_bytes`.
Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes = UINT64_MAX);

/// Writes bytes to path via a temporary file and rename, so a failed write leaves
/// nothing behind. "-" writes to stdout.
Status write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace purser::util
