#include "signing/predicate.hpp"

#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"
#include "signing/dsse_detail.hpp"

namespace purser::signing {

namespace json = util::json;

namespace {

using util::ErrorCode;
using util::make_error;

constexpr std::string_view k_cyclonedx = "https://cyclonedx.org/bom";
constexpr std::string_view k_spdx = "https://spdx.dev/Document";
constexpr std::string_view k_slsa_v1 = "https://slsa.dev/provenance/v1";
constexpr std::string_view k_openvex = "https://openvex.dev/ns";

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' and something after it.
bool is_absolute_uri(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= s.size()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20) return false;
  return true;
}

// The kinds a predicate's own content reveals, and what the caller asked for.
enum class Kind { unknown, cyclonedx, spdx, slsa_v1, openvex };

Kind kind_of_uri(std::string_view uri) {
  if (uri.starts_with(k_cyclonedx)) return Kind::cyclonedx;
  if (uri.starts_with(k_spdx)) return Kind::spdx;
  if (uri == k_slsa_v1) return Kind::slsa_v1;
  if (uri.starts_with(k_openvex)) return Kind::openvex;
  return Kind::unknown;
}

const char* short_name(Kind kind) {
  switch (kind) {
    case Kind::cyclonedx:
      return "cyclonedx";
    case Kind::spdx:
      return "spdx";
    case Kind::slsa_v1:
      return "slsa-provenance";
    case Kind::openvex:
      return "openvex";
    case Kind::unknown:
      break;
  }
  return "";
}

const char* description(Kind kind) {
  switch (kind) {
    case Kind::cyclonedx:
      return "a CycloneDX document";
    case Kind::spdx:
      return "an SPDX document";
    case Kind::slsa_v1:
      return "a SLSA provenance predicate";
    case Kind::openvex:
      return "an OpenVEX document";
    case Kind::unknown:
      break;
  }
  return "";
}

// The top-level facts check_predicate looks at; everything else is validated and skipped.
struct Shape {
  std::string bom_format;    // CycloneDX: bomFormat
  std::string spdx_version;  // SPDX 2.x: spdxVersion
  std::string context;       // OpenVEX: @context
  bool has_build_definition = false;
  bool has_run_details = false;
  std::string build_type;  // SLSA v1: buildDefinition.buildType
  std::string builder_id;  // SLSA v1: runDetails.builder.id
};

// Reads a string if one is there; anything else is skipped (a mistyped field just does not match).
bool read_string_or_skip(json::Scanner& s, std::string& out) {
  if (s.peek() != '"') return s.skip_value();
  std::string_view view;
  std::string buffer;
  if (!s.read_string(view, buffer)) return false;
  out.assign(view);
  return true;
}

// Calls `member(key)` for each member of the object at the scanner (which must consume the value); skips a
// non-object value.
template <class F>
bool for_members(json::Scanner& s, F&& member) {
  if (s.peek() != '{') return s.skip_value();
  json::ObjectReader members(s);
  std::string key;
  while (members.next(key))
    if (!member(key)) return false;
  return !s.failed();
}

bool read_shape(json::Scanner& s, Shape& shape) {
  return for_members(s, [&](const std::string& key) {
    if (key == "bomFormat") return read_string_or_skip(s, shape.bom_format);
    if (key == "spdxVersion") return read_string_or_skip(s, shape.spdx_version);
    if (key == "@context") return read_string_or_skip(s, shape.context);
    if (key == "buildDefinition") {
      shape.has_build_definition = true;
      return for_members(s, [&](const std::string& k) {
        return k == "buildType" ? read_string_or_skip(s, shape.build_type) : s.skip_value();
      });
    }
    if (key == "runDetails") {
      shape.has_run_details = true;
      return for_members(s, [&](const std::string& k) {
        if (k != "builder") return s.skip_value();
        return for_members(s, [&](const std::string& b) {
          return b == "id" ? read_string_or_skip(s, shape.builder_id) : s.skip_value();
        });
      });
    }
    return s.skip_value();
  });
}

Kind kind_of_shape(const Shape& shape) {
  if (shape.bom_format == "CycloneDX") return Kind::cyclonedx;
  if (shape.spdx_version.starts_with("SPDX-")) return Kind::spdx;
  if (shape.has_build_definition || shape.has_run_details) return Kind::slsa_v1;
  if (std::string_view(shape.context).starts_with(k_openvex)) return Kind::openvex;
  return Kind::unknown;
}

// Why a predicate of the right kind (or of no recognisable kind) does not have the shape `want` needs; "" if ok.
std::string shape_problem(Kind want, const Shape& shape) {
  switch (want) {
    case Kind::cyclonedx:
      if (shape.bom_format != "CycloneDX")
        return "predicate is not a CycloneDX document: bomFormat is not \"CycloneDX\"";
      return "";
    case Kind::spdx:
      if (shape.spdx_version.empty()) return "predicate is not an SPDX document: no spdxVersion";
      if (!shape.spdx_version.starts_with("SPDX-2."))
        return "predicate is not an SPDX 2.x document: spdxVersion is \"" + util::printable(shape.spdx_version) + "\"";
      return "";
    case Kind::slsa_v1:
      if (shape.build_type.empty())
        return "predicate is not a SLSA provenance v1 predicate: no buildDefinition.buildType";
      if (shape.builder_id.empty()) return "predicate is not a SLSA provenance v1 predicate: no runDetails.builder.id";
      return "";
    case Kind::openvex:
      if (!std::string_view(shape.context).starts_with(k_openvex))
        return "predicate is not an OpenVEX document: @context is not under " + std::string(k_openvex);
      return "";
    case Kind::unknown:
      break;
  }
  return "";
}

}  // namespace

const std::vector<PredicateKind>& predicate_kinds() {
  static const std::vector<PredicateKind> k_kinds = {
      {"cyclonedx", k_cyclonedx},
      {"spdx", k_spdx},
      {"slsa-provenance", k_slsa_v1},
      {"openvex", "https://openvex.dev/ns/v0.2.0"},
  };
  return k_kinds;
}

util::Result<std::string> predicate_type_uri(std::string_view name_or_uri) {
  const std::string lower = util::to_lower(name_or_uri);
  for (const PredicateKind& kind : predicate_kinds())
    if (lower == kind.name) return std::string(kind.uri);
  if (is_absolute_uri(name_or_uri)) return std::string(name_or_uri);
  return make_error(ErrorCode::usage, "unknown predicate type \"" + util::printable(name_or_uri) +
                                          "\": use cyclonedx, spdx, slsa-provenance, openvex or an absolute URI");
}

util::Status check_predicate(std::string_view predicate_type, std::string_view predicate_json,
                             const std::string& path) {
  json::Scanner s(predicate_json);
  if (s.peek() != '{') {
    util::Error e = detail::not_a(s, "predicate", "a JSON object", path);
    e.code = ErrorCode::parse;
    return e;
  }
  Shape shape;
  if (!read_shape(s, shape)) return json::syntax_error(s, path);
  if (!s.at_end()) {
    s.fail_unexpected("end of input");
    return json::syntax_error(s, path);
  }
  const Kind want = kind_of_uri(predicate_type);
  if (want == Kind::unknown) return util::Ok{};
  const Kind found = kind_of_shape(shape);
  if (found != Kind::unknown && found != want)
    return make_error(ErrorCode::usage, std::string("predicate is ") + description(found) + ", not " + short_name(want),
                      {path});
  if (std::string why = shape_problem(want, shape); !why.empty()) return make_error(ErrorCode::usage, why, {path});
  return util::Ok{};
}

}  // namespace purser::signing
