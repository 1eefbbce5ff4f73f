#pragma once
// Cataloger apk-installed: installed Alpine packages from lib/apk/db/installed.

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::os {

/// The name an apk dependency or provides token names: "so:libc.musl-x86_64.so.1=1" -> "so:libc.musl-x86_64.so.1",
/// "busybox>=1.36" -> "busybox", "name@tag" -> "name". Empty for conflicts ("!name").
std::string apk_token_name(std::string_view token);

/// Registry entry for apk-installed.
const Cataloger& apk_installed_cataloger();

/// Parses lib/apk/db/installed; see ParseFn. Owned files come from F:/R: lines; the C: checksum (the SHA-1 of the
/// package's control segment, not of a file) is kept as the property purser:apk:checksum, not as a hash.
ParseResult parse_apk_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::os
