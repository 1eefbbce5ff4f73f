#pragma once
// A small validating JSON scanner (RFC 8259) for the signing library's own documents. Internal: not part of
// the library's public headers.
//
// Why not a DOM: `verify` of a 50 MB statement must cost about one JSON parse plus one SHA-256 (issue 4), and
// envelopes carry the statement as one 67 MB base64 string. The scanner reads strings with a word-at-a-time fast
// path, hands out views into the input when a string has no escapes, and validates a value it is asked to
// skip (a predicate) without building anything, so callers can keep its bytes verbatim.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "lib/util/result.hpp"

namespace purser::signing::json {

/// Deepest nesting of arrays and objects accepted (as formats/ and the catalogers do).
inline constexpr std::size_t k_max_depth = 512;

/// Reads JSON from a byte range; remembers the first error (offset + reason) and fails from then on.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  std::string_view text() const { return m_text; }
  std::size_t pos() const { return m_pos; }
  void seek(std::size_t pos) { m_pos = pos; }
  bool failed() const { return m_failed; }
  std::size_t error_offset() const { return m_error_offset; }
  const std::string& error_reason() const { return m_error_reason; }

  /// Records an error at `offset` (the first one wins) and returns false.
  bool fail(std::size_t offset, std::string reason);

  /// Skips JSON whitespace (space, tab, CR, LF).
  void skip_ws();
  /// The next non-whitespace byte, or '\0' at the end (does not consume).
  char peek();
  /// True when only whitespace remains.
  bool at_end();
  /// Consumes `c` after whitespace, or fails with "unexpected X, expected <expected>".
  bool expect(char c, std::string_view expected);

  /// Reads a string value at the current position (after whitespace). `out` views the input when the string
  /// has no escapes, else `buffer`, which receives the decoded UTF-8.
  bool read_string(std::string_view& out, std::string& buffer);
  /// Validates and skips any value (iteratively; bounded by k_max_depth).
  bool skip_value();

  /// Fails with "unexpected X, expected <expected>" at the current (non-whitespace) position.
  bool fail_unexpected(std::string_view expected);

 private:
  bool scan_string(std::string_view* out, std::string* buffer);
  bool skip_number();
  bool skip_literal();

  std::string_view m_text;
  std::size_t m_pos = 0;
  bool m_failed = false;
  std::size_t m_error_offset = 0;
  std::string m_error_reason;
};

/// Walks the members of one object: `while (members.next(key)) { ...consume the value... }`; check
/// scanner.failed() afterwards. Rejects a repeated member name (a parser differential invites forgery).
class ObjectReader {
 public:
  /// Consumes '{' (after whitespace); fails on the scanner when the next value is not an object.
  explicit ObjectReader(Scanner& scanner);
  /// Advances to the next member; false at '}' (consumed) or on error.
  bool next(std::string& key);
  /// Offset of the current member's name (for messages).
  std::size_t key_offset() const { return m_key_offset; }

 private:
  Scanner& m_s;
  bool m_open = false;
  bool m_first = true;
  std::size_t m_key_offset = 0;
  std::set<std::string> m_seen;
};

/// Walks the elements of one array: `while (elements.next()) { ...consume the value... }`.
class ArrayReader {
 public:
  /// Consumes '[' (after whitespace); fails on the scanner when the next value is not an array.
  explicit ArrayReader(Scanner& scanner);
  /// Advances to the next element; false at ']' (consumed) or on error.
  bool next();

 private:
  Scanner& m_s;
  bool m_open = false;
  bool m_first = true;
};

/// The JSON type of the value starting at the scanner's position, for messages ("an object", "a string", ...).
std::string kind_at(Scanner& scanner);

/// True when the next non-whitespace byte can start a JSON value (so a type mismatch is structural, not a
/// syntax error).
bool at_value(Scanner& scanner);

/// Appends standard base64 with padding (RFC 4648 §4).
void append_base64(std::string& out, std::string_view bytes);

/// An error for `path` at byte `offset` of `text`: the line when the text spans several lines, else the offset.
util::Location location_of(std::string_view text, std::size_t offset, const std::string& path);

/// ErrorCode::parse "invalid json: REASON" at the scanner's error position.
util::Error syntax_error(const Scanner& scanner, const std::string& path);

/// Appends `value` as a JSON string literal (quotes included). Control characters are escaped; bytes that are
/// not valid UTF-8 become U+FFFD so the output is always valid JSON.
void append_string(std::string& out, std::string_view value);

/// True when `value` is valid UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view value);

/// Decodes standard or URL-safe base64 (RFC 4648 §4, §5) with or without padding; false on anything else.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace purser::signing::json
