#include "lib/catalog/python/uv_lock.hpp"

namespace purser::catalog::python {

ParseResult parse_uv_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& uv_lock_cataloger() {
  static const Cataloger c{"python-uv-lock", "python", {"source", "lockfile"}, {"uv.lock"}, "uv.lock", &parse_uv_lock};
  return c;
}

}  // namespace purser::catalog::python
