#pragma once
// Cataloger python-requirements: pip requirements files (pip's "Requirements File Format").

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::python {

/// Registry entry for python-requirements.
const Cataloger& requirements_cataloger();

/// Parses one file's bytes; see ParseFn. Follows `-r`/`-c` includes through the resolver.
ParseResult parse_requirements(std::string_view bytes, const std::string& path, const FileResolver& resolver);

/// The parts of a PEP 508 dependency specifier, as written (trimmed).
struct Pep508 {
  std::string name;       ///< project name as written
  std::string extras;     ///< "a,b" without spaces; empty when none
  std::string specifier;  ///< version specifier without parentheses, e.g. ">=1,<2"; empty when none
  std::string url;        ///< the direct reference after '@'; empty when none
  std::string markers;    ///< environment markers after ';'; empty when none
  /// The pinned version when the specifier is a single "==X" / "===X" without wildcard, else empty.
  std::string pinned() const;
};

/// Parses a PEP 508 specifier ("name[extra] (>=1) ; marker", "name @ url").
/// Returns false and sets `why` (lowercase reason) on malformed input; never throws.
bool parse_pep508(std::string_view text, Pep508& out, std::string& why);

}  // namespace purser::catalog::python
