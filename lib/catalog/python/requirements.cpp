#include "lib/catalog/python/requirements.hpp"

namespace purser::catalog::python {

ParseResult parse_requirements(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& requirements_cataloger() {
  static const Cataloger c{"python-requirements", "python", {"source", "lockfile"}, {"*requirements*.txt", "requirements/*.txt"}, "pip requirements files", &parse_requirements};
  return c;
}

}  // namespace purser::catalog::python
