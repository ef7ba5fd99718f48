// The plugin host's side of sinks, with the csv plugin built in this tree: the catalog sees its
// sink, check-config validation reaches validate_sink, and a notice goes through createSink and
// deliverNotice on the instance's worker.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "scratch_dir.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::plugin_host {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

const std::filesystem::path kCsvPlugin = std::filesystem::path(STAFFCHAIN_PLUGIN_BUILD_DIR) / "libstaffchain_csv.so";

class SinkHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = catalog_.loadLibrary(kCsvPlugin);
    ASSERT_TRUE(loaded) << loaded.error().message;
    std::filesystem::create_directories(dir_.path() / "outbound");
  }

  config::LoadOutcome load(const std::string& text) {
    return config::loadConfig(dir_.write("staffchain.toml", text), &catalog_);
  }

  static plugin::Notice notice(const std::string& id) {
    plugin::Notice n;
    n.id = id;
    n.sink = "estab_out";
    for (const auto column : plugin::kNoticeColumns) n.fields.emplace_back(std::string(column), "");
    n.fields[0].second = id;
    n.fields[1].second = "roster_remove";
    return n;
  }

  ScratchDir dir_;
  PluginCatalog catalog_;
  std::shared_ptr<spdlog::logger> logger_ =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
};

TEST_F(SinkHostTest, ASourcePluginOfferingASinkIsValidatedAndDelivers) {
  ASSERT_TRUE(catalog_.find("csv")->offersSink());
  auto loaded = load("[sinks.estab_out]\nplugin = \"csv\"\nrole = \"estab\"\ntimeout = \"5s\"\nfolder = \"" +
                     (dir_.path() / "outbound").string() + "\"\n");
  ASSERT_TRUE(loaded.config) << loaded.errors.front();
  const auto& settings = loaded.config->sinks.at("estab_out");
  EXPECT_EQ(settings.timeout, std::chrono::seconds(5));

  auto sink = createSink(catalog_, settings, logger_, dir_.path() / "state", std::chrono::seconds(10));
  ASSERT_TRUE(sink) << sink.error().message;
  auto first = deliverNotice(*sink.value(), notice("00000000000000aa"), std::chrono::seconds(10));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  auto again = deliverNotice(*sink.value(), notice("00000000000000aa"), std::chrono::seconds(10));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->duplicate);  // the same id twice: the target keeps one
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "outbound")) {
    if (entry.path().filename().string().front() != '.') ++files;
  }
  EXPECT_EQ(files, 1U);
}

TEST_F(SinkHostTest, APluginsOwnSinkKeysAreCheckedAndHostKeysAreNotPassedOn) {
  auto loaded = load("[sinks.estab_out]\nplugin = \"csv\"\nrole = \"estab\"\ndry_run = true\nfolderr = \"x\"\n");
  EXPECT_FALSE(loaded.config);
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("sinks.estab_out.folderr: unknown key")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("sinks.estab_out.folder: required key is missing")));
  EXPECT_THAT(loaded.errors, ::testing::Not(::testing::Contains(HasSubstr("dry_run"))));
}

TEST_F(SinkHostTest, CreatingASinkFromAPluginWithoutOneIsRefused) {
  config::SinkSettings settings;
  settings.name = "nowhere";
  settings.plugin = "smtp";
  auto sink = createSink(catalog_, settings, logger_, dir_.path() / "state", std::chrono::seconds(10));
  ASSERT_FALSE(sink);
  EXPECT_THAT(sink.error().message, HasSubstr("sinks.nowhere: no sink plugin \"smtp\" is loaded"));
}

}  // namespace
}  // namespace staffchain::plugin_host
