// The one list of catalogers (STYLE 6): adding an ecosystem adds a line here.

#include "lib/catalog/cataloger.hpp"
#include "lib/catalog/go/binary.hpp"
#include "lib/catalog/go/go_mod.hpp"
#include "lib/catalog/java/archive.hpp"
#include "lib/catalog/npm/installed.hpp"
#include "lib/catalog/npm/package_lock.hpp"
#include "lib/catalog/npm/pnpm_lock.hpp"
#include "lib/catalog/npm/yarn_lock.hpp"
#include "lib/catalog/os/apk.hpp"
#include "lib/catalog/os/dpkg.hpp"
#include "lib/catalog/os/os_release.hpp"
#include "lib/catalog/os/rpm_db.hpp"
#include "lib/catalog/python/installed.hpp"
#include "lib/catalog/python/pipfile_lock.hpp"
#include "lib/catalog/python/poetry_lock.hpp"
#include "lib/catalog/python/requirements.hpp"
#include "lib/catalog/python/uv_lock.hpp"
#include "lib/catalog/rust/auditable.hpp"
#include "lib/catalog/rust/cargo_lock.hpp"

namespace purser::catalog {

const std::vector<Cataloger>& registry() {
  static const std::vector<Cataloger> all = [] {
    std::vector<Cataloger> out;
    for (const Cataloger* c : {
             &npm::package_lock_cataloger(),
             &npm::yarn_lock_cataloger(),
             &npm::pnpm_lock_cataloger(),
             &python::requirements_cataloger(),
             &python::poetry_lock_cataloger(),
             &python::pipfile_lock_cataloger(),
             &python::uv_lock_cataloger(),
             &go::go_mod_cataloger(),
             &rust::cargo_lock_cataloger(),
             &python::installed_cataloger(),
             &npm::installed_cataloger(),
             &java::archive_cataloger(),
             &os::os_release_cataloger(),
             &os::dpkg_status_cataloger(),
             &os::apk_installed_cataloger(),
             &os::rpm_db_cataloger(),
             &go::go_binary_cataloger(),
             &rust::rust_binary_cataloger(),
         })
      out.push_back(*c);
    return out;
  }();
  return all;
}

}  // namespace purser::catalog
