#pragma once
// Path globs as used by cataloger registrations and --exclude.

#include <string_view>

namespace purser::util {

/// Matches a '/'-separated relative path against a glob.
/// `*` and `?` stay within one path segment, `**` spans any number of segments
/// (including none), `[abc]` is a character class. A pattern without '/' matches
/// the last segment only (so "yarn.lock" and "**/yarn.lock" are equivalent).
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace purser::util
