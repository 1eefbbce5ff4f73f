// Attestation storage in registries. Section numbers refer to docs/specs/attestation-storage.md; the layouts follow
// OCI image-spec v1.1 (subject, artifactType, the empty descriptor), OCI distribution-spec v1.1 (referrers API),
// cosign's "sha256-<hex>.att" tag convention and BuildKit's attestation manifests.

#include "lib/registry/attachments.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <functional>

#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

namespace purser::registry {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr const char* kEmptyMediaType = "application/vnd.oci.empty.v1+json";
constexpr const char* kEmptyBytes = "{}";
constexpr const char* kPredicateAnnotation = "in-toto.io/predicate-type";
constexpr const char* kCosignPredicateAnnotation = "predicateType";
constexpr const char* kReferenceType = "vnd.docker.reference.type";
constexpr const char* kReferenceDigest = "vnd.docker.reference.digest";
constexpr const char* kAttestationManifest = "attestation-manifest";

std::string sha256_digest(std::string_view bytes) { return "sha256:" + util::sha256_hex(bytes); }

std::function<util::Result<std::size_t>(char*, std::size_t)> reader_of(std::string_view bytes) {
  auto offset = std::make_shared<std::size_t>(0);
  return [bytes, offset](char* out, std::size_t max) -> util::Result<std::size_t> {
    std::size_t n = std::min(max, bytes.size() - *offset);
    std::memcpy(out, bytes.data() + *offset, n);
    *offset += n;
    return n;
  };
}

util::Status push_bytes(Client& client, const Reference& repo, std::string_view bytes) {
  return client.push_blob(repo, sha256_digest(bytes), bytes.size(), reader_of(bytes));
}

Reference with_digest(const Reference& repo, const std::string& digest) {
  Reference ref = repo;
  ref.tag.clear();
  ref.digest = digest;
  return ref;
}

Reference with_tag(const Reference& repo, const std::string& tag) {
  Reference ref = repo;
  ref.tag = tag;
  ref.digest.clear();
  return ref;
}

util::Error prefixed(const std::string& prefix, const util::Error& error) {
  return util::make_error(error.code, prefix + ": " + error.message, error.location);
}

// The value of a string annotation, "" when absent or not a string.
std::string annotation(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains("annotations") || !object["annotations"].is_object()) return "";
  const Json& annotations = object["annotations"];
  if (!annotations.contains(key) || !annotations[key].is_string()) return "";
  return annotations[key].get<std::string>();
}

// Parses a manifest that must be a JSON object with a "layers" array (§2.4).
util::Result<Json> parse_image_manifest(const std::string& label, const std::string& bytes) {
  Json doc = Json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array())
    return util::make_error(util::ErrorCode::parse, label + ": not a JSON image manifest");
  return doc;
}

// Reads every layer of `manifest` whose media type is `wanted` into `out` (§2.1–§2.4). `where` gets " layer N"
// appended when `number_layers` is set (the cosign tag holds many layers, a referrer usually one).
util::Status collect_layers(Client& client, const Reference& repo, const std::string& label, const Json& manifest,
                            const char* wanted, AttachmentKind kind, const std::string& where, bool number_layers,
                            std::vector<Attachment>& out) {
  const Json& layers = manifest["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Json& layer = layers[i];
    std::string prefix = label + ": layer " + std::to_string(i + 1);
    if (!layer.is_object() || !layer.contains("mediaType") || !layer["mediaType"].is_string())
      return util::make_error(util::ErrorCode::parse, prefix + ": not a descriptor with a mediaType");
    if (layer["mediaType"].get<std::string>() != wanted) continue;
    if (!layer.contains("digest") || !layer["digest"].is_string() ||
        !is_valid_digest(layer["digest"].get<std::string>()))
      return util::make_error(util::ErrorCode::parse, prefix + ": no valid digest");
    if (!layer.contains("size") || !layer["size"].is_number_unsigned())
      return util::make_error(util::ErrorCode::parse, prefix + ": no valid size");
    std::string digest = layer["digest"].get<std::string>();
    std::uint64_t size = layer["size"].get<std::uint64_t>();
    std::string too_large =
        prefix + ": blob " + digest + " is larger than " + std::to_string(k_max_attachment_bytes) + " bytes";
    if (size > k_max_attachment_bytes) return util::make_error(util::ErrorCode::io, too_large);
    auto bytes = client.get_blob(repo, digest, k_max_attachment_bytes);
    if (!bytes.ok()) return prefixed(prefix, bytes.error());
    if (bytes->size() != size)
      return util::make_error(util::ErrorCode::verify, prefix + ": blob " + digest + " has " +
                                                           std::to_string(bytes->size()) + " bytes, not the declared " +
                                                           std::to_string(size));
    Attachment attachment;
    attachment.kind = kind;
    attachment.where = number_layers ? where + " layer " + std::to_string(i + 1) : where;
    attachment.media_type = wanted;
    attachment.predicate_type = annotation(layer, kPredicateAnnotation);
    if (attachment.predicate_type.empty()) attachment.predicate_type = annotation(layer, kCosignPredicateAnnotation);
    if (attachment.predicate_type.empty()) attachment.predicate_type = annotation(manifest, kPredicateAnnotation);
    attachment.bytes = std::move(bytes).value();
    out.push_back(std::move(attachment));
  }
  return util::Ok{};
}

// Fetches the manifest `digest` of `repo` and parses it as an image manifest, errors prefixed with its label.
util::Result<Json> fetch_manifest(Client& client, const Reference& repo, const std::string& digest,
                                  const std::string& label) {
  auto manifest = client.get_manifest(with_digest(repo, digest));
  if (!manifest.ok()) return prefixed(label, manifest.error());
  return parse_image_manifest(label, manifest->bytes);
}

// §1.1: an artifact manifest with `subject`, pushed by digest.
util::Result<AttachResult> attach_referrer(Client& client, const Reference& subject, const Descriptor& head,
                                           std::string_view envelope, const std::string& predicate_type) {
  auto empty = push_bytes(client, subject, kEmptyBytes);
  if (!empty.ok()) return empty.error();
  auto pushed = push_bytes(client, subject, envelope);
  if (!pushed.ok()) return pushed.error();
  Json layer = {{"mediaType", k_dsse_envelope_media_type},
                {"digest", sha256_digest(envelope)},
                {"size", envelope.size()},
                {"annotations", {{kPredicateAnnotation, predicate_type}}}};
  Json manifest = {{"schemaVersion", 2},
                   {"mediaType", kOciManifest},
                   {"artifactType", k_intoto_artifact_type},
                   {"config", {{"mediaType", kEmptyMediaType}, {"digest", sha256_digest(kEmptyBytes)}, {"size", 2}}},
                   {"layers", Json::array({layer})},
                   {"subject", {{"mediaType", head.media_type}, {"digest", subject.digest}, {"size", head.size}}},
                   {"annotations", {{kPredicateAnnotation, predicate_type}}}};
  std::string bytes = manifest.dump();
  auto digest = client.put_manifest(with_digest(subject, sha256_digest(bytes)), kOciManifest, bytes);
  if (!digest.ok()) return digest.error();
  return AttachResult{AttachmentKind::referrer, *digest, ""};
}

// §1.2: append to the cosign "sha256-<hex>.att" tag.
util::Result<AttachResult> attach_cosign_tag(Client& client, const Reference& subject, std::string_view envelope,
                                             const std::string& predicate_type) {
  std::string tag = cosign_attestation_tag(subject.digest);
  Reference tag_ref = with_tag(subject, tag);
  std::string envelope_digest = sha256_digest(envelope);
  std::string what = "attach to " + subject.to_string() + ": existing attestation tag " + tag;
  Json manifest = {
      {"schemaVersion", 2}, {"mediaType", kOciManifest}, {"config", Json::object()}, {"layers", Json::array()}};
  auto existing_head = client.head_manifest(tag_ref);
  if (!existing_head.ok()) return existing_head.error();
  if (existing_head->has_value()) {
    auto existing = client.get_manifest(tag_ref);
    if (!existing.ok()) return existing.error();
    auto doc = parse_image_manifest(what, existing->bytes);
    if (!doc.ok()) return doc.error();
    for (const Json& layer : (*doc)["layers"]) {
      if (!layer.is_object() || !layer.contains("digest") || !layer["digest"].is_string())
        return util::make_error(util::ErrorCode::parse, what + ": a layer without a digest");
      if (layer["digest"].get<std::string>() == envelope_digest)
        return AttachResult{AttachmentKind::cosign_tag, existing->digest, tag};
      manifest["layers"].push_back(layer);
    }
    if (doc->contains("annotations")) manifest["annotations"] = (*doc)["annotations"];
  }
  auto pushed = push_bytes(client, subject, envelope);
  if (!pushed.ok()) return pushed.error();
  manifest["layers"].push_back({{"mediaType", k_dsse_envelope_media_type},
                                {"digest", envelope_digest},
                                {"size", envelope.size()},
                                {"annotations", {{kCosignPredicateAnnotation, predicate_type}}}});
  // A minimal image config so image tools accept the manifest; layers are stored uncompressed (diff id = digest).
  Json diff_ids = Json::array();
  for (const Json& layer : manifest["layers"]) diff_ids.push_back(layer["digest"]);
  Json config = {{"architecture", ""},
                 {"os", ""},
                 {"config", Json::object()},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  std::string config_bytes = config.dump();
  auto config_pushed = push_bytes(client, subject, config_bytes);
  if (!config_pushed.ok()) return config_pushed.error();
  manifest["config"] = {
      {"mediaType", kOciConfig}, {"digest", sha256_digest(config_bytes)}, {"size", config_bytes.size()}};
  auto digest = client.put_manifest(tag_ref, kOciManifest, manifest.dump());
  if (!digest.ok()) return digest.error();
  return AttachResult{AttachmentKind::cosign_tag, *digest, tag};
}

util::Status check_subject(const Reference& subject, const std::string& what) {
  if (!is_valid_digest(subject.digest))
    return util::make_error(util::ErrorCode::usage,
                            what + " " + subject.to_string() + ": the subject needs a manifest digest");
  return util::Ok{};
}

}  // namespace

std::string cosign_attestation_tag(const std::string& digest) {
  std::string tag = digest;
  std::size_t colon = tag.find(':');
  if (colon != std::string::npos) tag[colon] = '-';
  return tag + ".att";
}

util::Result<AttachResult> attach_envelope(Client& client, const Reference& subject, std::string_view envelope,
                                           const std::string& predicate_type) {
  auto valid = check_subject(subject, "attach to");
  if (!valid.ok()) return valid.error();
  // §1 step 1: the subject descriptor (media type and size) for the referrer's `subject` field.
  auto head = client.head_manifest(with_digest(subject, subject.digest));
  if (!head.ok()) return head.error();
  if (!head->has_value())
    return util::make_error(util::ErrorCode::io,
                            "attach to " + subject.to_string() + ": the image manifest does not exist");
  // §3: attestations name one platform's manifest; an index digest is resolved by the caller first.
  const std::string& type = (*head)->media_type;
  if (type == "application/vnd.oci.image.index.v1+json" ||
      type == "application/vnd.docker.distribution.manifest.list.v2+json")
    return util::make_error(util::ErrorCode::usage, "attach to " + subject.to_string() +
                                                        ": the subject is an image index, not an image manifest");
  // §1 step 2: the referrers API decides the layout; its absence (404) is the cosign fallback, other errors stop.
  auto referrers = client.referrers(subject, subject.digest);
  if (!referrers.ok()) return referrers.error();
  if (referrers->has_value()) return attach_referrer(client, subject, **head, envelope, predicate_type);
  return attach_cosign_tag(client, subject, envelope, predicate_type);
}

util::Result<std::vector<Attachment>> find_attachments(Client& client, const Reference& subject,
                                                       const std::string& index_digest) {
  auto valid = check_subject(subject, "attestations of");
  if (!valid.ok()) return valid.error();
  std::vector<Attachment> out;

  // §2.1 referrers: every listed manifest is read; its DSSE layers count.
  auto referrers = client.referrers(subject, subject.digest);
  if (!referrers.ok()) return referrers.error();
  if (referrers->has_value()) {
    Json index = Json::parse(**referrers, nullptr, false);
    if (index.is_discarded() || !index.is_object())
      return util::make_error(util::ErrorCode::parse, "referrers of " + subject.digest + ": not a JSON image index");
    if (index.contains("manifests") && index["manifests"].is_array()) {
      for (const Json& descriptor : index["manifests"]) {
        if (!descriptor.is_object() || !descriptor.contains("digest") || !descriptor["digest"].is_string() ||
            !is_valid_digest(descriptor["digest"].get<std::string>()))
          return util::make_error(util::ErrorCode::parse,
                                  "referrers of " + subject.digest + ": a descriptor without a valid digest");
        std::string digest = descriptor["digest"].get<std::string>();
        std::string label = "attestation manifest " + digest;
        auto manifest = fetch_manifest(client, subject, digest, label);
        if (!manifest.ok()) return manifest.error();
        auto ok = collect_layers(client, subject, label, *manifest, k_dsse_envelope_media_type,
                                 AttachmentKind::referrer, "referrer " + digest, false, out);
        if (!ok.ok()) return ok.error();
      }
    }
  }

  // §2.2 the cosign tag; 404 = nothing attached that way.
  std::string tag = cosign_attestation_tag(subject.digest);
  Reference tag_ref = with_tag(subject, tag);
  auto head = client.head_manifest(tag_ref);
  if (!head.ok()) return head.error();
  if (head->has_value()) {
    std::string label = "attestation manifest " + tag;
    auto manifest = client.get_manifest(tag_ref);
    if (!manifest.ok()) return prefixed(label, manifest.error());
    auto doc = parse_image_manifest(label, manifest->bytes);
    if (!doc.ok()) return doc.error();
    auto ok = collect_layers(client, subject, label, *doc, k_dsse_envelope_media_type, AttachmentKind::cosign_tag,
                             "tag " + tag, true, out);
    if (!ok.ok()) return ok.error();
  }

  // §2.3 BuildKit attestation manifests inside the index the user's tag resolved to.
  if (!index_digest.empty()) {
    std::string index_label = "image index " + index_digest;
    auto index = client.get_manifest(with_digest(subject, index_digest));
    if (!index.ok()) return prefixed(index_label, index.error());
    Json doc = Json::parse(index->bytes, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array())
      return util::make_error(util::ErrorCode::parse, index_label + ": not a JSON image index");
    for (const Json& descriptor : doc["manifests"]) {
      if (annotation(descriptor, kReferenceType) != kAttestationManifest) continue;
      if (annotation(descriptor, kReferenceDigest) != subject.digest) continue;
      if (!descriptor.contains("digest") || !descriptor["digest"].is_string() ||
          !is_valid_digest(descriptor["digest"].get<std::string>()))
        return util::make_error(util::ErrorCode::parse,
                                index_label + ": an attestation manifest descriptor without a valid digest");
      std::string digest = descriptor["digest"].get<std::string>();
      std::string label = "attestation manifest " + digest;
      auto manifest = fetch_manifest(client, subject, digest, label);
      if (!manifest.ok()) return manifest.error();
      auto ok = collect_layers(client, subject, label, *manifest, k_intoto_artifact_type, AttachmentKind::buildkit,
                               "buildkit attestation manifest " + digest, false, out);
      if (!ok.ok()) return ok.error();
    }
  }
  return out;
}

}  // namespace purser::registry
