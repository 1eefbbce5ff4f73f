// purser merge A B...: combine SBOMs (or scans) into one document under a new root.

#include <cstdio>
#include <exception>
#include <optional>

#include "cmd/cli.hpp"
#include "lib/diff/merge.hpp"
#include "lib/util/parallel.hpp"

namespace purser::cmd {

namespace {

struct MergeFlags {
  std::vector<std::string> inputs;
  OutputFlags output;
  std::string name = "merged";
  std::string version;
  unsigned threads = 0;
};

int run_merge(const MergeFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  auto targets = parse_outputs(flags.output);
  if (!targets.ok()) return fail(targets.error());
  auto timestamp = document_timestamp();
  if (!timestamp.ok()) return fail(timestamp.error());
  if (std::count(flags.inputs.begin(), flags.inputs.end(), "-") > 1)
    return fail(util::make_error(util::ErrorCode::usage, "merge: only one input can be '-' (stdin)"));

  // Inputs load in parallel (each read is single-threaded); a scan input gets one thread of its own.
  unsigned threads = flags.threads == 0 ? util::default_threads() : flags.threads;
  std::vector<std::optional<util::Result<LoadedDocument>>> loaded(flags.inputs.size());
  std::vector<std::exception_ptr> thrown(flags.inputs.size());
  util::parallel_for(flags.inputs.size(), threads, [&](std::size_t i) {
    try {
      loaded[i].emplace(load_document(flags.inputs[i], true, 1));
    } catch (...) {
      thrown[i] = std::current_exception();
    }
  });
  for (const auto& e : thrown)
    if (e) std::rethrow_exception(e);
  std::vector<model::Document> documents;
  diff::MergeOptions options;
  options.name = flags.name;
  options.version = flags.version;
  options.timestamp = *timestamp;
  options.tool_version = PURSER_VERSION;
  options.source_target = "merge:";
  for (auto& l : loaded) {
    if (!l->ok()) return fail(l->error());
    for (const auto& d : (*l)->document.diagnostics) print_diagnostic(d);
    if (options.labels.size() > 0) options.source_target += ",";
    options.source_target += (*l)->label;
    options.labels.push_back((*l)->label);
    print_verbose("read " + (*l)->label + " (" + (*l)->format + ", " + std::to_string((*l)->document.packages.size()) +
                  " components)");
    documents.push_back(std::move((*l)->document));
    l.reset();
  }
  auto merged = diff::merge(std::move(documents), options);
  if (!merged.ok()) return fail(merged.error());
  for (const auto& d : merged->diagnostics) print_diagnostic(d);
  print_verbose("merged: " + std::to_string(merged->packages.size()) + " components, " +
                std::to_string(merged->relationships.size()) + " relationships");
  for (const auto& t : *targets)
    if (auto st = write_document(*merged, t, flags.output); !st.ok()) return fail(st.error());
  return k_exit_ok;
}

}  // namespace

Verb merge_verb() {
  return {"merge", "combine SBOMs under a new root: one component per PURL, every location and edge kept",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<MergeFlags>();
            sub.add_option("inputs", flags->inputs, "SBOM files (any supported format; '-' = stdin) or dir:PATH")
                ->required();
            flags->output.add(sub);
            sub.add_option("--name", flags->name, "name of the new root component (default: merged)");
            sub.add_option("--version", flags->version, "version of the new root component");
            sub.add_option("-j,--threads", flags->threads, "inputs read at once (default: all cores)");
            return [flags] { return run_merge(*flags); };
          }};
}

}  // namespace purser::cmd
