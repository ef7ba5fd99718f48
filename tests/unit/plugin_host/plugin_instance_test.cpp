#include "staffchain/plugin_host/plugin_instance.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <link.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <thread>

#include "test_support.hpp"

namespace staffchain::plugin_host {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::fixturePlugin;
using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

bool libraryMapped(const std::string& file_name) {
  struct Search {
    std::string name;
    bool found = false;
  } search{file_name};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name != nullptr && std::string(info->dlpi_name).find(s->name) != std::string::npos)
          s->found = true;
        return 0;
      },
      &search);
  return search.found;
}

class PluginInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>(
        "test", logging::makeMaskingSink(std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)));
  }

  config::ConnectorSettings connector(const std::string& plugin, const std::string& extra = "") {
    documents_.push_back(std::make_shared<toml::table>(
        toml::parse("plugin = \"" + plugin + "\"\nrole = \"hr\"\n" + extra, std::string_view("test.toml"))));
    config::ConnectorSettings settings;
    settings.name = "c_" + plugin;
    settings.plugin = plugin;
    settings.key_path = "connectors." + settings.name;
    settings.table = documents_.back().get();
    return settings;
  }

  std::unique_ptr<SourceInstance> create(const config::ConnectorSettings& settings) {
    auto created = createSource(*catalog_, settings, logger_, scratch_.path(), 2s);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created.value()) : nullptr;
  }

  ScratchDir scratch_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<PluginCatalog> catalog_;
  std::vector<std::shared_ptr<toml::table>> documents_;
};

TEST_F(PluginInstanceTest, GoodSourcePullsRecordsAndLogsThroughTheHostWithIdsMasked) {
  auto source = create(connector("fixture_good", "records = 3\n"));
  ASSERT_TRUE(source);
  auto batch = pullSource(*source, "c1", 2s);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->records.size(), 3U);
  EXPECT_EQ(batch->cursor, "c1+");
  EXPECT_THAT(log_.str(), HasSubstr("[connectors c_fixture_good] pulling from cursor 'c1'"));
  EXPECT_THAT(log_.str(), HasSubstr("110105********002X"));
  EXPECT_THAT(log_.str(), ::testing::Not(HasSubstr("11010519491231002X")));
}

TEST_F(PluginInstanceTest, NotifierSends) {
  documents_.push_back(
      std::make_shared<toml::table>(toml::parse("plugin = \"fixture_notifier\"\n", std::string_view("t.toml"))));
  config::NotifierSettings settings;
  settings.name = "n";
  settings.plugin = "fixture_notifier";
  settings.key_path = "notifiers.n";
  settings.table = documents_.back().get();
  auto notifier = createNotifier(*catalog_, settings, logger_, scratch_.path(), 2s);
  ASSERT_TRUE(notifier.ok()) << notifier.error().message;
  plugin::Notification message;
  message.idempotency_key = "k-1";
  auto receipt = sendNotification(**notifier, message, 2s);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->detail, "accepted k-1");
}

TEST_F(PluginInstanceTest, ExceptionFromFactoryBecomesAnError) {
  auto created = createSource(*catalog_, connector("fixture_throws", "greeting = \"throw-on-create\"\n"), logger_,
                              scratch_.path(), 2s);
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.error().message, HasSubstr("threw an exception: fixture factory failure"));
  EXPECT_THAT(created.error().message, HasSubstr("connectors.c_fixture_throws"));
}

TEST_F(PluginInstanceTest, ExceptionFromPullBecomesAnErrorAndTheInstanceStaysUsable) {
  auto source = create(connector("fixture_throws"));
  ASSERT_TRUE(source);
  for (int i = 0; i < 2; ++i) {
    auto batch = pullSource(*source, "", 2s);
    ASSERT_FALSE(batch.ok());
    EXPECT_THAT(batch.error().message, HasSubstr("threw an exception: fixture pull failure"));
  }
}

TEST_F(PluginInstanceTest, FactoryConfigurationErrorsAreReported) {
  auto created =
      createSource(*catalog_, connector("fixture_good", "greeting = \"refuse\"\n"), logger_, scratch_.path(), 2s);
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.error().message, HasSubstr("greeting: \"refuse\" is refused"));
}

TEST_F(PluginInstanceTest, HangingPluginTimesOutWhileOthersGoOn) {
  auto hanging = create(connector("fixture_hangs", "hang = \"2s\"\n"));
  auto good = create(connector("fixture_good"));
  ASSERT_TRUE(hanging && good);

  auto timed_out = pullSource(*hanging, "", 100ms);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_THAT(timed_out.error().message, HasSubstr("did not return within 100 ms"));
  EXPECT_TRUE(hanging->cancel().cancelled());
  EXPECT_TRUE(hanging->worker().stuck());  // the caller was released while the plugin still hangs

  // While its call is stuck, the instance refuses new calls instead of queueing behind it...
  auto busy = pullSource(*hanging, "", 100ms);
  ASSERT_FALSE(busy.ok());
  EXPECT_THAT(busy.error().message, HasSubstr("still busy"));
  // ...and every other connector is unaffected.
  auto other = pullSource(*good, "", 1s);
  EXPECT_TRUE(other.ok());

  // Once the stuck call returns, the instance is callable again.
  for (int i = 0; i < 200 && hanging->worker().stuck(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(hanging->worker().stuck());
  auto again = pullSource(*hanging, "", 10s);
  EXPECT_TRUE(again.ok());
}

TEST_F(PluginInstanceTest, LibraryStaysLoadedWhileItsObjectsLiveAndUnloadsAfter) {
  const std::string file = fixturePlugin("good").filename().string();
  auto source = create(connector("fixture_good"));
  ASSERT_TRUE(source);
  catalog_.reset();  // the catalog's reference is gone; the instance's must keep the code mapped
  ASSERT_TRUE(libraryMapped(file));
  auto batch = pullSource(*source, "", 2s);
  EXPECT_TRUE(batch.ok());
  source.reset();
  EXPECT_FALSE(libraryMapped(file));
}

TEST(SecretReference, ResolvesEnvironmentAndFileWithoutEchoingValues) {
  ScratchDir dir;
  ::setenv("STAFFCHAIN_TEST_SECRET", "s3cr3t-env", 1);
  auto env = resolveSecretReference("${STAFFCHAIN_TEST_SECRET}");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(*env, "s3cr3t-env");
  const auto file = dir.write("token", "s3cr3t-file\n");
  // Readable by everyone: refused, whatever the file holds.
  std::filesystem::permissions(file, std::filesystem::perms(0644));
  auto readable = resolveSecretReference("@file:" + file.string());
  ASSERT_FALSE(readable.ok());
  EXPECT_THAT(readable.error().message, HasSubstr("refused: readable by everyone (mode 0644)"));
  EXPECT_THAT(readable.error().message, ::testing::Not(HasSubstr("s3cr3t-file")));
  // The owner and the daemon's own group may read it (root:staffchain 0640).
  std::filesystem::permissions(file, std::filesystem::perms(0640));
  auto from_file = resolveSecretReference("@file:" + file.string());
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_EQ(*from_file, "s3cr3t-file");
  const auto empty = dir.write("empty", "\n");
  std::filesystem::permissions(empty, std::filesystem::perms(0600));
  auto nothing = resolveSecretReference("@file:" + empty.string());
  ASSERT_FALSE(nothing.ok());
  EXPECT_THAT(nothing.error().message, HasSubstr("the file is empty"));
  ::setenv("STAFFCHAIN_TEST_EMPTY_SECRET", "", 1);
  auto empty_env = resolveSecretReference("${STAFFCHAIN_TEST_EMPTY_SECRET}");
  ASSERT_FALSE(empty_env.ok());
  EXPECT_THAT(empty_env.error().message, HasSubstr("the environment variable is empty"));
  // A secret file someone else could write is refused, naming the file but not its content.
  std::filesystem::permissions(file, std::filesystem::perms::group_write, std::filesystem::perm_options::add);
  auto shared = resolveSecretReference("@file:" + file.string());
  ASSERT_FALSE(shared.ok());
  EXPECT_THAT(shared.error().message, HasSubstr(file.string() + ": refused: writable by its group"));
  EXPECT_THAT(shared.error().message, ::testing::Not(HasSubstr("s3cr3t-file")));
  auto missing = resolveSecretReference("${STAFFCHAIN_TEST_UNSET_VARIABLE}");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("STAFFCHAIN_TEST_UNSET_VARIABLE"));
  auto inline_value = resolveSecretReference("hunter2");
  ASSERT_FALSE(inline_value.ok());
  EXPECT_THAT(inline_value.error().message, ::testing::Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace staffchain::plugin_host
