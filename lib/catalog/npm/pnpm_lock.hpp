#pragma once
// Cataloger npm-pnpm-lock: pnpm-lock.yaml v6 and v9.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::npm {

/// Registry entry for npm-pnpm-lock.
const Cataloger& pnpm_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_pnpm_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::npm
