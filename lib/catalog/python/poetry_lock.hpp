#pragma once
// Cataloger python-poetry-lock: poetry.lock.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-poetry-lock.
const Cataloger& poetry_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_poetry_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::python
