#include "staffchain/plugin_host/plugin_catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace staffchain::plugin_host {
namespace {

using staffchain::testing::fixturePlugin;
using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

std::string refusalFor(const PluginCatalog& catalog, const std::string& fixture) {
  for (const auto& refusal : catalog.refusals()) {
    if (refusal.path.filename() == fixturePlugin(fixture).filename()) return refusal.reason;
  }
  return "";
}

TEST(PluginCatalog, LoadsGoodPluginsAndRefusesTheOthersWithReasons) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_NE(catalog->find("fixture_good"), nullptr);
  EXPECT_NE(catalog->find("fixture_notifier"), nullptr);
  EXPECT_NE(catalog->find("fixture_throws"), nullptr);
  EXPECT_NE(catalog->find("fixture_hangs"), nullptr);
  EXPECT_EQ(catalog->find("fixture_abi"), nullptr);
  EXPECT_EQ(catalog->find("fixture_tag"), nullptr);
  EXPECT_EQ(catalog->find("fixture_nosymbol"), nullptr);
  EXPECT_EQ(catalog->refusals().size(), 3U);
}

TEST(PluginCatalog, AbiMismatchNamesBothVersions) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  const std::string reason = refusalFor(*catalog, "abi");
  EXPECT_THAT(reason, HasSubstr("plugin SDK ABI version 999"));
  EXPECT_THAT(reason, HasSubstr("host ABI version " + std::to_string(plugin::kSdkAbiVersion)));
}

TEST(PluginCatalog, BuildTagMismatchNamesBothTags) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  const std::string reason = refusalFor(*catalog, "tag");
  EXPECT_THAT(reason, HasSubstr("\"other-compiler boost-0 c++17\""));
  EXPECT_THAT(reason, HasSubstr(std::string("host built as \"") + plugin::kBuildTag + "\""));
}

TEST(PluginCatalog, LibraryWithoutTheSymbolIsRefused) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  EXPECT_THAT(refusalFor(*catalog, "nosymbol"), HasSubstr("exports no staffchain_plugin symbol"));
}

TEST(PluginCatalog, DirectoryWritableByOthersIsRefusedWhole) {
  ScratchDir dir;
  std::filesystem::copy_file(fixturePlugin("good"), dir.path() / fixturePlugin("good").filename());
  std::filesystem::permissions(dir.path(), std::filesystem::perms(0777));
  auto catalog = PluginCatalog::loadDirectory(dir.path());
  ASSERT_FALSE(catalog.ok());
  EXPECT_THAT(catalog.error().message, HasSubstr("writable by others"));
  EXPECT_THAT(catalog.error().message, HasSubstr(dir.path().string()));
}

TEST(PluginCatalog, GroupWritablePluginFileIsRefusedAndTheOthersLoad) {
  ScratchDir dir;
  const auto bad = dir.path() / fixturePlugin("good").filename();
  std::filesystem::copy_file(fixturePlugin("good"), bad);
  std::filesystem::permissions(bad, std::filesystem::perms(0664));
  std::filesystem::copy_file(fixturePlugin("notifier"), dir.path() / fixturePlugin("notifier").filename());
  std::filesystem::permissions(dir.path() / fixturePlugin("notifier").filename(), std::filesystem::perms(0644));
  auto catalog = PluginCatalog::loadDirectory(dir.path());
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog->find("fixture_good"), nullptr);
  EXPECT_NE(catalog->find("fixture_notifier"), nullptr);
  ASSERT_EQ(catalog->refusals().size(), 1U);
  EXPECT_THAT(catalog->refusals()[0].reason, HasSubstr("writable by its group"));
}

// What else lands in a plugin folder: notes, backups, a text file someone named .so. A *.so
// that is no ELF shared object is refused saying so (not with dlopen's "invalid ELF header");
// the rest is skipped, named in one line, and the real plugins beside them load.
TEST(PluginCatalog, FilesThatAreNotSharedObjectsAreRefusedOrSkippedSayingSo) {
  ScratchDir dir;
  const auto good = dir.path() / fixturePlugin("good").filename();
  std::filesystem::copy_file(fixturePlugin("good"), good);
  std::filesystem::permissions(good, std::filesystem::perms(0644));
  std::filesystem::copy_file(fixturePlugin("good"), dir.path() / "libstaffchain_fixture_good.so.bak");
  dir.write("README.txt", "plugins go here\n");
  dir.write("libstaffchain_notes.so", "not a library\n");
  dir.write("x.so", "neither\n");
  dir.write("libstaffchain_relocatable.so", std::string("\x7f"
                                                        "ELF\x02\x01\x01",
                                                        7) +
                                                std::string(9, '\0') + "\x01" + std::string(47, '\0'));
  std::filesystem::create_directories(dir.path() / "old");
  auto catalog = PluginCatalog::loadDirectory(dir.path());
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_NE(catalog->find("fixture_good"), nullptr);
  EXPECT_EQ(catalog->plugins().size(), 1U);
  ASSERT_EQ(catalog->refusals().size(), 3U);
  EXPECT_EQ(catalog->refusals()[0].path.filename(), "libstaffchain_notes.so");
  EXPECT_THAT(catalog->refusals()[0].reason,
              HasSubstr("libstaffchain_notes.so: refused: not a shared object (ELF header missing)"));
  EXPECT_EQ(catalog->refusals()[1].path.filename(), "libstaffchain_relocatable.so");
  EXPECT_THAT(catalog->refusals()[1].reason, HasSubstr("not a shared object (an ELF file of type 1, not ET_DYN"));
  EXPECT_EQ(catalog->refusals()[2].path.filename(), "x.so");
  EXPECT_THAT(catalog->refusals()[2].reason, HasSubstr("x.so: refused: not a shared object (ELF header missing)"));
  // Not dlopen's answer, which reads like a broken build ("cannot load: Bad file descriptor").
  for (const auto& refusal : catalog->refusals()) EXPECT_THAT(refusal.reason, ::testing::Not(HasSubstr("cannot load")));
  ASSERT_EQ(catalog->skipped().size(), 3U);
  EXPECT_EQ(catalog->skippedNote(),
            "plugin folder " + dir.path().string() +
                ": skipped README.txt, libstaffchain_fixture_good.so.bak, old/ (not plugins: only "
                "libstaffchain_*.so files are loaded)");
}

TEST(PluginCatalog, AFolderOfPluginsOnlyHasNothingToSay) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  EXPECT_TRUE(catalog->skipped().empty());
  EXPECT_EQ(catalog->skippedNote(), "");
}

TEST(PluginCatalog, MissingDirectoryIsAClearError) {
  auto catalog = PluginCatalog::loadDirectory("/nonexistent/staffchain/plugins");
  ASSERT_FALSE(catalog.ok());
  EXPECT_THAT(catalog.error().message, HasSubstr("/nonexistent/staffchain/plugins: cannot inspect"));
}

TEST(PluginCatalog, ValidatorRunsThePluginsOwnChecks) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  auto table = toml::parse("plugin = \"fixture_good\"\ngreeting = \"refuse\"\nrecords = \"many\"\n",
                           std::string_view("test.toml"));
  std::vector<std::string> errors;
  plugin::ConfigReader reader(table, "connectors.x", errors);
  reader.accept("plugin");
  EXPECT_TRUE(catalog->validate("fixture_good", plugin::PluginKind::source, reader));
  reader.finish();
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_THAT(errors[0], HasSubstr("test.toml:3:11: connectors.x.records: expected an integer"));
  EXPECT_THAT(errors[1], HasSubstr("test.toml:2:12: connectors.x.greeting: \"refuse\" is refused"));
}

TEST(PluginCatalog, ValidatorNamesAvailablePluginsForAnUnknownOne) {
  auto catalog = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
  ASSERT_TRUE(catalog.ok());
  auto table = toml::parse("plugin = \"nope\"\n", std::string_view("test.toml"));
  std::vector<std::string> errors;
  plugin::ConfigReader reader(table, "connectors.x", errors);
  EXPECT_FALSE(catalog->validate("nope", plugin::PluginKind::source, reader));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_THAT(errors[0], HasSubstr("no source plugin \"nope\""));
  EXPECT_THAT(errors[0], HasSubstr("fixture_good"));
}

}  // namespace
}  // namespace staffchain::plugin_host
