#pragma once
// Cataloger npm-yarn-lock: yarn.lock, classic v1 and Berry v2+.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::npm {

/// Registry entry for npm-yarn-lock.
const Cataloger& yarn_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_yarn_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::npm
