// purser diff OLD NEW: what changed between two SBOMs (any format read_sbom reads) or scan targets.

#include <cstdio>
#include <exception>
#include <optional>
#include <thread>

#include "cmd/cli.hpp"
#include "lib/diff/diff.hpp"
#include "lib/diff/render.hpp"
#include "lib/util/file.hpp"
#include "lib/util/parallel.hpp"

namespace purser::cmd {

namespace {

struct DiffFlags {
  std::string before;
  std::string after;
  std::vector<std::string> outputs;
  std::vector<std::string> fail_on;
  unsigned threads = 0;
};

constexpr const char* k_kinds_help =
    "added, removed, upgraded, downgraded, hash, license, supplier, layer, edge-added, edge-removed, edges, any";

util::Result<std::vector<OutputTarget>> parse_diff_outputs(const std::vector<std::string>& specs) {
  std::vector<OutputTarget> out;
  for (const auto& spec : specs) {
    OutputTarget t = split_output(spec);
    if (t.format == "md") t.format = "markdown";
    if (t.format != "table" && t.format != "json" && t.format != "markdown")
      return util::make_error(util::ErrorCode::usage,
                              "unknown diff output format: " + t.format + " (expected table, json or markdown)");
    out.push_back(std::move(t));
  }
  if (out.empty()) out.push_back({"table", "-"});
  if (auto st = check_one_stdout(out); !st.ok()) return st.error();
  return out;
}

// --fail-on: kind names, "edges" (both edge kinds) and "any".
util::Result<std::vector<bool>> parse_fail_on(const std::vector<std::string>& items) {
  std::vector<bool> selected(diff::k_change_kinds, false);
  for (const auto& item : items) {
    if (item == "any") {
      selected.assign(diff::k_change_kinds, true);
    } else if (item == "edges") {
      selected[static_cast<std::size_t>(diff::ChangeKind::edge_added)] = true;
      selected[static_cast<std::size_t>(diff::ChangeKind::edge_removed)] = true;
    } else if (auto kind = diff::parse_change_kind(item)) {
      selected[static_cast<std::size_t>(*kind)] = true;
    } else {
      return util::make_error(util::ErrorCode::usage,
                              "unknown --fail-on kind: " + item + " (expected " + k_kinds_help + ")");
    }
  }
  return selected;
}

// Reader and scan diagnostics matter less here than in convert: one line per document unless --verbose.
void report_diagnostics(const LoadedDocument& doc) {
  const auto& diagnostics = doc.document.diagnostics;
  if (diagnostics.empty()) return;
  if (global_flags().verbose) {
    for (const auto& d : diagnostics) print_diagnostic(d);
    return;
  }
  if (global_flags().quiet) return;
  std::fprintf(stderr, "%s: %zu warning(s) while reading (-v lists them)\n", doc.label.c_str(), diagnostics.size());
}

int run_diff(const DiffFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  auto outputs = parse_diff_outputs(flags.outputs);
  if (!outputs.ok()) return fail(outputs.error());
  auto fail_on = parse_fail_on(flags.fail_on);
  if (!fail_on.ok()) return fail(fail_on.error());
  if (flags.before == "-" && flags.after == "-")
    return fail(util::make_error(util::ErrorCode::usage, "diff: only one of OLD and NEW can be '-' (stdin)"));

  // With two threads or more, both documents load at once, each with half the threads: reading a large SBOM is
  // single-threaded, so two of them take the time of one.
  unsigned threads = flags.threads == 0 ? util::default_threads() : flags.threads;
  unsigned each = threads >= 2 ? threads / 2 : 1;
  std::optional<util::Result<LoadedDocument>> before, after;
  std::exception_ptr thrown;
  if (threads >= 2) {
    std::thread worker([&] {
      try {
        after.emplace(load_document(flags.after, true, each));
      } catch (...) {
        thrown = std::current_exception();
      }
    });
    before.emplace(load_document(flags.before, true, each));
    worker.join();
  } else {
    before.emplace(load_document(flags.before, true, 1));
    after.emplace(load_document(flags.after, true, 1));
  }
  if (thrown) std::rethrow_exception(thrown);
  if (!before->ok()) return fail(before->error());
  if (!after->ok()) return fail(after->error());
  report_diagnostics(**before);
  report_diagnostics(**after);
  print_verbose("old: " + (*before)->label + " (" + (*before)->format + ", " +
                std::to_string((*before)->document.packages.size()) + " components)");
  print_verbose("new: " + (*after)->label + " (" + (*after)->format + ", " +
                std::to_string((*after)->document.packages.size()) + " components)");

  diff::DiffOptions options;
  options.threads = threads >= 2 ? 2 : 1;
  diff::DiffReport report = diff::diff((*before)->document, (*after)->document, options);

  diff::RenderOptions render;
  render.before_label = (*before)->label;
  render.after_label = (*after)->label;
  for (const auto& t : *outputs) {
    render.color = t.format == "table" && t.file == "-" && terminal().color;
    std::string text = t.format == "json"       ? diff::render_json(report, render)
                       : t.format == "markdown" ? diff::render_markdown(report, render)
                                                : diff::render_table(report, render);
    if (auto st = util::write_file_atomic(t.file, text); !st.ok()) return fail(st.error());
  }

  std::string matched;
  for (std::size_t i = 0; i < diff::k_change_kinds; ++i) {
    auto kind = static_cast<diff::ChangeKind>(i);
    std::size_t n = report.count(kind);
    if (!(*fail_on)[i] || n == 0) continue;
    if (!matched.empty()) matched += ", ";
    matched += std::to_string(n) + " " + diff::to_string(kind);
  }
  if (matched.empty()) return k_exit_ok;
  if (!global_flags().quiet) std::fprintf(stderr, "purser: diff: changes selected by --fail-on: %s\n", matched.c_str());
  return k_exit_findings;
}

}  // namespace

Verb diff_verb() {
  return {"diff", "compare two SBOMs or scan targets: components, versions, licences, hashes, edges",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<DiffFlags>();
            sub.add_option("old", flags->before,
                           "the old SBOM (CycloneDX or SPDX, any serialisation; '-' = stdin) or dir:PATH to scan")
                ->required();
            sub.add_option("new", flags->after, "the new SBOM or dir:PATH")->required();
            sub.add_option("-o,--output", flags->outputs,
                           "output FORMAT[=FILE], repeatable; formats: table (default), json, markdown; FILE '-' or "
                           "none = stdout");
            sub.add_option("--fail-on", flags->fail_on,
                           std::string("exit 1 when a change of these kinds exists (comma-separated): ") + k_kinds_help)
                ->delimiter(',');
            sub.add_option("-j,--threads", flags->threads, "worker threads (default: all cores)");
            return [flags] { return run_diff(*flags); };
          }};
}

}  // namespace purser::cmd
