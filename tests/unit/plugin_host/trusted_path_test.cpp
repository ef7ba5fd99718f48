#include "staffchain/plugin_host/trusted_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "scratch_dir.hpp"

namespace staffchain::plugin_host {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

fs::path fileWithMode(const ScratchDir& dir, const std::string& name, fs::perms mode) {
  const auto file = dir.write(name, "x");
  fs::permissions(file, mode);
  return file;
}

std::string refusal(const Result<void>& checked) {
  return checked ? std::string() : checked.error().message;
}

TEST(TrustedPath, AFileOnlyItsOwnerCanWriteIsTrusted) {
  ScratchDir dir;
  EXPECT_TRUE(checkTrustedPath(fileWithMode(dir, "plugin.so", fs::perms(0755)), TrustedKind::file, "plugins load"));
  EXPECT_TRUE(checkTrustedPath(dir.path(), TrustedKind::directory, "plugins load"));
}

TEST(TrustedPath, WritableByGroupOrOthersIsRefusedWithTheModeAndTheAdvice) {
  ScratchDir dir;
  const auto group = fileWithMode(dir, "group.toml", fs::perms(0664));
  EXPECT_EQ(refusal(checkTrustedPath(group, TrustedKind::file, "the configuration is read")),
            group.string() +
                ": refused: writable by its group (mode 0664); the configuration is read only from paths that only "
                "their owner can write (chmod go-w)");
  const auto others = fileWithMode(dir, "others.toml", fs::perms(0646));
  EXPECT_THAT(refusal(checkTrustedPath(others, TrustedKind::file, "plugins load")),
              HasSubstr("refused: writable by others (mode 0646); plugins load only from"));
}

TEST(TrustedPath, TheWrongKindOrAMissingPathIsRefusedSayingWhat) {
  ScratchDir dir;
  const auto file = fileWithMode(dir, "plugin.so", fs::perms(0644));
  EXPECT_EQ(refusal(checkTrustedPath(file, TrustedKind::directory, "plugins load")),
            file.string() + ": refused: not a directory");
  EXPECT_EQ(refusal(checkTrustedPath(dir.path(), TrustedKind::file, "plugins load")),
            dir.path().string() + ": refused: not a regular file");
  EXPECT_EQ(refusal(checkTrustedPath(dir.path() / "gone.so", TrustedKind::file, "plugins load")),
            (dir.path() / "gone.so").string() + ": cannot inspect: No such file or directory");
}

TEST(TrustedPath, ALinkIsRefusedItselfUnlessFollowedToATrustedTarget) {
  ScratchDir dir;
  const auto target = fileWithMode(dir, "staffchain.toml", fs::perms(0600));
  const auto link = dir.path() / "linked.toml";
  fs::create_symlink(target, link);
  EXPECT_EQ(refusal(checkTrustedPath(link, TrustedKind::file, "plugins load")),
            link.string() + ": refused: not a regular file (a symbolic link)");
  EXPECT_TRUE(checkTrustedPath(link, TrustedKind::file, "the configuration is read", Links::follow));

  fs::permissions(target, fs::perms(0666));
  EXPECT_THAT(refusal(checkTrustedPath(link, TrustedKind::file, "the configuration is read", Links::follow)),
              HasSubstr(link.string() + ": refused: writable by others"));
}

}  // namespace
}  // namespace staffchain::plugin_host
