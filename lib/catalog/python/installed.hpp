#pragma once
// Cataloger python-installed: installed distributions (*.dist-info/METADATA, *.egg-info/PKG-INFO and single-file
// *.egg-info), with the files each one installed (RECORD, installed-files.txt) and Requires-Dist edges.

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-installed.
const Cataloger& installed_cataloger();

/// Parses one installed distribution's metadata file; see ParseFn. Reads RECORD, INSTALLER and direct_url.json
/// (dist-info) or installed-files.txt and requires.txt (egg-info) beside it through the resolver. The entry provides
/// its PEP 503 name within the link scope "python:<directory holding the .dist-info/.egg-info>".
ParseResult parse_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::python
