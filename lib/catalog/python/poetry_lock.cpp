#include "lib/catalog/python/poetry_lock.hpp"

namespace purser::catalog::python {

ParseResult parse_poetry_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& poetry_lock_cataloger() {
  static const Cataloger c{"python-poetry-lock", "python", {"source", "lockfile"}, {"poetry.lock"}, "poetry.lock", &parse_poetry_lock};
  return c;
}

}  // namespace purser::catalog::python
