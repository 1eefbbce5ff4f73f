#include "cmd/cli.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "formats/reader.hpp"
#include "lib/catalog/image_scan.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/source/image.hpp"
#include "lib/source/image_ref.hpp"
#include "lib/util/file.hpp"
#include "lib/util/glob.hpp"

namespace purser::cmd {

int exit_code_for(const util::Error& error) {
  switch (error.code) {
    case util::ErrorCode::usage:
      return k_exit_usage;
    case util::ErrorCode::verify:
      return k_exit_findings;
    case util::ErrorCode::io:
    case util::ErrorCode::parse:
    case util::ErrorCode::unsupported:
    case util::ErrorCode::internal:
      return k_exit_operational;
  }
  return k_exit_operational;
}

GlobalFlags& global_flags() {
  static GlobalFlags flags;
  return flags;
}

static Terminal g_terminal;

const Terminal& terminal() { return g_terminal; }

void init_terminal() {
  g_terminal.stdout_tty = ::isatty(1) == 1;
  g_terminal.stderr_tty = ::isatty(2) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  bool allow = no_color == nullptr || *no_color == '\0';
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") allow = false;
  g_terminal.color = allow && g_terminal.stdout_tty;
  g_terminal.stderr_color = allow && g_terminal.stderr_tty;
}

void print_error(const util::Error& error) {
  const char* red = g_terminal.stderr_color ? "\033[31m" : "";
  const char* reset = g_terminal.stderr_color ? "\033[0m" : "";
  std::fprintf(stderr, "%spurser: error:%s %s\n", red, reset, error.to_string().c_str());
}

void print_diagnostic(const util::Diagnostic& d) {
  if (global_flags().quiet) return;
  const char* color = g_terminal.stderr_color ? (d.severity == util::Severity::error ? "\033[31m" : "\033[33m") : "";
  const char* reset = g_terminal.stderr_color ? "\033[0m" : "";
  std::fprintf(stderr, "%s%s:%s %s\n", color, d.severity == util::Severity::error ? "error" : "warning", reset,
               d.to_string().c_str());
}

void print_verbose(const std::string& line) {
  if (global_flags().verbose && !global_flags().quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

void OutputFlags::add(CLI::App& app) {
  app.add_option("-o,--output", outputs,
                 "output FORMAT[=FILE], repeatable; formats: cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tag-value, "
                 "table; FILE '-' or none = stdout");
  app.add_option("--spec-version", spec_version, "CycloneDX (JSON and XML) spec version: 1.6 (default), 1.5, 1.4")
      ->check(CLI::IsMember({"1.4", "1.5", "1.6"}));
}

OutputTarget split_output(const std::string& spec) {
  OutputTarget t;
  auto eq = spec.find('=');
  t.format = spec.substr(0, eq);
  t.file = eq == std::string::npos ? "-" : spec.substr(eq + 1);
  if (t.file.empty()) t.file = "-";
  return t;
}

util::Status check_one_stdout(const std::vector<OutputTarget>& targets) {
  int to_stdout = 0;
  for (const auto& t : targets) to_stdout += t.file == "-";
  if (to_stdout > 1)
    return util::make_error(util::ErrorCode::usage, "more than one output writes to stdout: give all but one a FILE");
  return util::Ok{};
}

util::Result<std::vector<OutputTarget>> parse_outputs(const OutputFlags& flags) {
  std::vector<OutputTarget> out;
  for (const auto& spec : flags.outputs) {
    OutputTarget t = split_output(spec);
    if (t.format == "cyclonedx" || t.format == "cdx" || t.format == "cdx-json") t.format = "cyclonedx-json";
    if (t.format == "spdx") t.format = "spdx-json";
    if (t.format == "spdx-tv") t.format = "spdx-tag-value";
    if (t.format == "cdx-xml") t.format = "cyclonedx-xml";
    if (t.format != "cyclonedx-json" && t.format != "cyclonedx-xml" && t.format != "spdx-json" &&
        t.format != "spdx-tag-value" && t.format != "table")
      return util::make_error(util::ErrorCode::usage,
                              "unknown output format: " + t.format +
                                  " (expected cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tag-value or table)");
    out.push_back(std::move(t));
  }
  if (out.empty()) out.push_back({terminal().stdout_tty ? "table" : "cyclonedx-json", "-"});
  if (auto st = check_one_stdout(out); !st.ok()) return st.error();
  return out;
}

formats::CycloneDxVersion cdx_version(const std::string& spec_version) {
  if (spec_version == "1.4") return formats::CycloneDxVersion::v1_4;
  if (spec_version == "1.5") return formats::CycloneDxVersion::v1_5;
  return formats::CycloneDxVersion::v1_6;
}

util::Status write_streamed(const std::string& path, const std::function<void(const formats::ByteSink&)>& produce) {
  auto failed = [&](int err) {
    return util::make_error(util::ErrorCode::io, std::string("cannot write: ") + std::strerror(err),
                            {path == "-" ? std::string("<stdout>") : path});
  };
  if (path == "-") {
    int err = 0;
    produce([&](std::string_view bytes) {
      if (err == 0 && std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) err = errno ? errno : EIO;
    });
    if (err == 0 && std::fflush(stdout) != 0) err = errno ? errno : EIO;
    return err == 0 ? util::Status(util::Ok{}) : failed(err);
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed(errno);
  std::FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    int saved = errno;
    ::close(fd);
    std::remove(tmp.c_str());
    return failed(saved);
  }
  int err = 0;
  produce([&](std::string_view bytes) {
    if (err == 0 && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) err = errno ? errno : EIO;
  });
  if (std::fclose(f) != 0 && err == 0) err = errno ? errno : EIO;
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    std::remove(tmp.c_str());
    return failed(err);
  }
  return util::Ok{};
}

bool write_sbom(const model::Document& doc, const std::string& format, const OutputFlags& flags,
                const formats::ByteSink& sink) {
  if (format == "cyclonedx-json") {
    formats::write_cyclonedx_json(doc, cdx_version(flags.spec_version), sink);
    return true;
  }
  if (format == "cyclonedx-xml") {
    formats::write_cyclonedx_xml(doc, cdx_version(flags.spec_version), sink);
    return true;
  }
  if (format == "spdx-json") {
    formats::write_spdx_json(doc, sink);
    return true;
  }
  if (format == "spdx-tag-value") {
    formats::write_spdx_tag_value(doc, sink);
    return true;
  }
  return false;
}

util::Status write_document(const model::Document& doc, const OutputTarget& target, const OutputFlags& flags) {
  // SBOM writers stream straight into the file: the document is never held in memory as a whole.
  if (target.format != "table")
    return write_streamed(target.file,
                          [&](const formats::ByteSink& sink) { write_sbom(doc, target.format, flags, sink); });
  return util::write_file_atomic(target.file, formats::write_table(doc, target.file == "-" && terminal().color));
}

namespace {

std::string format_name(const formats::ReadSbom& read) {
  std::string name;
  switch (read.format) {
    case formats::SbomFormat::cyclonedx_json:
      name = "cyclonedx-json";
      break;
    case formats::SbomFormat::spdx_json:
      name = "spdx-json";
      break;
    case formats::SbomFormat::spdx_tag_value:
      name = "spdx-tag-value";
      break;
    case formats::SbomFormat::cyclonedx_xml:
      name = "cyclonedx-xml";
      break;
    default:
      name = "sbom";
      break;
  }
  if (!read.spec_version.empty()) name += " " + read.spec_version;
  return name;
}

}  // namespace

bool is_image(const std::string& target) {
  if (source::is_image_target(target)) return true;
  return target != "-" && target.rfind("dir:", 0) != 0 && source::looks_like_image(target);
}

bool is_scan_target(const std::string& target) {
  std::error_code ec;
  return target.rfind("dir:", 0) == 0 || is_image(target) ||
         (target != "-" && std::filesystem::is_directory(target, ec));
}

namespace {

// What an image or a root filesystem holds is what its package managers installed: by default such scans run the
// catalogers tagged "installed" (dpkg, apk, site-packages, node_modules), not lockfile and manifest parsers, whose
// files there are documentation or leftovers (usr/share/doc/*/requirements.txt). --catalogers overrides.
std::vector<std::string> installed_catalogers() {
  std::vector<std::string> ids;
  for (const auto& c : catalog::registry())
    if (catalog::has_tag(c, "installed")) ids.emplace_back(c.id);
  return ids;
}

bool looks_like_rootfs(const std::string& target) {
  std::string dir = target.rfind("dir:", 0) == 0 ? target.substr(4) : target;
  std::error_code ec;
  for (const char* marker : {"etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status", "lib/apk/db/installed"})
    if (std::filesystem::exists(std::filesystem::path(dir) / marker, ec)) return true;
  return false;
}

}  // namespace

util::Result<model::Document> scan_target(const std::string& target, const ScanSettings& settings) {
  catalog::ScanOptions options;
  options.threads = settings.threads;
  options.select = settings.catalogers;
  bool image_target = is_image(target);
  if (options.select.empty() && (image_target || looks_like_rootfs(target))) options.select = installed_catalogers();
  options.progress = settings.progress;
  if (image_target) {
    auto capture = catalog::capture_filter(options.select);
    if (!capture.ok()) return capture.error();
    source::ImageOptions image_options;
    image_options.image = settings.image;
    image_options.platform = settings.platform;
    if (!settings.excludes.empty()) {
      // --exclude as for directories: a glob matching the path or one of its parent directories skips it.
      options.exclude = [globs = settings.excludes](std::string_view path) {
        for (std::size_t end = path.find('/');; end = path.find('/', end + 1)) {
          std::string_view prefix = path.substr(0, end);
          for (const auto& g : globs)
            if (util::glob_match(g, prefix)) return true;
          if (end == std::string_view::npos) return false;
        }
      };
      image_options.capture = [capture = std::move(*capture), exclude = options.exclude](std::string_view path) {
        return capture(path) && !exclude(path);
      };
    } else {
      image_options.capture = std::move(*capture);
    }
    auto condense = catalog::condense_chooser(options.select);
    if (!condense.ok()) return condense.error();
    if (*condense && options.exclude)
      image_options.condense = [choose = std::move(*condense), exclude = options.exclude](const source::FileEntry& f) {
        return exclude(f.path) ? nullptr : choose(f);
      };
    else
      image_options.condense = std::move(*condense);
    image_options.threads = settings.threads;
    if (target.rfind("registry:", 0) == 0) {
      auto client = registry_client();
      if (!client.ok()) return client.error();
      image_options.registry = *client;
    }
    // A blob that does not match its digest leaves nothing to inventory: for scan and diff that is an operational
    // failure (exit 3), not a verification finding (exit 1, which diff --fail-on also means).
    auto unreadable = [](util::Error e) {
      if (e.code == util::ErrorCode::verify) e.code = util::ErrorCode::parse;
      return e;
    };
    auto image = source::open_image(target, image_options);
    if (!image.ok()) return unreadable(image.error());
    auto doc =
        catalog::scan_image(**image, std::move(options),
                            settings.all_layers ? catalog::ImageScope::all_layers : catalog::ImageScope::squashed);
    if (!doc.ok()) return unreadable(doc.error());
    return doc;
  }
  auto src = source::open_source(target, source::DirectoryOptions{settings.excludes, settings.threads});
  if (!src.ok()) return src.error();
  return catalog::scan(**src, options);
}

util::Result<LoadedDocument> load_document(const std::string& target, bool allow_scan, unsigned threads) {
  LoadedDocument out;
  out.label = target == "-" ? std::string("<stdin>") : target;
  bool scannable = is_scan_target(target);
  if (allow_scan && scannable) {
    ScanSettings settings;
    settings.threads = threads;
    auto doc = scan_target(target, settings);
    if (!doc.ok()) return doc.error();
    out.document = std::move(*doc);
    out.format = "scan";
    return out;
  }
  if (scannable)
    return util::make_error(util::ErrorCode::usage, target + ": expected an SBOM file, not a directory or an image");
  auto bytes = util::read_file(target);
  if (!bytes.ok()) return bytes.error();
  auto read = formats::read_sbom(*bytes, out.label);
  if (!read.ok()) return read.error();
  out.format = format_name(*read);
  out.document = std::move(read->document);
  return out;
}

util::Result<std::int64_t> document_timestamp() {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (sde != nullptr && *sde != '\0') {
    char* end = nullptr;
    long long v = std::strtoll(sde, &end, 10);
    if (end == nullptr || *end != '\0' || v < 0)
      return util::make_error(util::ErrorCode::usage,
                              std::string("invalid SOURCE_DATE_EPOCH: expected seconds since the epoch, got ") + sde);
    return static_cast<std::int64_t>(v);
  }
  return static_cast<std::int64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace purser::cmd
