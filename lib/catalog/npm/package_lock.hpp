#pragma once
// Cataloger npm-package-lock: npm package-lock.json / npm-shrinkwrap.json, lockfile v1-v3.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::npm {

/// Registry entry for npm-package-lock.
const Cataloger& package_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_package_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::npm
