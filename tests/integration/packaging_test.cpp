// The Debian package, built from this tree with CPack and unpacked into a test root: every
// file where it belongs, and the service unit accepted by systemd-analyze with a sandbox that
// rates 2.0 or better.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PackageTest : public ::testing::Test {
 protected:
  // The package the ctest fixture package.build made for this run (tests/integration/
  // build_package.cmake); run outside ctest, with none there, the suite builds its own.
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir();
    deb_ = debIn(STAFFCHAIN_TEST_PACKAGE_DIR);
    if (deb_.empty()) {
      auto [code, out] = runToEnd({"/usr/bin/cpack", "-G", "DEB", "-B", (scratch_->path() / "out").string(), "--config",
                                   std::string(STAFFCHAIN_BINARY_DIR) + "/CPackConfig.cmake"},
                                  scratch_->path() / "cpack.log");
      cpack_output_ = out;
      if (code == 0) deb_ = debIn(scratch_->path() / "out");
    } else {
      cpack_output_ = "the package of " + deb_.parent_path().string();
    }
    if (!deb_.empty()) {
      root_ = scratch_->path() / "root";
      fs::create_directories(root_);
      runToEnd({"/usr/bin/dpkg-deb", "-x", deb_.string(), root_.string()}, scratch_->path() / "extract.log");
    }
  }
  static fs::path debIn(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".deb") return entry.path();
    }
    return {};
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }

  static ScratchDir* scratch_;
  static std::string cpack_output_;
  static fs::path deb_;
  static fs::path root_;
};

ScratchDir* PackageTest::scratch_ = nullptr;
std::string PackageTest::cpack_output_;
fs::path PackageTest::deb_;
fs::path PackageTest::root_;

TEST_F(PackageTest, InstallsEveryFileWhereItBelongs) {
  ASSERT_FALSE(deb_.empty()) << cpack_output_;
  for (const char* path :
       {"usr/bin/staffchaind", "usr/bin/staffchainctl", "usr/lib/staffchain/plugins/libstaffchain_csv.so",
        "usr/lib/staffchain/plugins/libstaffchain_rest.so", "usr/lib/staffchain/plugins/libstaffchain_wecom.so",
        "etc/staffchain/staffchain.toml", "etc/staffchain/conf.d", "usr/lib/systemd/system/staffchaind.service",
        "usr/lib/sysusers.d/staffchain.conf", "usr/lib/tmpfiles.d/staffchain.conf",
        "usr/share/doc/staffchain/README.md", "usr/share/doc/staffchain/examples/rest.toml"}) {
    EXPECT_TRUE(fs::exists(root_ / path)) << path;
  }
  // No test fixture plugin ships.
  EXPECT_FALSE(fs::exists(root_ / "usr/lib/staffchain/plugins/libstaffchain_fixture_good.so"));
  // The plugin directory is writable by root only, as the daemon requires.
  const auto perms = fs::status(root_ / "usr/lib/staffchain/plugins").permissions();
  EXPECT_EQ(perms & (fs::perms::group_write | fs::perms::others_write), fs::perms::none);
}

TEST_F(PackageTest, DeclaresItsDependenciesAndMaintainerScripts) {
  ASSERT_FALSE(deb_.empty()) << cpack_output_;
  auto [code, control] = runToEnd({"/usr/bin/dpkg-deb", "-I", deb_.string()}, scratch_->path() / "info.log");
  ASSERT_EQ(code, 0) << control;
  EXPECT_THAT(control, HasSubstr("Package: staffchain"));
  EXPECT_THAT(control, HasSubstr("systemd"));
  EXPECT_THAT(control, HasSubstr("libcurl"));
  // [daemon] timezone: the zone database and the library that reads it.
  EXPECT_THAT(control, HasSubstr("tzdata"));
  EXPECT_THAT(control, HasSubstr("libdate-tz"));
  // The tenure report's PDF: pango and cairo, and the CJK faces it is set in.
  EXPECT_THAT(control, HasSubstr("libpango"));
  EXPECT_THAT(control, HasSubstr("fonts-noto-cjk"));
  EXPECT_THAT(control, HasSubstr("postinst"));
  EXPECT_THAT(control, HasSubstr("conffiles"));
}

TEST_F(PackageTest, TheInstalledConfigurationIsValid) {
  ASSERT_FALSE(deb_.empty()) << cpack_output_;
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", (root_ / "etc/staffchain/staffchain.toml").string()},
               scratch_->path() / "check.log");
  EXPECT_EQ(code, 0) << out;
}

TEST_F(PackageTest, TheUnitVerifiesAndItsSandboxRatesOk) {
  ASSERT_FALSE(deb_.empty()) << cpack_output_;
  const std::string unit = (root_ / "usr/lib/systemd/system/staffchaind.service").string();
  // verify checks that the commands exist; this machine has not installed the package, so a
  // copy of the unit points them at the unpacked binaries (nothing else changes).
  std::string text = readFile(unit);
  for (auto at = text.find("/usr/bin/"); at != std::string::npos; at = text.find("/usr/bin/", at + 1)) {
    const std::string unpacked = (root_ / "usr/bin/").string();
    text.replace(at, 9, unpacked);
    at += unpacked.size() - 1;
  }
  const auto copy = scratch_->write("unit/staffchaind.service", text);
  auto [verify_code, verify] =
      runToEnd({"/usr/bin/systemd-analyze", "verify", copy.string()}, scratch_->path() / "verify.log");
  EXPECT_EQ(verify_code, 0) << verify;
  EXPECT_THAT(verify, ::testing::Not(HasSubstr("Unknown key")));
  EXPECT_THAT(verify, ::testing::Not(HasSubstr("is not executable")));
  auto [security_code, security] =
      runToEnd({"/usr/bin/systemd-analyze", "security", "--offline=true", unit}, scratch_->path() / "security.log");
  std::smatch level;
  ASSERT_TRUE(std::regex_search(security, level, std::regex(R"(Overall exposure level for \S+: ([0-9.]+))")))
      << security;
  EXPECT_LE(std::stod(level[1].str()), 2.0) << security;
}

// The API holds up to api.max_connections (256) descriptors beside the ledger's, the plugins'
// and their peers'; systemd's default soft limit (1024) leaves little room, and the sandbox
// (@resources filtered) keeps the daemon from raising its own.
TEST_F(PackageTest, TheUnitGivesTheDaemonOpenFilesWellBeyondWhatTheApiMayHold) {
  ASSERT_FALSE(deb_.empty()) << cpack_output_;
  const std::string text = readFile(root_ / "usr/lib/systemd/system/staffchaind.service");
  std::smatch limit;
  ASSERT_TRUE(std::regex_search(text, limit, std::regex(R"(\nLimitNOFILE=([0-9]+)\n)"))) << text;
  EXPECT_GE(std::stoul(limit[1].str()), 4096U);
}

}  // namespace
}  // namespace staffchain::testing
