#pragma once
// Small string helpers used across libraries.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace purser::util {

/// Strips ASCII whitespace from both ends.
std::string_view trim(std::string_view s);
/// Splits on every occurrence of `sep`; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
/// ASCII lower-casing.
std::string to_lower(std::string_view s);

/// Terminal columns of UTF-8 text, counted as code points (no wide-character tables).
std::size_t display_width(std::string_view s);

/// A value made safe and short for one table cell on a terminal: C0 controls and DEL escaped as \xNN (a hostile name
/// cannot move the cursor or recolour the screen), longer than `max` code points cut and ended with "…" (U+2026),
/// empty shown as "-".
std::string terminal_cell(std::string_view s, std::size_t max);
/// Lower-cased hex of bytes.
std::string hex_encode(std::string_view bytes);
/// Standard base64 (RFC 4648 §4) encoding with padding.
std::string base64_encode(std::string_view bytes);
/// Appends the standard base64 (RFC 4648 §4) encoding of `bytes`, with padding, to `out`.
void append_base64(std::string& out, std::string_view bytes);
/// Decodes standard or URL-safe base64 (RFC 4648 §4, §5) into `out`. Padding is optional, but when present it is at
/// most two '=' and makes the text a multiple of 4 characters (§3.2). False, with `out` cleared, on anything else.
bool base64_decode(std::string_view text, std::string& out);
/// Appends the UTF-8 encoding of a Unicode code point (surrogates are not checked).
void append_utf8(std::string& out, std::uint32_t code_point);
/// 1-based line number of byte `offset` within `text` (counts '\n' before it).
std::uint64_t line_of_offset(std::string_view text, std::size_t offset);
/// True when the bytes look like text (no NULs, mostly printable) in the first `probe` bytes.
bool looks_like_text(std::string_view bytes, std::size_t probe = 4096);
/// Escapes control characters and non-ASCII for safe display in a diagnostic.
std::string printable(std::string_view s, std::size_t max_len = 80);

}  // namespace purser::util
