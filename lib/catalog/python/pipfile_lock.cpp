#include "lib/catalog/python/pipfile_lock.hpp"

namespace purser::catalog::python {

ParseResult parse_pipfile_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& pipfile_lock_cataloger() {
  static const Cataloger c{"python-pipfile-lock", "python", {"source", "lockfile"}, {"Pipfile.lock"}, "pipenv Pipfile.lock", &parse_pipfile_lock};
  return c;
}

}  // namespace purser::catalog::python
