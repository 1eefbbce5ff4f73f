// purser attest: wrap a predicate in an in-toto Statement v1 about the subjects and sign it as a DSSE
// envelope (or a Sigstore bundle, or an .intoto.jsonl line).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cmd/attest_common.hpp"
#include "lib/registry/attachments.hpp"
#include "lib/registry/client.hpp"
#include "lib/util/file.hpp"
#include "signing/predicate.hpp"

namespace purser::cmd {

namespace {

struct AttestCmdFlags {
  std::string predicate;
  std::string type;
  std::vector<std::string> subjects;
  std::string image;
  std::string out = "-";
  bool push = false;
  AttestFlags attest;
};

int run_attest(const AttestCmdFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  auto type = signing::predicate_type_uri(flags.type);
  if (!type.ok()) return fail(type.error());
  // Keys first: a wrong passphrase should not cost a 2 GB digest.
  auto keys = load_private_keys(flags.attest.keys);
  if (!keys.ok()) return fail(keys.error());
  auto predicate = util::read_file(flags.predicate);
  if (!predicate.ok()) return fail(predicate.error());
  std::string shown = flags.predicate == "-" ? "<stdin>" : flags.predicate;
  if (auto st = signing::check_predicate(*type, *predicate, shown); !st.ok()) return fail(st.error());
  if (flags.push) {
    bool any = false;
    for (const auto& s : flags.subjects) any = any || s.rfind("registry:", 0) == 0;
    if (!any) return fail(util::make_error(util::ErrorCode::usage, "--push needs a --subject registry:REF"));
    if (flags.attest.bundle)
      return fail(util::make_error(util::ErrorCode::usage, "--push attaches DSSE envelopes: drop --bundle"));
  }
  auto subjects = resolve_subjects(flags.subjects, flags.image);
  if (!subjects.ok()) return fail(subjects.error());
  auto out = sign_statement(*subjects, *type, *predicate, *keys, flags.attest);
  if (!out.ok()) return fail(out.error());
  auto st = write_attestation(flags.out, *out, flags.attest.jsonl);
  if (!st.ok()) return fail(st.error());
  if (flags.push) {
    // Attach the envelope to every registry subject (the digest just signed).
    std::string envelope = *out;
    while (!envelope.empty() && envelope.back() == '\n') envelope.pop_back();
    for (std::size_t i = 0; i < flags.subjects.size(); ++i) {
      if (flags.subjects[i].rfind("registry:", 0) != 0) continue;
      auto client = registry_client();
      if (!client.ok()) return fail(client.error());
      auto ref = registry::parse_reference(std::string_view(flags.subjects[i]).substr(9));
      if (!ref.ok()) return fail(ref.error());
      const auto& digest = (*subjects)[i].digests.front();
      ref->tag.clear();
      ref->digest = digest.first + ":" + digest.second;
      auto attached = registry::attach_envelope(**client, *ref, envelope, *type);
      if (!attached.ok()) return fail(attached.error());
      std::string how = attached->kind == registry::AttachmentKind::referrer
                            ? "a referrer " + attached->manifest_digest
                            : "tag " + attached->tag + " (cosign's convention: the registry has no referrers API)";
      if (!global_flags().quiet) std::fprintf(stderr, "attached to %s as %s\n", ref->to_string().c_str(), how.c_str());
    }
  }
  print_verbose("signed " + std::to_string(subjects->size()) + " subject(s) with " + std::to_string(keys->size()) +
                " key(s), predicate " + *type);
  return k_exit_ok;
}

}  // namespace

util::Status write_attestation(const std::string& path, const std::string& bytes, bool append) {
  if (!append || path == "-") return util::write_file_atomic(path, bytes);
  // .intoto.jsonl collects one attestation per line: append, in one write so concurrent appenders don't interleave.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return util::make_error(util::ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {path});
  ssize_t n = ::write(fd, bytes.data(), bytes.size());
  int err = n < 0 ? errno : (static_cast<std::size_t>(n) != bytes.size() ? EIO : 0);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0)
    return util::make_error(util::ErrorCode::io, std::string("cannot write: ") + std::strerror(err), {path});
  return util::Ok{};
}

Verb attest_verb() {
  return {"attest", "sign a predicate as an in-toto attestation (DSSE envelope or Sigstore bundle)",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<AttestCmdFlags>();
            sub.add_option("--predicate", flags->predicate, "the predicate JSON ('-' = stdin)")->required();
            sub.add_option("--type", flags->type, "predicate type: cyclonedx, spdx, slsa-provenance, openvex, or a URI")
                ->required();
            sub.add_option("--subject", flags->subjects,
                           "what the attestation is about (repeatable): FILE, docker-archive:FILE, oci-dir:DIR, "
                           "oci-archive:FILE, or NAME@sha256:HEX")
                ->required();
            sub.add_option("--image", flags->image, "pick one image (NAME:TAG) when an archive holds several");
            sub.add_option("--out", flags->out, "where to write ('-' = stdout, the default)");
            sub.add_flag("--push", flags->push,
                         "also attach the envelope to each registry: subject (OCI referrer, else cosign's .att tag)");
            flags->attest.add(sub, true);
            return [flags] { return run_attest(*flags); };
          }};
}

}  // namespace purser::cmd
