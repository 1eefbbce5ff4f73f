#include "lib/catalog/toml_util.hpp"

#include "lib/util/strings.hpp"

namespace purser::catalog {

std::string toml_error_message(const toml::parse_error& error, std::uint64_t& line) {
  line = error.source().begin.line;
  // toml++ says "Error while parsing ...": house style wants lower-case messages, but
  // keep acronyms ("TOML ...") as they are.
  std::string reason = util::printable(error.description(), 200);
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z' &&
      (reason.size() < 2 || !(reason[1] >= 'A' && reason[1] <= 'Z')))
    reason[0] = static_cast<char>(reason[0] - 'A' + 'a');
  return "invalid toml: " + reason;
}

std::optional<toml::table> parse_toml(std::string_view bytes, const std::string& path, ParseResult& out,
                                      std::string_view binary_message) {
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, std::string(binary_message), {path}});
    return std::nullopt;
  }
  try {
    return toml::parse(bytes, path);
  } catch (const toml::parse_error& e) {
    std::uint64_t line = 0;
    std::string message = toml_error_message(e, line);
    out.diagnostics.push_back({util::Severity::error, std::move(message), {path, line}});
  }
  return std::nullopt;
}

}  // namespace purser::catalog
