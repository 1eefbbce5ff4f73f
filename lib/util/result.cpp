#include "lib/util/result.hpp"

namespace purser::util {

std::string Location::to_string() const {
  std::string out = path;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  } else if (offset != UINT64_MAX) {
    out += '@';
    out += std::to_string(offset);
  }
  return out;
}

static std::string join_location(const Location& location, const std::string& message) {
  if (location.path.empty()) return message;
  return location.to_string() + ": " + message;
}

std::string Error::to_string() const { return join_location(location, message); }

std::string Diagnostic::to_string() const { return join_location(location, message); }

}  // namespace purser::util
