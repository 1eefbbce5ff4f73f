#include "signing/intoto.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"

namespace purser::signing {

namespace json = util::json;

namespace {

using util::ErrorCode;
using util::make_error;

bool is_lower_hex(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Hex lengths of the fixed-size digests in the in-toto DigestSet (spec/v1/digest_set.md); others are only
// checked to be lower-case hex.
std::size_t expected_hex_length(std::string_view algorithm) {
  static const std::map<std::string_view, std::size_t> k_lengths = {
      {"md5", 32},      {"sha1", 40},       {"sha224", 56},     {"sha256", 64},   {"sha384", 96},
      {"sha512", 128},  {"sha512_224", 56}, {"sha512_256", 64}, {"sha3_224", 56}, {"sha3_256", 64},
      {"sha3_384", 96}, {"sha3_512", 128},  {"ripemd160", 40},  {"sm3", 64}};
  auto it = k_lengths.find(algorithm);
  return it == k_lengths.end() ? 0 : it->second;
}

// Why a digest value is not acceptable, or "" when it is.
std::string digest_problem(std::string_view algorithm, std::string_view value) {
  if (!is_lower_hex(value)) return "not lower-case hex";
  std::size_t want = expected_hex_length(algorithm);
  if (want != 0 && value.size() != want)
    return "expected " + std::to_string(want) + " hex digits, got " + std::to_string(value.size());
  return "";
}

// Reader for one statement; structural problems are ErrorCode::verify naming the field (intoto.hpp).
class StatementReader {
 public:
  StatementReader(std::string_view json, const std::string& path) : m_s(json), m_path(path) {}

  util::Result<Statement> run() {
    if (m_s.peek() != '{') return type_error("statement", "an object");
    const std::size_t start = m_s.pos();
    bool has_type = false, has_subject = false, has_predicate_type = false;
    json::ObjectReader members(m_s);
    std::string key;
    while (members.next(key)) {
      std::optional<util::Error> e;
      if (key == "_type") {
        has_type = true;
        e = read_string("statement: _type", m_out.type);
        if (!e && m_out.type != k_statement_v1)
          e = problem(m_at, "statement: _type: expected \"" + std::string(k_statement_v1) + "\", got \"" +
                                util::printable(m_out.type) + "\"");
      } else if (key == "subject") {
        has_subject = true;
        e = read_subjects();
      } else if (key == "predicateType") {
        has_predicate_type = true;
        e = read_string("statement: predicateType", m_out.predicate_type);
        if (!e && m_out.predicate_type.empty()) e = problem(m_at, "statement: predicateType: empty");
      } else if (key == "predicate") {
        e = read_predicate();
      } else if (!m_s.skip_value()) {
        break;  // statement.md parsing rules: unrecognized fields are ignored
      }
      if (e) return *e;
    }
    if (m_s.failed()) return json::syntax_error(m_s, m_path);
    if (!m_s.at_end()) {
      m_s.fail_unexpected("end of input");
      return json::syntax_error(m_s, m_path);
    }
    if (!has_type) return problem(start, "statement: missing _type");
    if (!has_subject) return problem(start, "statement: missing subject");
    if (!has_predicate_type) return problem(start, "statement: missing predicateType");
    return std::move(m_out);
  }

 private:
  util::Error problem(std::size_t at, std::string message) const {
    return make_error(ErrorCode::verify, std::move(message), json::location_of(m_s.text(), at, m_path));
  }

  // A value of the wrong JSON type is structural (verify); a byte that cannot start a value is a syntax error.
  util::Error type_error(const std::string& field, std::string_view expected) {
    const json::Kind kind = m_s.peek_kind();
    if (!json::starts_value(kind)) {
      m_s.fail_unexpected(expected);
      return json::syntax_error(m_s, m_path);
    }
    return problem(m_s.pos(), field + ": expected " + std::string(expected) + ", got " + json::describe(kind));
  }

  std::optional<util::Error> read_string(const std::string& field, std::string& value) {
    if (m_s.peek() != '"') return type_error(field, "a string");
    m_at = m_s.pos();
    std::string_view view;
    std::string buffer;
    if (!m_s.read_string(view, buffer)) return json::syntax_error(m_s, m_path);
    value.assign(view);
    return std::nullopt;
  }

  // statement.md: subject is a non-empty array of ResourceDescriptors, each with digest set.
  std::optional<util::Error> read_subjects() {
    if (m_s.peek() != '[') return type_error("statement: subject", "an array");
    const std::size_t start = m_s.pos();
    json::ArrayReader elements(m_s);
    while (elements.next()) {
      const std::string field = "statement: subject[" + std::to_string(m_out.subjects.size()) + "]";
      Subject subject;
      if (auto e = read_subject(field, subject)) return e;
      m_out.subjects.push_back(std::move(subject));
    }
    if (m_s.failed()) return json::syntax_error(m_s, m_path);
    if (m_out.subjects.empty()) return problem(start, "statement: subject: empty");
    return std::nullopt;
  }

  std::optional<util::Error> read_subject(const std::string& field, Subject& subject) {
    if (m_s.peek() != '{') return type_error(field, "an object");
    const std::size_t start = m_s.pos();
    bool has_digest = false;
    json::ObjectReader members(m_s);
    std::string key;
    while (members.next(key)) {
      if (key == "name") {
        if (auto e = read_string(field + ".name", subject.name)) return e;
      } else if (key == "digest") {
        has_digest = true;
        if (auto e = read_digests(field + ".digest", subject)) return e;
      } else if (!m_s.skip_value()) {
        break;
      }
    }
    if (m_s.failed()) return json::syntax_error(m_s, m_path);
    if (!has_digest) return problem(start, field + ": missing digest");
    return std::nullopt;
  }

  std::optional<util::Error> read_digests(const std::string& field, Subject& subject) {
    if (m_s.peek() != '{') return type_error(field, "an object");
    const std::size_t start = m_s.pos();
    json::ObjectReader members(m_s);
    std::string algorithm;
    while (members.next(algorithm)) {
      if (algorithm.empty()) return problem(members.key_offset(), field + ": empty algorithm name");
      std::string value;
      const std::string name = field + "." + util::printable(algorithm);
      if (auto e = read_string(name, value)) return e;
      if (std::string why = digest_problem(algorithm, value); !why.empty()) return problem(m_at, name + ": " + why);
      subject.digests.emplace_back(algorithm, std::move(value));
    }
    if (m_s.failed()) return json::syntax_error(m_s, m_path);
    if (subject.digests.empty()) return problem(start, field + ": empty");
    std::sort(subject.digests.begin(), subject.digests.end());
    return std::nullopt;
  }

  // statement.md: predicate is an optional object; null is treated as unset. Its bytes are kept verbatim.
  std::optional<util::Error> read_predicate() {
    char c = m_s.peek();
    if (c == 'n') return m_s.skip_value() ? std::nullopt : std::optional<util::Error>(json::syntax_error(m_s, m_path));
    if (c != '{') return type_error("statement: predicate", "an object");
    std::string_view predicate;
    if (!m_s.skip_value(predicate)) return json::syntax_error(m_s, m_path);
    m_out.predicate_json.assign(predicate);
    return std::nullopt;
  }

  json::Scanner m_s;
  const std::string& m_path;
  Statement m_out;
  std::size_t m_at = 0;  // offset of the last string read
};

}  // namespace

util::Result<std::string> make_statement(const std::vector<Subject>& subjects, std::string_view predicate_type,
                                         std::string_view predicate_json) {
  if (subjects.empty()) return make_error(ErrorCode::usage, "statement: no subjects");
  if (predicate_type.empty()) return make_error(ErrorCode::usage, "statement: empty predicate type");
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const std::string field = "statement: subject[" + std::to_string(i) + "]";
    if (subjects[i].digests.empty()) return make_error(ErrorCode::usage, field + ": no digests");
    std::vector<std::string_view> seen;
    for (const auto& [algorithm, value] : subjects[i].digests) {
      const std::string name = field + ".digest." + util::printable(algorithm);
      if (algorithm.empty()) return make_error(ErrorCode::usage, field + ".digest: empty algorithm name");
      if (std::find(seen.begin(), seen.end(), algorithm) != seen.end())
        return make_error(ErrorCode::usage, name + ": given twice");
      seen.push_back(algorithm);
      if (std::string why = digest_problem(algorithm, value); !why.empty())
        return make_error(ErrorCode::usage, name + ": " + why);
    }
  }
  // The predicate is embedded verbatim: validated once, never re-serialised (intoto.hpp).
  std::string_view predicate = util::trim(predicate_json);
  json::Scanner s(predicate);
  if (const json::Kind kind = s.peek_kind(); kind != json::Kind::object) {
    if (json::starts_value(kind))
      return make_error(ErrorCode::parse,
                        "predicate: expected a JSON object, got " + std::string(json::describe(kind)));
    s.fail_unexpected("a JSON object");
  } else if (s.skip_value() && !s.at_end()) {
    s.fail_unexpected("end of input");
  }
  if (s.failed()) {
    util::Error e = json::syntax_error(s, "");
    e.message = "predicate: " + e.message;
    return e;
  }

  std::string out;
  out.reserve(predicate.size() + predicate_type.size() + 256 * subjects.size() + 128);
  out += "{\"_type\":";
  json::append_string(out, k_statement_v1);
  out += ",\"subject\":[";
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    if (!subjects[i].name.empty()) {
      out += "\"name\":";
      json::append_string(out, subjects[i].name);
      out += ',';
    }
    out += "\"digest\":{";
    auto digests = subjects[i].digests;
    std::sort(digests.begin(), digests.end());
    for (std::size_t j = 0; j < digests.size(); ++j) {
      if (j > 0) out += ',';
      json::append_string(out, digests[j].first);
      out += ':';
      json::append_string(out, digests[j].second);
    }
    out += "}}";
  }
  out += "],\"predicateType\":";
  json::append_string(out, predicate_type);
  out += ",\"predicate\":";
  out += predicate;
  out += '}';
  return out;
}

util::Result<Statement> parse_statement(std::string_view json, const std::string& path) {
  return StatementReader(json, path).run();
}

}  // namespace purser::signing
