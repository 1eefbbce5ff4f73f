#pragma once
// Cataloger rust-binary: the dependency list cargo-auditable embeds in Rust executables (the .dep-v0 section): every
// crate compiled in, with its source and the dependency graph, read without running anything.

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::rust {

/// Registry entry for rust-binary (executables anywhere in an image or a root filesystem).
const Cataloger& rust_binary_cataloger();

/// Parses the cargo-auditable record of binary::condense_executable (see ParseFn; other records give nothing). Each
/// crate: PURL pkg:cargo/<name>@<version> (a non-crates.io source kept as property purser:cargo:source), the root
/// crate as the application, edges from "dependencies" (indexes into the list), build-time-only crates marked with
/// property purser:cargo:kind=build. A malformed list is an error diagnostic; a bad index a warning.
ParseResult parse_rust_binary(std::string_view condensed, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::rust
