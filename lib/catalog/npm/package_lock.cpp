#include "lib/catalog/npm/package_lock.hpp"

namespace purser::catalog::npm {

ParseResult parse_package_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& package_lock_cataloger() {
  static const Cataloger c{"npm-package-lock", "npm", {"source", "lockfile"}, {"package-lock.json", "npm-shrinkwrap.json"}, "npm package-lock.json / npm-shrinkwrap.json, lockfile v1-v3", &parse_package_lock};
  return c;
}

}  // namespace purser::catalog::npm
