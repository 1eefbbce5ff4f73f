#pragma once
// Cataloger go-mod: go.mod with go.sum hashes.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::go {

/// Registry entry for go-mod.
const Cataloger& go_mod_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_go_mod(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::go
