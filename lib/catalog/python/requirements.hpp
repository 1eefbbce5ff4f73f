#pragma once
// Cataloger python-requirements: pip requirements files.

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-requirements.
const Cataloger& requirements_cataloger();

/// Parses one file's bytes; see ParseFn.
ParseResult parse_requirements(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::python
