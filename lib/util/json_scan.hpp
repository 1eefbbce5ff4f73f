#pragma once
// The one JSON (RFC 8259) scanner of purser, for documents too large for a DOM: 50-130 MB SBOMs, and DSSE envelopes
// whose payload is one 67 MB base64 string (`verify` must cost about one parse plus one SHA-256, issue 4).
//
// The core is a pull Scanner over a contiguous buffer: callers that know the shape they expect (the signing
// library's envelopes, statements, bundles) walk it with ObjectReader and ArrayReader, read strings as views into the
// input when they hold no escapes, and skip what they do not need while still validating it, keeping the skipped
// value's bytes if they want them. Callers that want every value (the SBOM readers) use scan(), which drives the same
// Scanner and delivers events with byte offsets, and may skip any value before it is read.
//
// Everything is iterative: hostile nesting costs bounded memory (Options::max_depth), never C++ stack.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "lib/util/result.hpp"

namespace purser::util::json {

/// Deepest nesting of arrays and objects accepted by default (as the catalogers' parsers do).
inline constexpr std::size_t k_max_depth = 512;

/// How strict a Scanner is.
struct Options {
  /// Strings must be valid UTF-8 (RFC 8259 §8.1; RFC 3629: no overlongs, no surrogates, at most U+10FFFF). Signed
  /// documents want this (two parsers must not read one text differently); the SBOM readers keep whatever bytes a
  /// string holds and replace bad ones on output.
  bool validate_utf8 = true;
  /// Arrays and objects nested deeper than this, in the whole document (skipped values included), are an error.
  std::size_t max_depth = k_max_depth;
};

/// What the next value is, judged without consuming it (literals must be spelled out in full).
enum class Kind : std::uint8_t { end, invalid, object, array, string, number, boolean, null };

/// "an object", "an array", "a string", "a number", "a boolean", "null", "nothing" (end), "not a value" (invalid).
const char* describe(Kind kind);

/// True for the kinds that start a value (so a type mismatch there is structural, not a syntax error).
inline bool starts_value(Kind kind) { return kind != Kind::end && kind != Kind::invalid; }

/// Reads JSON from a byte range it does not own (`text` must outlive it). Remembers the first error (byte offset and
/// reason, as in "unexpected 'x', expected ',' or '}'") and fails every call after it. Whitespace before a token is
/// skipped by the call that reads the token.
class Scanner {
 public:
  explicit Scanner(std::string_view text, Options options = {}) : m_text(text), m_options(options) {}

  /// The whole input.
  std::string_view text() const { return m_text; }
  /// Byte offset of the next unread byte.
  std::size_t pos() const { return m_pos; }
  /// Arrays and objects currently open (entered with begin_object / begin_array, or by ObjectReader / ArrayReader).
  std::size_t depth() const { return m_depth; }
  /// The options it was made with.
  const Options& options() const { return m_options; }

  /// True once an error was recorded.
  bool failed() const { return m_failed; }
  /// Byte offset of the first error (0 when none).
  std::size_t error_offset() const { return m_error_offset; }
  /// The first error's reason, without a prefix ("" when none).
  const std::string& error_reason() const { return m_error_reason; }

  /// Records an error at `offset` (the first one wins) and returns false.
  bool fail(std::size_t offset, std::string reason);
  /// Fails with "unexpected X, expected EXPECTED" (or "unexpected end of input, expected EXPECTED") at the next
  /// non-whitespace byte; returns false.
  bool fail_unexpected(std::string_view expected);

  /// Skips a UTF-8 byte order mark at the current position, if there is one (RFC 8259 §8.1 lets parsers ignore it;
  /// Windows tools write one). Returns whether it did.
  bool skip_byte_order_mark();
  /// The next non-whitespace byte, or '\0' at the end (consumes only the whitespace).
  char peek();
  /// The kind of the next value (consumes only whitespace).
  Kind peek_kind();
  /// True when only whitespace remains.
  bool at_end();
  /// Consumes `c` after whitespace, or fails with "unexpected X, expected EXPECTED".
  bool expect(char c, std::string_view expected);

  /// Reads the string at the next position. `out` views the input when the string has no escapes, else `buffer`,
  /// which receives the unescaped bytes; either way it is valid until `buffer` or the input changes.
  bool read_string(std::string_view& out, std::string& buffer);
  /// Reads a number (RFC 8259 §6 grammar) and gives its text.
  bool read_number(std::string_view& text);
  /// Reads `true` or `false`; anything else is "invalid literal".
  bool read_bool(bool& value);
  /// Reads `null`; anything else is "invalid literal".
  bool read_null();
  /// Validates and skips the next value, whatever it is.
  bool skip_value();
  /// As skip_value(), and `extent` views the value's bytes in the input (from its first byte to its last).
  bool skip_value(std::string_view& extent);

  /// Consumes '{' and counts a level of nesting; fails when it would exceed Options::max_depth ("nesting deeper than
  /// N levels") or when no '{' is next ("unexpected X, expected '{'").
  bool begin_object();
  /// Consumes '[', as begin_object.
  bool begin_array();
  /// Steps through the object most recently begun: true when a member follows, its name read into `name` (as
  /// read_string, using `buffer`), its offset into `name_at`, and the ':' consumed so the value is next; false at the
  /// closing '}' (consumed; the level is closed) or on error. `first` is true for the first call after begin_object.
  bool next_member(bool first, std::string_view& name, std::size_t& name_at, std::string& buffer);
  /// Steps through the array most recently begun: true when an element follows; false at the closing ']' (consumed)
  /// or on error.
  bool next_element(bool first);

 private:
  void skip_ws();
  bool begin(char open, std::string_view expected);
  bool scan_string(std::string_view* out, std::string* buffer);
  template <bool k_validate>
  bool scan_string_as(std::string_view* out, std::string* buffer);
  template <bool k_validate>
  bool skip_value_as();
  bool scan_number();
  bool scan_literal(std::string_view word);
  bool nesting_error();

  std::string_view m_text;
  Options m_options;
  std::size_t m_pos = 0;
  std::size_t m_depth = 0;
  bool m_failed = false;
  std::size_t m_error_offset = 0;
  std::string m_error_reason;
};

/// Walks the members of one object: `ObjectReader members(s); while (members.next(key)) { ...consume the value... }`,
/// then check s.failed(). Rejects a repeated member name ("duplicate member \"NAME\"" at the name), since a parser
/// differential on signed documents invites forgery.
class ObjectReader {
 public:
  /// Begins the object at the scanner's position; fails on the scanner when the next value is not an object.
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
  std::string m_buffer;
  std::set<std::string, std::less<>> m_seen;
};

/// Walks the elements of one array: `ArrayReader elements(s); while (elements.next()) { ...consume the value... }`.
class ArrayReader {
 public:
  /// Begins the array at the scanner's position; fails on the scanner when the next value is not an array.
  explicit ArrayReader(Scanner& scanner);
  /// Advances to the next element; false at ']' (consumed) or on error.
  bool next();

 private:
  Scanner& m_s;
  bool m_open = false;
  bool m_first = true;
};

/// Receives the values of a document from scan(), in order. `at` is the byte offset of the token that starts the
/// event. Views are valid during the call only.
class Events {
 public:
  virtual ~Events() = default;
  /// Asked before each value (not inside a skipped one): true skips it whole (still validated, no events).
  virtual bool skip_next() = 0;
  /// '{' at `at`; its members follow as key() + value, then end_object().
  virtual void start_object(std::size_t at) = 0;
  /// The '}' of the innermost open object.
  virtual void end_object() = 0;
  /// '[' at `at`; its elements follow, then end_array().
  virtual void start_array(std::size_t at) = 0;
  /// The ']' of the innermost open array.
  virtual void end_array() = 0;
  /// A member name, unescaped.
  virtual void key(std::string_view name, std::size_t at) = 0;
  /// A string value, unescaped.
  virtual void string(std::string_view value, std::size_t at) = 0;
  /// A number, as its JSON text (already checked against the grammar).
  virtual void number(std::string_view text, std::size_t at) = 0;
  /// `true` or `false`.
  virtual void boolean(bool value, std::size_t at) = 0;
  /// `null`.
  virtual void null(std::size_t at) = 0;
};

/// Scans one whole document from the scanner's position: one value, then only whitespace ("unexpected X, expected end
/// of input" otherwise). Returns false on the first error, which the scanner holds; events already delivered stay
/// delivered.
bool scan(Scanner& scanner, Events& events);

/// Where byte `offset` of `text` is, for `path`: the 1-based line when the (trimmed) text spans several lines, else
/// the offset (one-line documents are what machines write).
util::Location location_of(std::string_view text, std::size_t offset, const std::string& path);

/// ErrorCode::parse "invalid json: REASON" at the scanner's error position (as location_of).
util::Error syntax_error(const Scanner& scanner, const std::string& path);

/// Appends `value` as a JSON string literal (quotes included). Control characters are escaped; bytes that are not
/// valid UTF-8 become U+FFFD, so the output is always valid JSON.
void append_string(std::string& out, std::string_view value);

/// True when `value` is valid UTF-8 (the check Options::validate_utf8 applies to strings).
bool is_valid_utf8(std::string_view value);

}  // namespace purser::util::json
