// End-to-end tests of keygen, attest, scan --attest, provenance and verify through the real binary.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

using purser_test::Cli;
using purser_test::CmdResult;

class Attest : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    write("p/requirements.txt", "idna==3.7\nrequests==2.32.3\n");
    write("dist/app.tar.gz", "pretend this is a release tarball\n");
    ASSERT_EQ(purser("scan dir:" + tmp + "/p -o cyclonedx-json=" + tmp + "/sbom.cdx.json -o spdx-json=" + tmp +
                     "/sbom.spdx.json")
                  .code,
              0);
  }
  // An unencrypted key pair at tmp/NAME.{key,pub}.
  void keypair(const std::string& name, const std::string& type = "ecdsa-p256") {
    auto r = purser("keygen --no-password --type " + type + " --out " + tmp + "/" + name);
    ASSERT_EQ(r.code, 0) << r.err;
  }
  CmdResult attest(const std::string& args) {
    return purser("attest --predicate " + tmp + "/sbom.cdx.json --type cyclonedx --subject " + tmp +
                  "/dist/app.tar.gz " + args);
  }
};

TEST_F(Attest, KeygenWritesPrivateKeyOwnerOnly) {
  keypair("k");
  struct stat st {};
  ASSERT_EQ(::stat((tmp + "/k.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(slurp(tmp + "/k.key").find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(slurp(tmp + "/k.pub").find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  auto again = purser("keygen --no-password --out " + tmp + "/k");
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(again.err, "purser: error: " + tmp + "/k.key: refusing to overwrite an existing key (use --force)\n");
  EXPECT_EQ(purser("keygen --no-password --force --type ed25519 --out " + tmp + "/k").code, 0);
}

TEST_F(Attest, EncryptedKeyNeedsTheRightPassphraseAndNeverPrintsIt) {
  auto gen = purser("keygen --out " + tmp + "/enc", "PURSER_PASSWORD=correct-horse");
  ASSERT_EQ(gen.code, 0) << gen.err;
  EXPECT_NE(slurp(tmp + "/enc.key").find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  auto ok = purser("attest --predicate " + tmp + "/sbom.cdx.json --type cyclonedx --subject " + tmp +
                       "/dist/app.tar.gz --key " + tmp + "/enc.key --out " + tmp + "/a.json",
                   "PURSER_PASSWORD=correct-horse");
  EXPECT_EQ(ok.code, 0) << ok.err;
  auto wrong = purser("attest --predicate " + tmp + "/sbom.cdx.json --type cyclonedx --subject " + tmp +
                          "/dist/app.tar.gz --key " + tmp + "/enc.key",
                      "PURSER_PASSWORD=battery-staple");
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.err.find(tmp + "/enc.key"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("passphrase"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("battery-staple"), std::string::npos);
  EXPECT_EQ(wrong.out.find("battery-staple"), std::string::npos);
  // No terminal and no PURSER_PASSWORD: a clear usage error instead of a hang.
  auto none = purser("keygen --out " + tmp + "/nopass", "env -u PURSER_PASSWORD setsid");
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err, "purser: error: no terminal to ask for a passphrase: set PURSER_PASSWORD\n");
}

TEST_F(Attest, SignAndVerifyAFile) {
  keypair("k");
  auto a = attest("--key " + tmp + "/k.key --out " + tmp + "/sbom.att.json");
  ASSERT_EQ(a.code, 0) << a.err;
  auto envelope = nlohmann::json::parse(slurp(tmp + "/sbom.att.json"));
  EXPECT_EQ(envelope["payloadType"], "application/vnd.in-toto+json");
  ASSERT_EQ(envelope["signatures"].size(), 1u);
  auto v = purser("verify --key " + tmp + "/k.pub --type cyclonedx --artifact " + tmp + "/dist/app.tar.gz " + tmp +
                  "/sbom.att.json");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  for (const char* check : {"PASS  signatures", "PASS  payload type", "PASS  statement", "PASS  predicate type",
                            "PASS  artifact", "verified: 1 attestation(s)"})
    EXPECT_NE(v.out.find(check), std::string::npos) << check << "\n" << v.out;
}

TEST_F(Attest, VerifyFailuresNameTheCheck) {
  keypair("k");
  keypair("other");
  ASSERT_EQ(attest("--key " + tmp + "/k.key --out " + tmp + "/att.json").code, 0);
  auto wrong_key = purser("verify --key " + tmp + "/other.pub " + tmp + "/att.json");
  EXPECT_EQ(wrong_key.code, 1);
  EXPECT_NE(wrong_key.out.find("FAIL  signatures"), std::string::npos) << wrong_key.out;
  EXPECT_NE(wrong_key.out.find("not verified"), std::string::npos);

  auto wrong_type = purser("verify --key " + tmp + "/k.pub --type spdx " + tmp + "/att.json");
  EXPECT_EQ(wrong_type.code, 1);
  EXPECT_NE(
      wrong_type.out.find("FAIL  predicate type  expected https://spdx.dev/Document, got https://cyclonedx.org/bom"),
      std::string::npos)
      << wrong_type.out;

  write("dist/other.bin", "something else");
  auto wrong_artifact =
      purser("verify --key " + tmp + "/k.pub --artifact " + tmp + "/dist/other.bin " + tmp + "/att.json");
  EXPECT_EQ(wrong_artifact.code, 1);
  EXPECT_NE(wrong_artifact.out.find("FAIL  artifact"), std::string::npos) << wrong_artifact.out;
  EXPECT_NE(wrong_artifact.out.find("is not a subject of the statement"), std::string::npos);

  // One byte of the payload changed: the signature no longer covers it.
  auto envelope = nlohmann::json::parse(slurp(tmp + "/att.json"));
  std::string payload = envelope["payload"];
  payload[10] = payload[10] == 'A' ? 'B' : 'A';
  envelope["payload"] = payload;
  write("tampered.json", envelope.dump());
  auto tampered = purser("verify --key " + tmp + "/k.pub " + tmp + "/tampered.json");
  EXPECT_EQ(tampered.code, 1);
  EXPECT_NE(tampered.out.find("FAIL  signatures"), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("SKIP  statement"), std::string::npos) << tampered.out;
}

TEST_F(Attest, ThresholdCountsDistinctTrustedKeys) {
  keypair("a");
  keypair("b", "ed25519");
  keypair("c", "rsa-4096");
  ASSERT_EQ(attest("--key " + tmp + "/a.key --key " + tmp + "/b.key --out " + tmp + "/two.json").code, 0);
  auto two = purser("verify --key " + tmp + "/a.pub --key " + tmp + "/b.pub --key " + tmp + "/c.pub --threshold 2 " +
                    tmp + "/two.json");
  EXPECT_EQ(two.code, 0) << two.out << two.err;
  auto three = purser("verify --key " + tmp + "/a.pub --key " + tmp + "/b.pub --key " + tmp + "/c.pub --threshold 3 " +
                      tmp + "/two.json");
  EXPECT_EQ(three.code, 1);
  EXPECT_NE(three.out.find("FAIL  signatures      2 of 2 signature(s) verified by a trusted key, threshold 3"),
            std::string::npos)
      << three.out;
  auto usage = purser("verify --key " + tmp + "/a.pub --threshold 2 " + tmp + "/two.json");
  EXPECT_EQ(usage.code, 2);
}

TEST_F(Attest, MislabelledPredicateIsRefused) {
  keypair("k");
  auto r = purser("attest --predicate " + tmp + "/sbom.spdx.json --type cyclonedx --subject " + tmp +
                  "/dist/app.tar.gz --key " + tmp + "/k.key");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("spdx"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(Attest, BundleAndJsonl) {
  keypair("k", "ed25519");
  ASSERT_EQ(attest("--key " + tmp + "/k.key --bundle --out " + tmp + "/att.sigstore.json").code, 0);
  auto bundle = nlohmann::json::parse(slurp(tmp + "/att.sigstore.json"));
  EXPECT_EQ(bundle["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
  EXPECT_TRUE(bundle["verificationMaterial"]["publicKey"]["hint"].is_string());
  EXPECT_TRUE(bundle["dsseEnvelope"].is_object());
  auto vb = purser("verify --key " + tmp + "/k.pub " + tmp + "/att.sigstore.json");
  EXPECT_EQ(vb.code, 0) << vb.out << vb.err;
  EXPECT_NE(vb.out.find(": Sigstore bundle\n"), std::string::npos) << vb.out;

  ASSERT_EQ(attest("--key " + tmp + "/k.key --jsonl --out " + tmp + "/all.intoto.jsonl").code, 0);
  ASSERT_EQ(purser("attest --predicate " + tmp + "/sbom.spdx.json --type spdx --subject " + tmp +
                   "/dist/app.tar.gz --key " + tmp + "/k.key --jsonl --out " + tmp + "/all.intoto.jsonl")
                .code,
            0);
  std::string lines = slurp(tmp + "/all.intoto.jsonl");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  auto vj = purser("verify --key " + tmp + "/k.pub --type spdx " + tmp + "/all.intoto.jsonl");
  EXPECT_EQ(vj.code, 0) << vj.out;  // the SPDX line passes; the CycloneDX line fails only its type check
  EXPECT_NE(vj.out.find(": 2 envelope(s) in JSON lines\n"), std::string::npos) << vj.out;

  auto two_keys = attest("--key " + tmp + "/k.key --key " + tmp + "/k.key --bundle");
  EXPECT_EQ(two_keys.code, 2);
  EXPECT_EQ(two_keys.err, "purser: error: a Sigstore bundle carries one signature: give exactly one --key\n");
}

TEST_F(Attest, OpensslKeysAreAcceptedAsTheyAre) {
  for (const std::string alg :
       {"ed25519", "ec -pkeyopt ec_paramgen_curve:P-256", "rsa -pkeyopt rsa_keygen_bits:2048"}) {
    std::string k = tmp + "/ossl.key", p = tmp + "/ossl.pub";
    ASSERT_EQ(std::system(("openssl genpkey -algorithm " + alg + " -out " + k + " 2>/dev/null && openssl pkey -in " +
                           k + " -pubout -out " + p)
                              .c_str()),
              0);
    auto a = attest("--key " + k + " --out " + tmp + "/o.json");
    ASSERT_EQ(a.code, 0) << alg << a.err;
    auto v = purser("verify --key " + p + " " + tmp + "/o.json");
    EXPECT_EQ(v.code, 0) << alg << v.out;
  }
}

TEST_F(Attest, ScanAttestAndPipe) {
  keypair("k");
  auto needs_subject = purser("scan dir:" + tmp + "/p --attest --key " + tmp + "/k.key -o cyclonedx-json");
  EXPECT_EQ(needs_subject.code, 2);
  EXPECT_NE(needs_subject.err.find("--subject"), std::string::npos);
  auto scan =
      purser("scan dir:" + tmp + "/p --attest --key " + tmp + "/k.key --subject " + tmp +
             "/dist/app.tar.gz -o cyclonedx-json=" + tmp + "/s.att.json -o spdx-json=" + tmp + "/s.spdx.att.json");
  ASSERT_EQ(scan.code, 0) << scan.err;
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --type cyclonedx --artifact " + tmp + "/dist/app.tar.gz " + tmp +
                   "/s.att.json")
                .code,
            0);
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --type spdx " + tmp + "/s.spdx.att.json").code, 0);
  // "< /dev/null" on the first command keeps the fixture from redirecting the second one's stdin.
  auto pipe = purser("scan dir:" + tmp + "/p -o cyclonedx-json < /dev/null | " + PURSER_BINARY +
                     " attest --type cyclonedx --predicate - --key " + tmp + "/k.key --subject " + tmp +
                     "/dist/app.tar.gz --out " + tmp + "/piped.json");
  ASSERT_EQ(pipe.code, 0) << pipe.err;
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --type cyclonedx " + tmp + "/piped.json").code, 0);
}

TEST_F(Attest, VerifyJsonOutput) {
  keypair("k");
  ASSERT_EQ(attest("--key " + tmp + "/k.key --out " + tmp + "/att.json").code, 0);
  auto v = purser("verify --output json --key " + tmp + "/k.pub " + tmp + "/att.json");
  ASSERT_EQ(v.code, 0) << v.err;
  auto j = nlohmann::json::parse(v.out);
  EXPECT_EQ(j["verified"], true);
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["format"], "envelope");
  ASSERT_EQ(j["files"][0]["envelopes"].size(), 1u);
  EXPECT_EQ(j["files"][0]["envelopes"][0]["predicateType"], "https://cyclonedx.org/bom");
  EXPECT_EQ(j["files"][0]["envelopes"][0]["checks"][0]["check"], "signatures");
  EXPECT_EQ(j["files"][0]["envelopes"][0]["checks"][0]["verdict"], "pass");
}

TEST_F(Attest, OperationalErrorsExitThree) {
  keypair("k");
  auto missing = purser("verify --key " + tmp + "/k.pub " + tmp + "/nope.json");
  EXPECT_EQ(missing.code, 3);
  write("junk.json", "{\"payloadType\": ");
  auto junk = purser("verify --key " + tmp + "/k.pub " + tmp + "/junk.json");
  EXPECT_EQ(junk.code, 3);
  EXPECT_NE(junk.err.find(tmp + "/junk.json"), std::string::npos) << junk.err;
  auto bad_key = purser("verify --key " + tmp + "/junk.json " + tmp + "/junk.json");
  EXPECT_EQ(bad_key.code, 3);
}

TEST_F(Attest, ProvenanceFromCiAndMaterials) {
  keypair("k");
  std::string gh =
      "GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/app GITHUB_RUN_ID=42 "
      "GITHUB_RUN_ATTEMPT=1 GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_REF=refs/heads/main "
      "GITHUB_WORKFLOW_REF=acme/app/.github/workflows/release.yml@refs/heads/main SOURCE_DATE_EPOCH=1700000000";
  auto p = purser("provenance --materials " + tmp + "/sbom.cdx.json --out " + tmp + "/prov.json", gh);
  ASSERT_EQ(p.code, 0) << p.err;
  auto j = nlohmann::json::parse(slurp(tmp + "/prov.json"));
  EXPECT_TRUE(j["buildDefinition"]["buildType"].is_string());
  EXPECT_TRUE(j["buildDefinition"]["externalParameters"].is_object());
  EXPECT_NE(j["runDetails"]["builder"]["id"].get<std::string>().find("github"), std::string::npos);
  EXPECT_EQ(j["runDetails"]["metadata"]["finishedOn"], "2023-11-14T22:13:20Z");
  bool found = false;
  for (const auto& d : j["buildDefinition"]["resolvedDependencies"])
    if (d["uri"] == "pkg:pypi/idna@3.7") found = true;
  EXPECT_TRUE(found) << j.dump(2);
  auto a = purser("attest --predicate " + tmp + "/prov.json --type slsa-provenance --subject " + tmp +
                  "/dist/app.tar.gz --key " + tmp + "/k.key --out " + tmp + "/prov.att.json");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --type slsa-provenance " + tmp + "/prov.att.json").code, 0);
  auto signed_directly =
      purser("provenance --subject " + tmp + "/dist/app.tar.gz --key " + tmp + "/k.key --out " + tmp + "/p2.json");
  ASSERT_EQ(signed_directly.code, 0) << signed_directly.err;
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --type slsa-provenance --artifact " + tmp + "/dist/app.tar.gz " +
                   tmp + "/p2.json")
                .code,
            0);
}

TEST_F(Attest, ImageSubjectIsTheManifestDigest) {
  keypair("k");
  // A one-image OCI layout with an empty config and no layers.
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  write("cfg", config);
  auto sha = [&](const std::string& rel) {
    std::string cmd = "sha256sum " + tmp + "/" + rel + " | cut -d' ' -f1";
    FILE* f = ::popen(cmd.c_str(), "r");
    char buf[65] = {};
    EXPECT_EQ(std::fread(buf, 1, 64, f), 64u);
    ::pclose(f);
    return std::string(buf, 64);
  };
  std::string config_hex = sha("cfg");
  write("img/blobs/sha256/" + config_hex, config);
  std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
      config_hex + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
  write("man", manifest);
  std::string manifest_hex = sha("man");
  write("img/blobs/sha256/" + manifest_hex, manifest);
  write("img/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write(
      "img/index.json",
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
          manifest_hex + R"(","size":)" + std::to_string(manifest.size()) +
          R"(,"annotations":{"io.containerd.image.name":"example.test/app:1.0"}}]})");
  auto a = purser("attest --predicate " + tmp + "/sbom.cdx.json --type cyclonedx --subject oci-dir:" + tmp +
                  "/img --key " + tmp + "/k.key --jsonl --out " + tmp + "/img.att");
  ASSERT_EQ(a.code, 0) << a.err;
  auto envelope = nlohmann::json::parse(slurp(tmp + "/img.att"));
  std::string payload_b64 = envelope["payload"];
  write("payload.b64", payload_b64);
  ASSERT_EQ(std::system(("base64 -d " + tmp + "/payload.b64 > " + tmp + "/payload.json").c_str()), 0);
  auto statement = nlohmann::json::parse(slurp(tmp + "/payload.json"));
  EXPECT_EQ(statement["subject"][0]["name"], "example.test/app:1.0");
  EXPECT_EQ(statement["subject"][0]["digest"]["sha256"], manifest_hex);
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --artifact oci-dir:" + tmp + "/img " + tmp + "/img.att").code, 0);
}

TEST_F(Attest, PolicyGatesVerification) {
  keypair("k");
  ASSERT_EQ(attest("--key " + tmp + "/k.key --out " + tmp + "/att.json").code, 0);
  write("ok.yaml", R"(apiVersion: purser.dev/policy/v1
name: gate
rules:
  - id: sbom
    type: requirePredicates
    predicateTypes: [https://cyclonedx.org/bom]
  - id: schema
    type: sbomSchema
  - id: banned
    type: denyComponents
    components:
      - purl: pkg:pypi/idna
        versions: "<3.7"
)");
  auto ok = purser("verify --key " + tmp + "/k.pub --policy " + tmp + "/ok.yaml " + tmp + "/att.json");
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("verified: 1 attestation(s) and the policy"), std::string::npos) << ok.out;

  write("deny.yaml", R"(apiVersion: purser.dev/policy/v1
rules:
  - id: banned
    type: denyComponents
    components:
      - purl: pkg:pypi/idna
        reason: test ban
  - id: provenance
    type: requirePredicates
    predicateTypes: [https://slsa.dev/provenance/v1]
)");
  auto denied = purser("verify --key " + tmp + "/k.pub --policy " + tmp + "/deny.yaml " + tmp + "/att.json");
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.out.find("pkg:pypi/idna@3.7"), std::string::npos) << denied.out;
  EXPECT_NE(denied.out.find("https://slsa.dev/provenance/v1"), std::string::npos) << denied.out;
  EXPECT_NE(denied.out.find("not verified: the policy failed"), std::string::npos) << denied.out;

  // The SBOM was made at SOURCE_DATE_EPOCH=1700000000 (November 2023): older than 30 days.
  write("age.yaml", "apiVersion: purser.dev/policy/v1\nrules:\n  - type: maxAge\n    maxAge: 30d\n");
  auto old = purser("verify --output json --key " + tmp + "/k.pub --policy " + tmp + "/age.yaml " + tmp + "/att.json");
  EXPECT_EQ(old.code, 1);
  auto j = nlohmann::json::parse(old.out);
  EXPECT_EQ(j["verified"], false);
  EXPECT_TRUE(j["policy"].is_object());

  // A policy is only applied to signed content: with an untrusted key the policy sees nothing.
  keypair("other");
  auto untrusted = purser("verify --key " + tmp + "/other.pub --policy " + tmp + "/ok.yaml " + tmp + "/att.json");
  EXPECT_EQ(untrusted.code, 1);

  // Attestations in separate files meet one policy together.
  ASSERT_EQ(
      purser("provenance --subject " + tmp + "/dist/app.tar.gz --key " + tmp + "/k.key --out " + tmp + "/prov.att.json")
          .code,
      0);
  write("both.yaml", R"(apiVersion: purser.dev/policy/v1
rules:
  - type: requirePredicates
    predicateTypes: [https://cyclonedx.org/bom, https://slsa.dev/provenance/v1]
)");
  EXPECT_EQ(purser("verify --key " + tmp + "/k.pub --policy " + tmp + "/both.yaml " + tmp + "/att.json").code, 1);
  auto both = purser("verify --key " + tmp + "/k.pub --policy " + tmp + "/both.yaml " + tmp + "/att.json " + tmp +
                     "/prov.att.json");
  EXPECT_EQ(both.code, 0) << both.out;
  EXPECT_NE(both.out.find("verified: 2 attestation(s) and the policy"), std::string::npos) << both.out;

  write("bad.yaml", "apiVersion: purser.dev/policy/v1\nrules:\n  - type: nonsense\n");
  auto bad = purser("verify --key " + tmp + "/k.pub --policy " + tmp + "/bad.yaml " + tmp + "/att.json");
  EXPECT_EQ(bad.code, 3);
  EXPECT_NE(bad.err.find(tmp + "/bad.yaml:3"), std::string::npos) << bad.err;
}

}  // namespace
