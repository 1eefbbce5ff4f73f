#pragma once
// Errors and diagnostics shared by every library (STYLE 10, 11, 13).

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace purser::util {

/// Where something was found: a path plus an optional 1-based line or a byte offset.
struct Location {
  std::string path;
  std::uint64_t line = 0;             ///< 1-based; 0 = unknown
  std::uint64_t offset = UINT64_MAX;  ///< byte offset; UINT64_MAX = unknown
  /// "path:line", "path@offset" or "path".
  std::string to_string() const;
  bool operator==(const Location&) const = default;
  auto operator<=>(const Location&) const = default;
};

/// What kind of failure: maps to an exit code in cmd/ only.
enum class ErrorCode {
  io,           ///< file missing, unreadable, unwritable
  parse,        ///< malformed input
  usage,        ///< bad arguments
  unsupported,  ///< valid input we cannot handle
  verify,       ///< verification or policy failure (not an operational error)
  internal,
};

/// A failure that happens in normal use: {code, message, location}.
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  ///< lowercase "what: why"
  Location location;    ///< may have an empty path
  /// "path:line: message", or just "message" without a location.
  std::string to_string() const;
};

enum class Severity { warning, error };

/// A located finding from a parser that does not abort the scan.
struct Diagnostic {
  Severity severity = Severity::warning;
  std::string message;
  Location location;
  /// "path:line: message".
  std::string to_string() const;
  bool operator==(const Diagnostic&) const = default;
};

/// A small expected<T, Error> (ccache's style); GCC 12 lacks std::expected in C++20.
template <class T>
class Result {
 public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

/// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

/// Convenience constructor for an Error.
inline Error make_error(ErrorCode code, std::string message, Location location = {}) {
  return Error{code, std::move(message), std::move(location)};
}

}  // namespace purser::util

/// Propagate an error from an expression yielding Result<T>; binds the value to `var`.
#define PURSER_TRY_ASSIGN(var, expr)                     \
  auto var##_result_ = (expr);                           \
  if (!var##_result_.ok()) return var##_result_.error(); \
  auto var = std::move(var##_result_).value()
