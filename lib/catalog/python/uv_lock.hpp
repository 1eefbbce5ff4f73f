#pragma once
// Cataloger python-uv-lock: uv.lock.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-uv-lock.
const Cataloger& uv_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_uv_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::python
