#include "lib/catalog/go/go_mod.hpp"

namespace purser::catalog::go {

ParseResult parse_go_mod(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& go_mod_cataloger() {
  static const Cataloger c{"go-mod", "go", {"source", "lockfile"}, {"go.mod"}, "go.mod with go.sum hashes", &parse_go_mod};
  return c;
}

}  // namespace purser::catalog::go
