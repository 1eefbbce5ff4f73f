// The registry client every verb shares, configured from the command line and the environment (only cmd/ reads
// the environment), and the push and pull verbs.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "cmd/cli.hpp"
#include "lib/registry/client.hpp"
#include "lib/source/image_copy.hpp"

namespace purser::cmd {

util::Result<std::shared_ptr<registry::Client>> registry_client() {
  static std::mutex mu;
  static std::shared_ptr<registry::Client> shared;
  std::lock_guard lock(mu);
  if (shared) return shared;
  registry::ClientOptions options;
  options.insecure_hosts = global_flags().insecure_registries;
  const char* user = std::getenv("PURSER_REGISTRY_USER");
  const char* password = std::getenv("PURSER_REGISTRY_PASSWORD");
  if (user && *user) options.credentials = registry::Credentials{user, password ? password : "", ""};
  // Docker's own lookup: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    options.docker_config = std::string(dir) + "/config.json";
  else if (const char* home = std::getenv("HOME"); home && *home)
    options.docker_config = std::string(home) + "/.docker/config.json";
  auto client = registry::Client::create(std::move(options));
  if (!client.ok()) return client.error();
  shared = std::move(*client);
  return shared;
}

namespace {

util::Result<registry::Reference> registry_ref(const std::string& text) {
  std::string_view t = text;
  if (t.rfind("registry:", 0) == 0) t.remove_prefix(9);
  return registry::parse_reference(t);
}

struct PushFlags {
  std::string source, destination, image, platform;
};

int run_push(const PushFlags& flags) {
  auto dest = registry_ref(flags.destination);
  if (!dest.ok()) return print_error(dest.error()), exit_code_for(dest.error());
  auto client = registry_client();
  if (!client.ok()) return print_error(client.error()), exit_code_for(client.error());
  auto copied = source::push_image(flags.source, flags.image, flags.platform, *client, *dest);
  if (!copied.ok()) return print_error(copied.error()), exit_code_for(copied.error());
  registry::Reference at = *dest;
  at.digest = copied->manifest_digest;
  std::printf("%s\n", at.to_string().c_str());
  print_verbose("pushed " + std::to_string(copied->blobs) + " blob(s), " + std::to_string(copied->bytes) +
                " bytes; manifest " + copied->media_type);
  return k_exit_ok;
}

struct PullFlags {
  std::string reference, output, platform;
  std::vector<std::string> keys;
  std::string type, policy;
  unsigned threshold = 1;
};

int run_pull(const PullFlags& flags) {
  auto ref = registry_ref(flags.reference);
  if (!ref.ok()) return print_error(ref.error()), exit_code_for(ref.error());
  auto client = registry_client();
  if (!client.ok()) return print_error(client.error()), exit_code_for(client.error());
  if (!flags.keys.empty()) {
    // Verify before pull: only manifests and attestations are fetched until the verdict is in.
    int verdict = verify_registry_image("registry:" + ref->to_string(), flags.keys, flags.type, flags.policy,
                                        flags.threshold, "");
    if (verdict != k_exit_ok) {
      std::fprintf(stderr, "purser: not pulled: %s failed verification; nothing was written\n",
                   ref->to_string().c_str());
      return verdict;
    }
  } else if (!flags.type.empty() || !flags.policy.empty()) {
    util::Error e = util::make_error(util::ErrorCode::usage, "pull: --type and --policy need --key");
    return print_error(e), exit_code_for(e);
  }
  auto copied = source::pull_image(*client, *ref, flags.platform, flags.output);
  if (!copied.ok()) return print_error(copied.error()), exit_code_for(copied.error());
  registry::Reference at = *ref;
  at.digest = copied->manifest_digest;
  std::printf("%s\n", at.to_string().c_str());
  print_verbose("pulled " + std::to_string(copied->blobs) + " blob(s), " + std::to_string(copied->bytes) + " bytes");
  return k_exit_ok;
}

}  // namespace

Verb push_verb() {
  return {"push", "copy a local image (docker-archive, OCI layout or archive) to a registry",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<PushFlags>();
            sub.add_option("source", flags->source, "docker-archive:FILE, oci-dir:DIR, oci-archive:FILE or a path")
                ->required();
            sub.add_option("destination", flags->destination, "registry:HOST/REPO[:TAG]")->required();
            sub.add_option("--image", flags->image, "pick NAME:TAG when the source holds several images");
            sub.add_option("--platform", flags->platform, "os/arch[/variant] under a multi-platform index");
            return [flags] { return run_push(*flags); };
          }};
}

Verb pull_verb() {
  return {"pull", "copy an image from a registry into an OCI layout directory or a docker-archive",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<PullFlags>();
            sub.add_option("reference", flags->reference, "registry:HOST/REPO[:TAG|@DIGEST]")->required();
            sub.add_option("-o,--output", flags->output, "oci-dir:DIR (new or empty) or docker-archive:FILE (new)")
                ->required();
            sub.add_option("--platform", flags->platform, "os/arch[/variant] under a multi-platform index");
            sub.add_option("--key", flags->keys,
                           "verify before pull: trusted public key PEM (repeatable); layers are fetched only when an "
                           "attestation attached to the image verifies");
            sub.add_option("--type", flags->type, "with --key: required predicate type (cyclonedx, spdx, ...)");
            sub.add_option("--policy", flags->policy, "with --key: policy YAML the verified attestations must pass");
            sub.add_option("--threshold", flags->threshold, "with --key: distinct trusted keys that must have signed");
            return [flags] { return run_pull(*flags); };
          }};
}

}  // namespace purser::cmd
