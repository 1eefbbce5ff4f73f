#include "lib/catalog/npm/yarn_lock.hpp"

namespace purser::catalog::npm {

ParseResult parse_yarn_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& yarn_lock_cataloger() {
  static const Cataloger c{"npm-yarn-lock", "npm", {"source", "lockfile"}, {"yarn.lock"}, "yarn.lock, classic v1 and Berry v2+", &parse_yarn_lock};
  return c;
}

}  // namespace purser::catalog::npm
