#include "lib/catalog/rust/cargo_lock.hpp"

namespace purser::catalog::rust {

ParseResult parse_cargo_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)bytes;
  (void)path;
  (void)resolver;
  return {};
}

const Cataloger& cargo_lock_cataloger() {
  static const Cataloger c{"rust-cargo-lock", "rust", {"source", "lockfile"}, {"Cargo.lock"}, "Cargo.lock v1-v4", &parse_cargo_lock};
  return c;
}

}  // namespace purser::catalog::rust
