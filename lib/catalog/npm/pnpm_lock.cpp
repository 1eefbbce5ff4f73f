#include "lib/catalog/npm/pnpm_lock.hpp"

namespace purser::catalog::npm {

ParseResult parse_pnpm_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& pnpm_lock_cataloger() {
  static const Cataloger c{"npm-pnpm-lock", "npm", {"source", "lockfile"}, {"pnpm-lock.yaml"}, "pnpm-lock.yaml v6 and v9", &parse_pnpm_lock};
  return c;
}

}  // namespace purser::catalog::npm
