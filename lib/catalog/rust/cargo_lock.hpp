#pragma once
// Cataloger rust-cargo-lock: Cargo.lock v1-v4.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::rust {

/// Registry entry for rust-cargo-lock.
const Cataloger& cargo_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_cargo_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::rust
