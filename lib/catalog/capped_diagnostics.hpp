#pragma once
// A parser's warnings, capped: a database full of damage reports its first problems and then one line saying the
// rest were left out, so a hostile file cannot flood the output.

#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog {

/// Appends "<what>: <message>" warnings located at path:line to a ParseResult, at most `max` of them, then one
/// "<what>: too many problems; the rest are not reported".
class CappedDiagnostics {
 public:
  /// `what` names the file kind ("invalid dpkg status"); `out` and `path` must outlive this object.
  CappedDiagnostics(ParseResult& out, const std::string& path, std::string what, std::size_t max = 20)
      : m_out(out), m_path(path), m_what(std::move(what)), m_max(max) {}
  /// Adds a warning at `line` (0 = the file as a whole).
  void warn(std::uint64_t line, std::string message) {
    if (m_count == m_max)
      m_out.diagnostics.push_back(
          {util::Severity::warning, m_what + ": too many problems; the rest are not reported", {m_path}});
    if (m_count++ < m_max)
      m_out.diagnostics.push_back({util::Severity::warning, m_what + ": " + message, {m_path, line}});
  }
  /// Adds a warning about the file as a whole.
  void warn(std::string message) { warn(0, std::move(message)); }

 private:
  ParseResult& m_out;
  const std::string& m_path;
  std::string m_what;
  std::size_t m_max;
  std::size_t m_count = 0;
};

}  // namespace purser::catalog
