// purser keygen: a signing key pair, PREFIX.key (PKCS#8 PEM, encrypted unless --no-password, mode 0600)
// and PREFIX.pub (SPKI PEM).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cmd/attest_common.hpp"
#include "lib/util/file.hpp"

namespace purser::cmd {

namespace {

struct KeygenFlags {
  std::string type = "ecdsa-p256";
  std::string out;
  bool no_password = false;
  bool force = false;
};

// Writes the private key through a 0600 temporary file renamed into place: the key is never readable by
// others, not even for an instant, and a failed write leaves nothing behind.
util::Status write_private(const std::string& path, const std::string& pem, bool force) {
  if (!force && ::access(path.c_str(), F_OK) == 0)
    return util::make_error(util::ErrorCode::usage, "refusing to overwrite an existing key (use --force)", {path});
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return util::make_error(util::ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {path});
  ::fchmod(fd, 0600);  // whatever the umask
  std::size_t done = 0;
  int err = 0;
  while (done < pem.size()) {
    ssize_t n = ::write(fd, pem.data() + done, pem.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return util::make_error(util::ErrorCode::io, std::string("cannot write: ") + std::strerror(err), {path});
  }
  return util::Ok{};
}

int run_keygen(const KeygenFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  auto type = signing::parse_key_type(flags.type);
  if (!type)
    return fail(util::make_error(util::ErrorCode::usage,
                                 "unknown key type: " + flags.type + " (expected ecdsa-p256, ed25519 or rsa-4096)"));
  std::string key_path = flags.out + ".key", pub_path = flags.out + ".pub";
  if (!flags.force && ::access(key_path.c_str(), F_OK) == 0)
    return fail(
        util::make_error(util::ErrorCode::usage, "refusing to overwrite an existing key (use --force)", {key_path}));
  std::string passphrase;
  if (!flags.no_password) {
    auto p = read_passphrase(key_path, true);
    if (!p.ok()) return fail(p.error());
    if (p->empty())
      return fail(util::make_error(util::ErrorCode::usage,
                                   "empty passphrase: give one, or pass --no-password to write an unencrypted key"));
    passphrase = std::move(*p);
  }
  auto key = signing::PrivateKey::generate(*type);
  if (!key.ok()) return fail(key.error());
  if (auto st = write_private(key_path, key->to_pem(passphrase), flags.force); !st.ok()) return fail(st.error());
  auto pub = key->public_key();
  if (auto st = util::write_file_atomic(pub_path, pub.to_pem()); !st.ok()) return fail(st.error());
  if (!global_flags().quiet)
    std::fprintf(stderr, "wrote %s (%s%s) and %s\nkeyid %s\n", key_path.c_str(), flags.type.c_str(),
                 passphrase.empty() ? ", not encrypted" : ", encrypted", pub_path.c_str(), pub.keyid().c_str());
  return k_exit_ok;
}

}  // namespace

Verb keygen_verb() {
  return {"keygen", "generate a signing key pair (PREFIX.key, PREFIX.pub)", [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<KeygenFlags>();
            sub.add_option("--type", flags->type, "ecdsa-p256 (default, as cosign), ed25519 or rsa-4096")
                ->check(CLI::IsMember({"ecdsa-p256", "ed25519", "rsa-4096"}));
            sub.add_option("--out", flags->out, "path prefix: writes PREFIX.key and PREFIX.pub")->required();
            sub.add_flag("--no-password", flags->no_password,
                         "write the private key unencrypted (otherwise PURSER_PASSWORD or a prompt)");
            sub.add_flag("--force", flags->force, "overwrite an existing PREFIX.key");
            return [flags] { return run_keygen(*flags); };
          }};
}

}  // namespace purser::cmd
