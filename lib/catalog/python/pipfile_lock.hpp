#pragma once
// Cataloger python-pipfile-lock: pipenv Pipfile.lock.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-pipfile-lock.
const Cataloger& pipfile_lock_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_pipfile_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::python
