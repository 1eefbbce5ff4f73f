// purser convert IN -o FORMAT[=FILE]: rewrite an SBOM in another format or spec version, saying on stderr what
// did not survive. Three sources of that statement:
// 1. the reader's diagnostics (quirks it repaired or skipped);
// 2. for JSON input, the members of the document the model has no place for (a census of member paths against
//    the members the readers map, formats/reader.hpp), e.g. CycloneDX services or SPDX files;
// 3. a check of the result: the written bytes are read back and compared with the input through the diff engine,
//    so anything the writer could not express (a version, licence, hash, supplier, edge) is named.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "cmd/cli.hpp"
#include "formats/reader.hpp"
#include "lib/diff/diff.hpp"
#include "lib/util/file.hpp"
#include "lib/util/strings.hpp"

namespace purser::cmd {

namespace {

struct ConvertFlags {
  std::string input;
  OutputFlags output;
};

// ---- the member census

/// Counts, per member path ("components[].description"), the members of a JSON document whose value is not
/// empty (null, "", [], {}, "NOASSERTION" and "NONE" are skipped), and per array path ("services[]") its elements.
/// Nested CycloneDX components count as components. Assumes well-formed JSON (the reader accepted it first); paths
/// deeper than k_max_depth are not counted.
class MemberCensus {
 public:
  std::unordered_map<std::string, std::size_t> counts;

  void run(std::string_view s) {
    struct Frame {
      bool object;
      bool expect_key;
      std::string path;
      std::string key;
    };
    std::vector<Frame> stack;
    std::size_t i = 0;
    auto skip_ws = [&](std::size_t j) {
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
      return j;
    };
    // The path of the value starting now, and whether it is an object member.
    auto value_path = [&](bool& member) -> std::string {
      member = false;
      if (stack.empty()) return {};
      Frame& top = stack.back();
      if (top.object) {
        member = true;
        return top.path.empty() ? top.key : top.path + "." + top.key;
      }
      std::string p = top.path + "[]";
      ++counts[p];
      return p;
    };
    auto count = [&](bool member, const std::string& path) {
      if (member && stack.size() <= k_max_depth) ++counts[path];
    };
    while ((i = skip_ws(i)) < s.size()) {
      char c = s[i];
      if (c == '{' || c == '[') {
        bool member = false;
        std::string path = value_path(member);
        char closer = c == '{' ? '}' : ']';
        std::size_t j = skip_ws(i + 1);
        if (j < s.size() && s[j] == closer) {
          i = j + 1;
          continue;
        }
        count(member, path);
        stack.push_back({c == '{', c == '{', stack.size() < k_max_depth ? collapse(std::move(path)) : "...", {}});
        ++i;
      } else if (c == '}' || c == ']') {
        if (!stack.empty()) stack.pop_back();
        ++i;
      } else if (c == ',') {
        if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
        ++i;
      } else if (c == ':') {
        ++i;
      } else if (c == '"') {
        std::size_t j = i + 1;
        while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        std::string_view text = s.substr(i + 1, std::min(j, s.size()) - i - 1);
        i = j + 1;
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          stack.back().key.assign(text);
          stack.back().expect_key = false;
          continue;
        }
        bool member = false;
        std::string path = value_path(member);
        // SPDX spells "no information" NOASSERTION or NONE (SPDX 2.3 §7): nothing is lost with it.
        if (!text.empty() && text != "NOASSERTION" && text != "NONE") count(member, path);
      } else {
        std::size_t j = i;
        while (j < s.size() && std::string_view(",}] \t\r\n").find(s[j]) == std::string_view::npos) ++j;
        bool member = false;
        std::string path = value_path(member);
        if (s.substr(i, j - i) != "null") count(member, path);
        i = std::max(j, i + 1);
      }
    }
  }

  std::size_t get(const std::string& path) const {
    auto it = counts.find(path);
    return it == counts.end() ? 0 : it->second;
  }

 private:
  static constexpr std::size_t k_max_depth = 8;

  // CycloneDX nests components in components (and under metadata.component); they are all components.
  static std::string collapse(std::string path) {
    static const std::string k_nested = "components[].components[]";
    static const std::size_t k_prefix = std::string_view("components[].").size();
    for (std::size_t at; (at = path.find(k_nested)) != std::string::npos;) path.erase(at, k_prefix);
    if (path == "metadata.component.components[]") path = "components[]";
    return path;
  }
};

// The members each reader maps into the model, per checked container (formats/reader.hpp says how).
struct Container {
  const char* path;
  std::vector<std::string_view> held;
};

const std::vector<Container>& cyclonedx_containers() {
  static const std::vector<std::string_view> k_component = {"type",
                                                            "bom-ref",
                                                            "supplier",
                                                            "group",
                                                            "name",
                                                            "version",
                                                            "scope",
                                                            "hashes",
                                                            "licenses",
                                                            "purl",
                                                            "cpe",
                                                            "properties",
                                                            "externalReferences",
                                                            "evidence",
                                                            "components"};
  static const std::vector<Container> k = {
      {"",
       {"$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components", "dependencies"}},
      {"metadata", {"timestamp", "tools", "authors", "component", "properties"}},
      {"metadata.component", k_component},
      {"components[]", k_component},
      {"metadata.component.supplier", {"name"}},
      {"components[].supplier", {"name"}},
      {"components[].evidence", {"occurrences"}},
      {"dependencies[]", {"ref", "dependsOn"}},
  };
  return k;
}

const std::vector<Container>& spdx_containers() {
  static const std::vector<Container> k = {
      {"",
       {"$schema", "spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo", "packages",
        "relationships", "documentDescribes"}},
      {"creationInfo", {"created", "creators"}},
      {"packages[]",
       {"SPDXID", "name", "versionInfo", "externalRefs", "licenseConcluded", "licenseDeclared", "checksums", "supplier",
        "downloadLocation", "primaryPackagePurpose", "comment", "sourceInfo", "filesAnalyzed"}},
      {"relationships[]", {"spdxElementId", "relatedSpdxElement", "relationshipType"}},
  };
  return k;
}

/// "not carried over" lines for members of a JSON document the model does not hold, sorted by path.
std::vector<std::string> dropped_members(std::string_view bytes, formats::SbomFormat format) {
  std::vector<std::string> out;
  bool cdx = format == formats::SbomFormat::cyclonedx_json;
  if (!cdx && format != formats::SbomFormat::spdx_json) return out;
  MemberCensus census;
  census.run(bytes);
  const auto& containers = cdx ? cyclonedx_containers() : spdx_containers();
  std::map<std::string, std::size_t> dropped;
  for (const auto& [path, n] : census.counts) {
    if (path.size() >= 2 && path.compare(path.size() - 2, 2, "[]") == 0) continue;  // element counts
    std::size_t dot = path.rfind('.');
    std::string parent = dot == std::string::npos ? std::string() : path.substr(0, dot);
    std::string_view key = dot == std::string::npos ? std::string_view(path) : std::string_view(path).substr(dot + 1);
    for (const auto& c : containers) {
      if (parent != c.path) continue;
      if (std::find(c.held.begin(), c.held.end(), key) == c.held.end()) {
        std::size_t elements = census.get(path + "[]");
        dropped[path] = elements > 0 && parent.empty() ? elements : n;
      }
      break;
    }
  }
  for (const auto& [path, n] : dropped)
    out.push_back("not carried over: " + util::printable(path, 120) + " (" + std::to_string(n) + ")");
  // Identifiers every writer derives from the content it writes.
  if (cdx && census.get("serialNumber") > 0)
    out.push_back("not carried over: serialNumber (the output has its own, derived from its content)");
  if (!cdx && census.get("documentNamespace") > 0)
    out.push_back("not carried over: documentNamespace (the output has its own, derived from its content)");
  if (cdx) {
    std::size_t tools = census.get("metadata.tools[]") + census.get("metadata.tools.components[]") +
                        census.get("metadata.tools.services[]");
    if (tools > 1)
      out.push_back("not carried over: metadata.tools after the first (" + std::to_string(tools - 1) + ")");
  }
  return out;
}

// ---- the check of the result

std::string side_text(const diff::Side& s) {
  std::string out = s.name.empty() ? s.ref : s.name;
  if (!s.version.empty()) out += "@" + s.version;
  return util::printable(out, 120);
}

std::string change_text(const diff::Change& c) {
  const diff::Component& k = c.component;
  auto quoted = [](const std::string& v) { return "\"" + util::printable(v, 120) + "\""; };
  switch (c.kind) {
    case diff::ChangeKind::removed:
      return "not carried over: component " + side_text(k.before);
    case diff::ChangeKind::added:
      return "appeared in conversion: component " + side_text(k.after);
    case diff::ChangeKind::upgraded:
    case diff::ChangeKind::downgraded:
      return "version changed in conversion: " + side_text(k.before) + " became " + side_text(k.after);
    case diff::ChangeKind::edge_removed:
      return "not carried over: edge " + side_text(c.component.before) + " -> " + side_text(c.dependency.before);
    case diff::ChangeKind::edge_added:
      return "appeared in conversion: edge " + side_text(c.component.after) + " -> " + side_text(c.dependency.after);
    default:
      return std::string(diff::to_string(c.kind)) + " changed in conversion: " + side_text(k.before) + ": " +
             quoted(k.before.value) + " became " + quoted(k.after.value);
  }
}

// Reads `bytes` back and reports what differs from `original`; silent for formats read_sbom cannot read.
void check_round_trip(const model::Document& original, const std::string& bytes, const OutputTarget& target) {
  std::string label = target.file == "-" ? std::string("<stdout>") : target.file;
  auto reread = formats::read_sbom(bytes, label);
  if (!reread.ok()) {
    print_verbose("convert: " + target.format + " output not checked: " + reread.error().message);
    return;
  }
  diff::DiffReport report = diff::diff(original, reread->document);
  constexpr std::size_t k_max_per_kind = 20;
  std::vector<std::size_t> shown(diff::k_change_kinds, 0);
  for (const auto& c : report.changes) {
    std::size_t& n = shown[static_cast<std::size_t>(c.kind)];
    if (n++ < k_max_per_kind) print_diagnostic({util::Severity::warning, change_text(c), {label}});
  }
  for (std::size_t i = 0; i < diff::k_change_kinds; ++i)
    if (shown[i] > k_max_per_kind)
      print_diagnostic({util::Severity::warning,
                        "and " + std::to_string(shown[i] - k_max_per_kind) + " more " +
                            diff::to_string(static_cast<diff::ChangeKind>(i)) + " difference(s)",
                        {label}});
  if (report.changes.empty())
    print_verbose("convert: " + label +
                  ": read back: components, versions, licences, "
                  "hashes, suppliers and edges all carried over");
}

int run_convert(const ConvertFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  auto targets = parse_outputs(flags.output);
  if (!targets.ok()) return fail(targets.error());
  std::error_code ec;
  if (flags.input.rfind("dir:", 0) == 0 || (flags.input != "-" && std::filesystem::is_directory(flags.input, ec)))
    return fail(util::make_error(util::ErrorCode::usage,
                                 flags.input + ": convert reads SBOM files; use purser scan for directories"));
  std::string label = flags.input == "-" ? std::string("<stdin>") : flags.input;
  model::Document doc;
  {
    auto bytes = util::read_file(flags.input);
    if (!bytes.ok()) return fail(bytes.error());
    auto read = formats::read_sbom(*bytes, label);
    if (!read.ok()) return fail(read.error());
    for (const auto& d : read->document.diagnostics) print_diagnostic(d);
    for (const auto& line : dropped_members(*bytes, read->format))
      print_diagnostic({util::Severity::warning, line, {label}});
    doc = std::move(read->document);
  }
  // The reader's diagnostics were reported above; they are not facts about the components to write again.
  doc.diagnostics.clear();

  for (const auto& t : *targets) {
    if (t.format == "table") {
      if (auto st = write_document(doc, t, flags.output); !st.ok()) return fail(st.error());
      continue;
    }
    // Kept in memory as it is written, then read back for the check.
    std::string bytes;
    auto st = write_streamed(t.file, [&](const formats::ByteSink& sink) {
      write_sbom(doc, t.format, flags.output, [&](std::string_view chunk) {
        bytes.append(chunk);
        sink(chunk);
      });
    });
    if (!st.ok()) return fail(st.error());
    check_round_trip(doc, bytes, t);
  }
  return k_exit_ok;
}

}  // namespace

Verb convert_verb() {
  return {
      "convert", "rewrite an SBOM in another format or spec version, stating what is not carried over",
      [](CLI::App& sub) -> std::function<int()> {
        auto flags = std::make_shared<ConvertFlags>();
        sub.add_option("input", flags->input, "the SBOM to convert (any supported format; '-' = stdin)")->required();
        flags->output.add(sub);
        sub.get_option("--output")->required();
        return [flags] { return run_convert(*flags); };
      }};
}

}  // namespace purser::cmd
