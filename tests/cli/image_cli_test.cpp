// purser scan/diff/attest/verify on container images end to end: a tiny Debian-like image built at test time
// (STYLE 19) as an OCI layout directory, an OCI archive and a `docker save` archive.

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_fixture.hpp"
#include "tests/source/image_builder.hpp"

namespace {

using nlohmann::json;
using purser::testing::digest_of;
using purser::testing::Filter;
using purser::testing::ImageBuilder;
using purser::testing::Layer;
using purser::testing::make_tar;
using purser::testing::TarEntry;
using purser_test::Cli;
namespace fs = std::filesystem;

// ---- the image: hand-written content, three layers

const std::string k_os_release =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
    "VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

// libc6 is Multi-Arch: same; mawk depends on libc6 and provides awk; python3-six depends on the virtual awk.
std::string dpkg_status(const std::string& libc_version) {
  return "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 12986\n"
         "Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: amd64\n"
         "Multi-Arch: same\nSource: glibc\nVersion: " +
         libc_version +
         "\nDescription: GNU C Library: Shared libraries\n\n"
         "Package: mawk\nStatus: install ok installed\nPriority: required\nSection: interpreters\n"
         "Installed-Size: 263\nMaintainer: Boyuan Yang <byang@debian.org>\nArchitecture: amd64\nMulti-Arch: foreign\n"
         "Version: 1.3.4.20200120-3.1\nProvides: awk\nDepends: libc6 (>= 2.34)\n"
         "Description: Pattern scanning and text processing language\n\n"
         "Package: python3-six\nStatus: install ok installed\nPriority: optional\nSection: python\n"
         "Installed-Size: 62\nMaintainer: Debian Python Team <team+python@tracker.debian.org>\nArchitecture: all\n"
         "Source: six\nVersion: 1.16.0-4\nDepends: awk\n"
         "Description: Python 2 and 3 compatibility library\n";
}

const std::string k_six_pkg_info = "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nSummary: compat\n";
const std::string k_site = "usr/local/lib/python3.11/site-packages/";

std::vector<TarEntry> layer0_files() {
  return {
      {"etc/os-release", 'f', k_os_release},
      {"var/lib/dpkg/status", 'f', dpkg_status("2.36-9+deb12u3")},
      {"var/lib/dpkg/info/libc6:amd64.list", 'f', "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n"},
      {"var/lib/dpkg/info/mawk.list", 'f', "/.\n/usr\n/usr/bin\n/usr/bin/mawk\n"},
      {"var/lib/dpkg/info/python3-six.list", 'f',
       "/.\n/usr/lib/python3/dist-packages\n/usr/lib/python3/dist-packages/six.py\n"
       "/usr/lib/python3/dist-packages/six-1.16.0.egg-info\n"
       "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n"},
      {"usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", 'f', k_six_pkg_info},
      {"usr/lib/python3/dist-packages/six.py", 'f', "# six\n"},
  };
}

std::vector<TarEntry> layer1_files() {
  return {
      {k_site + "idna-3.7.dist-info/METADATA", 'f', "Metadata-Version: 2.1\nName: idna\nVersion: 3.7\n"},
      {k_site + "idna-3.7.dist-info/RECORD", 'f',
       "idna/__init__.py,,\nidna-3.7.dist-info/METADATA,,\nidna-3.7.dist-info/RECORD,,\n"},
      {k_site + "idna/__init__.py", 'f', "# idna\n"},
      {"app/package.json", 'f', R"({"name":"app","version":"1.0.0","dependencies":{"pad-util":"^2.0.0"}})"},
      {"app/node_modules/left-pad/package.json", 'f', R"({"name":"left-pad","version":"1.3.0","license":"WTFPL"})"},
      {"app/node_modules/pad-util/package.json", 'f',
       R"({"name":"pad-util","version":"2.0.0","license":"MIT","dependencies":{"left-pad":"^1.3.0"}})"},
  };
}

// Upgrades libc6 and whites out pad-util (OCI image spec, layer.md "Whiteouts").
std::vector<TarEntry> layer2_files() {
  return {
      {"var/lib/dpkg/status", 'f', dpkg_status("2.36-9+deb12u4")},
      {"app/node_modules/.wh.pad-util", 'f', ""},
  };
}

std::vector<Layer> image_layers(std::size_t count) {
  std::vector<Layer> all = {{layer0_files(), Filter::gzip, "ADD rootfs.tar /"},
                            {layer1_files(), Filter::gzip, "RUN pip install idna && npm install"},
                            {layer2_files(), Filter::gzip, "RUN apt-get upgrade && npm rm pad-util"}};
  all.resize(count);
  return all;
}

// Refs the root of a CycloneDX JSON document cannot reach through dependencies, nested components included.
std::vector<std::string> cdx_orphans(const json& doc) {
  std::map<std::string, std::vector<std::string>> edges;
  for (const auto& d : doc["dependencies"])
    for (const auto& to : d.value("dependsOn", json::array())) edges[d["ref"]].push_back(to);
  std::set<std::string> seen{doc["metadata"]["component"]["bom-ref"].get<std::string>()};
  std::deque<std::string> queue(seen.begin(), seen.end());
  while (!queue.empty()) {
    auto cur = queue.front();
    queue.pop_front();
    for (const auto& to : edges[cur])
      if (seen.insert(to).second) queue.push_back(to);
  }
  std::vector<std::string> out;
  std::function<void(const json&)> walk = [&](const json& components) {
    for (const auto& c : components) {
      if (!seen.count(c["bom-ref"].get<std::string>())) out.push_back(c["bom-ref"]);
      if (c.contains("components")) walk(c["components"]);
    }
  };
  walk(doc.value("components", json::array()));
  return out;
}

// SPDXIDs of the packages an SPDX JSON document cannot reach from SPDXRef-DOCUMENT through its relationships.
std::vector<std::string> spdx_orphans(const json& doc) {
  std::map<std::string, std::vector<std::string>> edges;
  for (const auto& r : doc["relationships"]) edges[r["spdxElementId"]].push_back(r["relatedSpdxElement"]);
  std::set<std::string> seen{"SPDXRef-DOCUMENT"};
  std::deque<std::string> queue(seen.begin(), seen.end());
  while (!queue.empty()) {
    auto cur = queue.front();
    queue.pop_front();
    for (const auto& to : edges[cur])
      if (seen.insert(to).second) queue.push_back(to);
  }
  std::vector<std::string> out;
  for (const auto& p : doc["packages"])
    if (!seen.count(p["SPDXID"].get<std::string>())) out.push_back(p["SPDXID"]);
  return out;
}

// Every component of a CycloneDX document, nested ones included.
std::vector<json> all_components(const json& doc) {
  std::vector<json> out;
  std::function<void(const json&)> walk = [&](const json& components) {
    for (const auto& c : components) {
      out.push_back(c);
      if (c.contains("components")) walk(c["components"]);
    }
  };
  walk(doc.value("components", json::array()));
  return out;
}

// PURL (or name@version when there is none) of every component.
std::set<std::string> purls(const json& doc) {
  std::set<std::string> out;
  for (const auto& c : all_components(doc))
    out.insert(c.contains("purl") ? c["purl"].get<std::string>()
                                  : c["name"].get<std::string>() + "@" + c.value("version", ""));
  return out;
}

// The component whose PURL starts with PREFIX, or null.
json component(const json& doc, const std::string& prefix) {
  for (const auto& c : all_components(doc))
    if (c.value("purl", "").rfind(prefix, 0) == 0) return c;
  return nullptr;
}

// The value of property NAME of component C, or "" when it has none.
std::string property(const json& c, const std::string& name) {
  for (const auto& p : c.value("properties", json::array()))
    if (p["name"] == name) return p["value"];
  return "";
}

class ImageCli : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    images.tmp = tmp;
  }
  // tmp/DIR: an OCI layout holding the first COUNT layers, tagged NAME.
  std::string oci(const std::string& dir, std::size_t count = 3, const std::string& name = "app:1.0") {
    return images.oci_dir(dir, image_layers(count), name);
  }
  // Scans TARGET into CycloneDX JSON and parses it; asserts exit 0.
  json scan(const std::string& target, const std::string& extra = "") {
    auto r = purser("scan " + target + " " + extra + " -o cyclonedx-json=" + tmp + "/out.cdx.json");
    EXPECT_EQ(r.code, 0) << r.err;
    if (r.code != 0) return json::object();
    return json::parse(slurp(tmp + "/out.cdx.json"));
  }
  // diff_id of layer I of the 3-layer image.
  static std::string diff_id(std::size_t i) { return digest_of(make_tar(image_layers(3)[i].entries)); }

  ImageBuilder images;
};

const std::set<std::string> k_squashed = {
    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
    "pkg:deb/debian/mawk@1.3.4.20200120-3.1?arch=amd64&distro=debian-12&upstream=mawk",
    "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six",
    "pkg:pypi/idna@3.7",
    "pkg:npm/left-pad@1.3.0",
};

// 1. Every way to hand over the image gives the same inventory, and every writer's output validates.
TEST_F(ImageCli, EveryImageFormGivesTheSameComponentsAndValidOutputs) {
  std::string dir = oci("oci");
  std::string oci_archive = images.tar("oci", "app.oci.tar");
  std::string docker_archive = images.legacy_archive("docker", image_layers(3), R"("app:1.0")");
  std::set<std::string> expected = k_squashed;
  expected.insert("debian@12");
  for (const auto& target : {"oci-dir:" + dir, "oci-archive:" + oci_archive, "docker-archive:" + docker_archive,
                             oci_archive, docker_archive, dir}) {
    SCOPED_TRACE(target);
    auto doc = scan(target);
    EXPECT_EQ(purls(doc), expected);
    EXPECT_EQ(doc["metadata"]["component"]["type"], "container");
    EXPECT_EQ(doc["metadata"]["component"]["name"], "app");
  }
  // A pre-25 docker archive has no manifest: the image id (config digest) names it, and no manifest digest is claimed.
  json legacy = scan("docker-archive:" + docker_archive)["metadata"]["component"];
  std::string config = property(legacy, "purser:image:config_digest");
  EXPECT_EQ(config, digest_of(ImageBuilder::config_json(image_layers(3), "amd64")));
  EXPECT_EQ(legacy["purl"], "pkg:oci/app@" + config + "?tag=1.0");
  EXPECT_EQ(property(legacy, "purser:image:manifest_digest"), "");
  EXPECT_FALSE(legacy.contains("hashes"));
  auto r = purser("scan oci-dir:" + dir + " -o cyclonedx-json=" + tmp + "/a.cdx.json -o spdx-json=" + tmp +
                  "/a.spdx.json -o cyclonedx-xml=" + tmp + "/a.cdx.xml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto v = purser("validate " + tmp + "/a.cdx.json " + tmp + "/a.spdx.json " + tmp + "/a.cdx.xml");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
}

// 2. Ownership, PURLs, the OS component and reachability.
TEST_F(ImageCli, DebOwnedEggInfoIsNotPypiAndNothingIsOrphaned) {
  auto doc = scan("oci-dir:" + oci("oci"));
  EXPECT_TRUE(component(doc, "pkg:pypi/six").is_null()) << "deb-owned egg-info reported as pypi";
  auto idna = component(doc, "pkg:pypi/idna@3.7");
  ASSERT_FALSE(idna.is_null());
  EXPECT_EQ(property(idna, "purser:found-by"), "python-installed");
  auto six = component(doc, "pkg:deb/debian/python3-six@");
  ASSERT_FALSE(six.is_null());
  EXPECT_EQ(six["purl"], "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six");
  for (const auto& c : all_components(doc))
    if (c.value("purl", "").rfind("pkg:deb/", 0) == 0) {
      EXPECT_NE(c["purl"].get<std::string>().find("arch="), std::string::npos) << c["purl"];
      EXPECT_NE(c["purl"].get<std::string>().find("distro=debian-12"), std::string::npos) << c["purl"];
    }
  json os;
  for (const auto& c : all_components(doc))
    if (c["type"] == "operating-system") os = c;
  ASSERT_FALSE(os.is_null());
  EXPECT_EQ(os["name"], "debian");
  EXPECT_EQ(os["version"], "12");
  EXPECT_EQ(cdx_orphans(doc), std::vector<std::string>{});
  auto spdx = purser("scan oci-dir:" + tmp + "/oci -o spdx-json");
  ASSERT_EQ(spdx.code, 0) << spdx.err;
  auto spdx_doc = json::parse(spdx.out);
  EXPECT_EQ(spdx_doc["packages"].size(), 7u);  // the image, the OS and five packages
  EXPECT_EQ(spdx_orphans(spdx_doc), std::vector<std::string>{});
  // Root → OS → every deb; mawk → libc6 (Depends); python3-six → mawk (Depends: awk, which mawk provides).
  std::map<std::string, std::set<std::string>> edges;
  for (const auto& d : doc["dependencies"])
    for (const auto& to : d.value("dependsOn", json::array())) edges[d["ref"]].insert(to);
  std::string root = doc["metadata"]["component"]["bom-ref"];
  std::string libc = component(doc, "pkg:deb/debian/libc6@")["bom-ref"];
  std::string mawk = component(doc, "pkg:deb/debian/mawk@")["bom-ref"];
  EXPECT_TRUE(edges[root].count(os["bom-ref"]));
  EXPECT_EQ(edges[os["bom-ref"]], (std::set<std::string>{libc, mawk, six["bom-ref"]}));
  EXPECT_EQ(edges[mawk], std::set<std::string>{libc});
  EXPECT_EQ(edges[six["bom-ref"]], std::set<std::string>{mawk});
  // The root: a pkg:oci PURL carrying the manifest digest, with the same digest as its hash.
  const auto& meta = doc["metadata"]["component"];
  std::string manifest = property(meta, "purser:image:manifest_digest");
  ASSERT_EQ(manifest.rfind("sha256:", 0), 0u);
  EXPECT_EQ(meta["purl"], "pkg:oci/app@" + manifest + "?tag=1.0");
  EXPECT_EQ(meta["hashes"][0]["content"], manifest.substr(7));
  EXPECT_EQ(property(meta, "purser:image:platform"), "linux/amd64");
  EXPECT_EQ(property(meta, "purser:image:layer:2"), diff_id(2));
}

// 3. Which layer introduced, changed or removed each package.
TEST_F(ImageCli, LayerPropertiesTrackIntroductionUpgradeAndRemoval) {
  std::string dir = oci("oci");
  auto doc = scan("oci-dir:" + dir);
  const std::map<std::string, std::string> introduced = {{"pkg:deb/debian/libc6@", diff_id(0)},
                                                         {"pkg:deb/debian/mawk@", diff_id(0)},
                                                         {"pkg:deb/debian/python3-six@", diff_id(0)},
                                                         {"pkg:pypi/idna@", diff_id(1)},
                                                         {"pkg:npm/left-pad@", diff_id(1)}};
  for (const auto& [prefix, layer] : introduced) {
    auto c = component(doc, prefix);
    ASSERT_FALSE(c.is_null()) << prefix;
    EXPECT_EQ(property(c, "purser:layer:diff_id"), layer) << prefix;
    EXPECT_EQ(property(c, "purser:layer:removed_diff_id"), "") << prefix;
  }
  EXPECT_EQ(property(component(doc, "pkg:deb/debian/libc6@"), "purser:layer:changed_diff_id"), diff_id(2));
  EXPECT_EQ(component(doc, "pkg:deb/debian/libc6@")["version"], "2.36-9+deb12u4");
  EXPECT_EQ(property(component(doc, "pkg:deb/debian/mawk@"), "purser:layer:changed_diff_id"), "");
  EXPECT_TRUE(component(doc, "pkg:npm/pad-util").is_null());

  auto all = scan("oci-dir:" + dir, "--scope all-layers");
  auto removed = component(all, "pkg:npm/pad-util@2.0.0");
  ASSERT_FALSE(removed.is_null());
  EXPECT_EQ(property(removed, "purser:layer:diff_id"), diff_id(1));
  EXPECT_EQ(property(removed, "purser:layer:removed_diff_id"), diff_id(2));
  EXPECT_EQ(property(component(all, "pkg:npm/left-pad@"), "purser:layer:removed_diff_id"), "");
  // The libc6 that layer 2 upgraded away is what that layer removed.
  auto old_libc = component(all, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u3?");
  ASSERT_FALSE(old_libc.is_null());
  EXPECT_EQ(property(old_libc, "purser:layer:diff_id"), diff_id(0));
  EXPECT_EQ(property(old_libc, "purser:layer:removed_diff_id"), diff_id(2));
  EXPECT_EQ(property(component(all, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?"), "purser:layer:removed_diff_id"), "");
  EXPECT_EQ(cdx_orphans(all), std::vector<std::string>{});
}

// 4. Usage errors: a platform the image does not have, a scope that does not exist.
TEST_F(ImageCli, PlatformMismatchAndUnknownScopeAreUsageErrors) {
  std::string dir = oci("oci");
  auto arm = purser("scan oci-dir:" + dir + " --platform linux/arm64");
  EXPECT_EQ(arm.code, 2);
  EXPECT_EQ(arm.err, "purser: error: " + dir + ": no image for platform linux/arm64 in oci-dir:" + dir +
                         " (found: linux/amd64)\n");
  EXPECT_EQ(arm.out, "");
  auto scope = purser("scan oci-dir:" + dir + " --scope everything");
  EXPECT_EQ(scope.code, 2);
  EXPECT_EQ(scope.err, "--scope: everything not in {squashed,all-layers}\nRun with --help for more information.\n");
  EXPECT_EQ(scope.out, "");
}

// 5a. diff of the 2-layer and the 3-layer image: the libc6 upgrade and the pad-util removal.
TEST_F(ImageCli, DiffOfTwoImagesReportsTheUpgradeAndTheRemoval) {
  std::string before = oci("before", 2);
  std::string after = oci("after", 3);
  auto r = purser("diff oci-dir:" + before + " oci-dir:" + after + " -o json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto report = json::parse(r.out);
  EXPECT_EQ(report["summary"], json::parse(R"({"added":0,"removed":1,"upgraded":1,"downgraded":0,"hash":0,
      "license":0,"supplier":0,"layer":0,"edge-added":1,"edge-removed":2,"unchanged":5})"));
  std::map<std::string, json> by_kind;
  for (const auto& c : report["changes"]) by_kind[c["kind"]] = c;
  EXPECT_EQ(by_kind["removed"], json::parse(R"({"kind":"removed","identity":"pkg:npm/pad-util","ecosystem":"npm",
      "old":{"ref":"pkg:npm/pad-util@2.0.0","name":"pad-util","version":"2.0.0","license":"MIT"},"new":null})"));
  EXPECT_EQ(by_kind["upgraded"]["identity"], "pkg:deb/debian/libc6?arch=amd64&distro=debian-12");
  EXPECT_EQ(by_kind["upgraded"]["old"]["version"], "2.36-9+deb12u3");
  EXPECT_EQ(by_kind["upgraded"]["new"]["version"], "2.36-9+deb12u4");
  // The table says the same in one line each.
  auto table = purser("diff oci-dir:" + before + " oci-dir:" + after);
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("\nremoved       npm   pad-util                              2.0.0           -  "),
            std::string::npos)
      << table.out;
  EXPECT_NE(
      table.out.find("\nupgraded      deb   libc6 (arch=amd64, distro=debian-12)  2.36-9+deb12u3  2.36-9+deb12u4"),
      std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("5 changes: 1 removed, 1 upgraded, 1 edge-added, 2 edge-removed; 5 unchanged\n"),
            std::string::npos)
      << table.out;
}

// 5b. scan --attest on an image signs about the image itself; verify checks it against the same image.
TEST_F(ImageCli, AttestedImageScanVerifiesAgainstTheImage) {
  std::string dir = oci("oci");
  std::string key = std::string(PURSER_SOURCE_DIR) + "/fixtures/signing/test-only-ed25519";
  auto a = purser("scan oci-dir:" + dir + " --attest --key " + key + ".key -o cyclonedx-json=" + tmp + "/img.att");
  ASSERT_EQ(a.code, 0) << a.err;
  auto envelope = json::parse(slurp(tmp + "/img.att"));
  write("payload.b64", envelope["payload"].get<std::string>());
  ASSERT_EQ(std::system(("base64 -d " + tmp + "/payload.b64 > " + tmp + "/payload.json").c_str()), 0);
  auto statement = json::parse(slurp(tmp + "/payload.json"));
  ASSERT_EQ(statement["subject"].size(), 1u);
  EXPECT_EQ(statement["subject"][0]["name"], "app:1.0");
  auto doc = scan("oci-dir:" + dir);
  EXPECT_EQ("sha256:" + statement["subject"][0]["digest"]["sha256"].get<std::string>(),
            property(doc["metadata"]["component"], "purser:image:manifest_digest"));
  auto v = purser("verify --key " + key + ".pub --type cyclonedx --artifact oci-dir:" + dir + " " + tmp + "/img.att");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  // Another image is not the subject.
  auto other = purser("verify --key " + key + ".pub --artifact oci-dir:" + oci("before", 2) + " " + tmp + "/img.att");
  EXPECT_EQ(other.code, 1) << other.out << other.err;
}

// 6. The same files unpacked in a directory: a root filesystem, so the same installed-package inventory.
TEST_F(ImageCli, UnpackedRootfsGivesTheSamePackagesAsTheImage) {
  for (const auto& layer : image_layers(3))
    for (const auto& e : layer.entries)
      if (e.name.find(".wh.") == std::string::npos) write("rootfs/" + e.name, e.data);
  fs::remove_all(tmp + "/rootfs/app/node_modules/pad-util");  // what the whiteout removes
  auto from_dir = scan("dir:" + tmp + "/rootfs");
  auto from_image = scan("oci-dir:" + oci("oci"));
  auto packages = [](const json& doc) {
    std::set<std::string> out;
    for (const auto& c : all_components(doc))
      if (c["type"] != "operating-system") out.insert(c["purl"].get<std::string>());
    return out;
  };
  EXPECT_EQ(packages(from_dir), k_squashed);
  EXPECT_EQ(packages(from_dir), packages(from_image));
  EXPECT_EQ(cdx_orphans(from_dir), std::vector<std::string>{});
}

// 7. Hostile: a layer blob whose bytes no longer match its digest.
TEST_F(ImageCli, ExcludeSkipsPathsInImagesAsInDirectories) {
  auto all = scan("oci-dir:" + oci("oci"));
  ASSERT_FALSE(component(all, "pkg:npm/left-pad@").is_null());
  auto r = purser("scan oci-dir:" + tmp + "/oci --exclude 'app/**' -o cyclonedx-json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_TRUE(component(doc, "pkg:npm/left-pad@").is_null());
  EXPECT_FALSE(component(doc, "pkg:pypi/idna@3.7").is_null());
  // A glob naming a directory skips everything under it, as for directory scans.
  auto dir = purser("scan oci-dir:" + tmp + "/oci --exclude app -o cyclonedx-json");
  ASSERT_EQ(dir.code, 0) << dir.err;
  EXPECT_TRUE(component(json::parse(dir.out), "pkg:npm/left-pad@").is_null());
  EXPECT_EQ(r.err, "");  // excluded files are not reported as unreadable
}

TEST_F(ImageCli, TamperedLayerBlobFailsNamingTheLayer) {
  auto m = images.manifest("oci", image_layers(3));
  images.index("oci", m.descriptor);
  std::string blob = images.blob_file("oci", m.layers[1]);
  std::string bytes = slurp(blob);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;
  auto r = purser("scan oci-dir:" + tmp + "/oci -o cyclonedx-json=" + tmp + "/out.json");
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "purser: error: " + tmp + "/oci: layer 1 (" + m.layers[1] + "): blob does not match its digest (" +
                       digest_of(bytes) + ")\n");
  EXPECT_FALSE(fs::exists(tmp + "/out.json"));
  // diff reads images the same way: a corrupt image is not a "change" (exit 1) but an operational failure.
  auto diff = purser("diff oci-dir:" + tmp + "/oci oci-dir:" + tmp + "/oci");
  EXPECT_EQ(diff.code, 3);
  EXPECT_EQ(diff.err, r.err);
}

}  // namespace

// An image's SBOM, read back (CycloneDX and SPDX), diffs clean against a fresh scan of the image: the operating
// system, which has no PURL, keeps its identity through the writers and readers.
TEST_F(ImageCli, SbomReadBackDiffsCleanAgainstTheImage) {
  std::string dir = oci("oci");
  ASSERT_EQ(
      purser("scan oci-dir:" + dir + " -o cyclonedx-json=" + tmp + "/a.cdx.json -o spdx-json=" + tmp + "/a.spdx.json")
          .code,
      0);
  for (const char* file : {"/a.cdx.json", "/a.spdx.json"}) {
    auto d = purser("diff " + tmp + file + " oci-dir:" + dir + " --fail-on any");
    EXPECT_EQ(d.code, 0) << file << "\n" << d.out << d.err;
  }
}
