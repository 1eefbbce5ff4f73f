#pragma once
// Shared CLI plumbing for cmd/: the verb table entry, the exit-code table, the
// global flags and the reusable flag groups (STYLE 4). Only cmd/ includes CLI11.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "formats/writers.hpp"
#include "lib/model/package.hpp"
#include "lib/util/result.hpp"

namespace purser::registry {
class Client;
}

namespace purser::cmd {

/// The one exit-code table (documented in README.md).
enum ExitCode : int {
  k_exit_ok = 0,           ///< success
  k_exit_findings = 1,     ///< findings: invalid document, verification or policy failure
  k_exit_usage = 2,        ///< bad arguments
  k_exit_operational = 3,  ///< I/O, parse failure under --strict, network
};

/// Maps an error to its exit code.
int exit_code_for(const util::Error& error);

/// Flags every verb shares.
struct GlobalFlags {
  bool quiet = false;
  bool verbose = false;
  std::vector<std::string> insecure_registries;  ///< --insecure-registry HOST[:PORT]: plain HTTP allowed
};
GlobalFlags& global_flags();

/// Terminal facts, read once in main (only cmd/ reads the environment).
struct Terminal {
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool color = false;  ///< stdout colour: a TTY and NO_COLOR unset
  bool stderr_color = false;
};
const Terminal& terminal();
void init_terminal();

/// Prints "purser: <message>" (with location) to stderr.
void print_error(const util::Error& error);
/// Prints a diagnostic line to stderr unless --quiet.
void print_diagnostic(const util::Diagnostic& diagnostic);
/// Prints an informational line to stderr when --verbose.
void print_verbose(const std::string& line);

/// A verb: registers its flags on `sub` and returns the function that runs it.
struct Verb {
  const char* name;
  const char* help;
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

Verb scan_verb();
Verb validate_verb();
Verb catalogers_verb();
Verb keygen_verb();
Verb attest_verb();
Verb provenance_verb();
Verb verify_verb();
Verb diff_verb();
Verb merge_verb();
Verb convert_verb();
Verb push_verb();
Verb pull_verb();

/// The registry client all verbs share, made on first use: plain HTTP for --insecure-registry hosts; credentials from
/// PURSER_REGISTRY_USER / PURSER_REGISTRY_PASSWORD, else the Docker config ($DOCKER_CONFIG/config.json or
/// ~/.docker/config.json: auths, credsStore, credHelpers).
util::Result<std::shared_ptr<registry::Client>> registry_client();

/// `purser verify registry:REF --key ...`: finds the attestations attached to the image, verifies them against its
/// digest, the keys, the predicate type and the policy, prints the report; returns the exit code (0 = verified).
int verify_registry_image(const std::string& target, const std::vector<std::string>& keys, const std::string& type,
                          const std::string& policy, unsigned threshold, const std::string& image);

/// `-o FORMAT[=FILE]` (repeatable) and `--spec-version`, shared by every verb that writes SBOMs.
struct OutputFlags {
  std::vector<std::string> outputs;
  std::string spec_version = "1.6";
  void add(CLI::App& app);
};

/// One parsed output request.
struct OutputTarget {
  std::string format;  ///< "cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tag-value", "table"
  std::string file;    ///< "-" = stdout
};

/// Splits "FORMAT[=FILE]" without judging the format; no FILE (or an empty one) is "-".
OutputTarget split_output(const std::string& spec);
/// ErrorCode::usage "more than one output writes to stdout: ..." when two targets have FILE "-".
util::Status check_one_stdout(const std::vector<OutputTarget>& targets);

/// Parses OutputFlags into targets; ErrorCode::usage for unknown formats. With no -o:
/// table on a TTY, cyclonedx-json otherwise.
util::Result<std::vector<OutputTarget>> parse_outputs(const OutputFlags& flags);

/// The CycloneDX version a --spec-version value names ("1.4", "1.5"; anything else is 1.6).
formats::CycloneDxVersion cdx_version(const std::string& spec_version);

/// Like util::write_file_atomic, but the bytes come from `produce` in chunks: written to PATH.tmp.PID and renamed
/// over PATH when complete ("-" = stdout). On failure the temporary file is removed and PATH is left untouched;
/// ErrorCode::io "cannot write: <strerror>" located at PATH (or <stdout>).
util::Status write_streamed(const std::string& path, const std::function<void(const formats::ByteSink&)>& produce);

/// Streams `doc` in an SBOM output format (parse_outputs spelling: "cyclonedx-json" or "cyclonedx-xml" at
/// flags.spec_version, "spdx-json", "spdx-tag-value") into `sink`. False, writing nothing, for a format that is not an
/// SBOM ("table").
bool write_sbom(const model::Document& doc, const std::string& format, const OutputFlags& flags,
                const formats::ByteSink& sink);

/// Writes `doc` to one output target: SBOM formats stream into the file (the document is never rendered whole),
/// the table is coloured when it goes to a colour terminal.
util::Status write_document(const model::Document& doc, const OutputTarget& target, const OutputFlags& flags);

/// How a scan target is scanned (scan, and the targets diff and merge scan themselves).
struct ScanSettings {
  std::vector<std::string> excludes;    ///< directory scans only
  std::vector<std::string> catalogers;  ///< ids or ecosystems; empty = all
  unsigned threads = 1;
  std::string image;                                       ///< images: "NAME:TAG" when the archive holds several
  std::string platform;                                    ///< images: "os/arch[/variant]" under an index
  bool all_layers = false;                                 ///< images: --scope all-layers
  std::function<void(std::size_t, std::size_t)> progress;  ///< may be empty
};

/// True when `target` is an image: docker-archive:, oci-dir:, oci-archive:, or a bare path to a tar or directory
/// holding an image.
bool is_image(const std::string& target);

/// True when `target` names something to scan rather than an SBOM file: dir:, an existing directory, or an image.
bool is_scan_target(const std::string& target);

/// Scans a directory or an image target into a document (metadata.timestamp and tool_version left for the caller).
util::Result<model::Document> scan_target(const std::string& target, const ScanSettings& settings);

/// A document that diff, merge or convert works on, and how it was obtained.
struct LoadedDocument {
  model::Document document;  ///< reader or scan diagnostics in document.diagnostics
  std::string label;         ///< the target as the user named it ("<stdin>" for '-')
  std::string format;        ///< "cyclonedx-json 1.6", "spdx-json 2.3", ..., or "scan"
};

/// Loads OLD/NEW of diff and the inputs of merge and convert. With `allow_scan`, a scan target (is_scan_target) is
/// scanned the way `scan` does (scan_target on `threads` threads, squashed scope). Anything else is an SBOM file
/// ('-' = stdin) read with formats::read_sbom; its errors pass through.
util::Result<LoadedDocument> load_document(const std::string& target, bool allow_scan, unsigned threads);

/// The document timestamp: SOURCE_DATE_EPOCH when set (ErrorCode::usage if malformed), else now.
util::Result<std::int64_t> document_timestamp();

}  // namespace purser::cmd
