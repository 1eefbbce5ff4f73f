// purser: the command table (ninja's kTools) and the only place that turns errors
// into exit codes.

#include <cstdio>
#include <exception>

#include "cmd/cli.hpp"

#ifndef PURSER_VERSION
#define PURSER_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace purser::cmd;
  init_terminal();
  CLI::App app{"purser: inventories, signs, diffs and verifies what is inside software"};
  app.name("purser");
  app.set_version_flag("--version", PURSER_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  auto& flags = global_flags();
  app.add_flag("-q,--quiet", flags.quiet, "print nothing but results and errors");
  app.add_flag("-v,--verbose", flags.verbose, "print progress details to stderr");
  app.add_option("--insecure-registry", flags.insecure_registries,
                 "allow plain HTTP to this registry HOST[:PORT] (repeatable; local test registries)");

  const Verb verbs[] = {scan_verb(),   validate_verb(),   catalogers_verb(), keygen_verb(),
                        attest_verb(), provenance_verb(), verify_verb(),     diff_verb(),
                        merge_verb(),  convert_verb(),    push_verb(),       pull_verb()};
  std::function<int()> run;
  for (const auto& verb : verbs) {
    CLI::App* sub = app.add_subcommand(verb.name, verb.help);
    auto runner = verb.setup(*sub);
    sub->callback([&run, runner] { run = runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }
  try {
    return run ? run() : k_exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "purser: internal error: %s\n", e.what());
    return k_exit_operational;
  }
}
