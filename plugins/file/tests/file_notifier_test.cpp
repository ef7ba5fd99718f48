// The file notifier, loaded as the daemon loads it, writing into a scratch folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "notifier_fixture.hpp"

namespace staffchain::file {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::NotifierFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

std::vector<std::string> lines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FileNotifierTest : public NotifierFixture {
 protected:
  FileNotifierTest() : NotifierFixture("file", "operations") {}

  // The notification with this key and JSON body.
  [[nodiscard]] plugin::Notification message(std::string key, std::string json) const {
    plugin::Notification m = notification();
    m.idempotency_key = std::move(key);
    m.json = std::move(json);
    return m;
  }
};

TEST_F(FileNotifierTest, AppendsEachMessageAsOneJsonLineAndSaysHowMuchItWrote) {
  const fs::path out = scratch_.path() / "operations.jsonl";
  auto notifier = createOk("path = \"" + out.string() + "\"\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 64U * 1024U);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 0U);

  const std::string first =
      R"({"receiver":"operations","alerts":[{"rule":"CHAIN-004","person":"150702********123X"}]})";
  auto receipt = plugin_host::sendNotification(*notifier, message("d-1", first), 5s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "appended " + std::to_string(first.size() + 1) + " bytes to " + out.string());
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, message("d-2", R"({"n":2})"), 5s));

  EXPECT_EQ(contents(out), first + "\n{\"n\":2}\n");
}

TEST_F(FileNotifierTest, AMessageWithoutJsonIsAnEmptyObjectSoThatEveryLineParses) {
  const fs::path out = scratch_.path() / "operations.jsonl";
  auto notifier = createOk("path = \"" + out.string() + "\"\nfsync = false\n");
  ASSERT_TRUE(notifier);
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, message("d-1", ""), 5s));
  EXPECT_THAT(lines(out), ElementsAre("{}"));
}

TEST_F(FileNotifierTest, KeepsWhatTheFileHeldAndCreatesAMissingFolderWithAFileOthersCannotRead) {
  const fs::path kept = scratch_.write("kept.jsonl", "{\"before\":true}\n");
  auto to_kept = createOk("path = \"" + kept.string() + "\"\n");
  ASSERT_TRUE(to_kept);
  ASSERT_TRUE(plugin_host::sendNotification(*to_kept, message("d-1", R"({"after":true})"), 5s));
  EXPECT_THAT(lines(kept), ElementsAre(R"({"before":true})", R"({"after":true})"));

  const fs::path fresh = scratch_.path() / "log" / "staffchain" / "operations.jsonl";
  auto to_fresh = createOk("path = \"" + fresh.string() + "\"\n");
  ASSERT_TRUE(to_fresh);
  ASSERT_TRUE(plugin_host::sendNotification(*to_fresh, message("d-1", R"({"n":1})"), 5s));
  EXPECT_THAT(lines(fresh), ElementsAre(R"({"n":1})"));
  struct stat info {};
  ASSERT_EQ(::stat(fresh.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & S_IRWXO, 0U) << std::oct << info.st_mode;  // masked ids are still personal data
}

TEST_F(FileNotifierTest, ARelativePathIsTakenFromTheConfigurationFilesFolder) {
  auto notifier = createOk("path = \"../out/operations.jsonl\"\n");
  ASSERT_TRUE(notifier);
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, message("d-1", R"({"n":1})"), 5s));
  EXPECT_THAT(lines(scratch_.path() / "out" / "operations.jsonl"), ElementsAre(R"({"n":1})"));
}

TEST_F(FileNotifierTest, AFileThatCannotBeOpenedIsAFailureThatNamesItAndWhy) {
  const fs::path folder = scratch_.path() / "a-folder";
  fs::create_directories(folder);
  auto notifier = createOk("path = \"" + folder.string() + "\"\n");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message("d-1", R"({"n":1})"), 5s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("cannot open " + folder.string() + ": Is a directory"));
}

TEST_F(FileNotifierTest, ValidationAsksForAPathAndReportsEachWrongKeyWhereItStands) {
  EXPECT_TRUE(validate("path = \"/var/log/staffchain/operations.jsonl\"\nfsync = false\n").empty());

  const auto missing = validate("");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_THAT(missing[0], HasSubstr("notifiers.operations.path: required key is missing"));

  const std::string where = configFile().string();
  EXPECT_THAT(validate("path = 7\nfsync = \"always\"\ncolour = \"red\"\n"),
              ElementsAre(where + ":2:8: notifiers.operations.path: expected a string",
                          where + ":3:9: notifiers.operations.fsync: expected true or false",
                          where + ":4:1: notifiers.operations.colour: unknown key"));
  EXPECT_THAT(validate("path = \"\"\n"),
              ElementsAre(where + ":2:8: notifiers.operations.path: expected a non-empty path"));
}

TEST_F(FileNotifierTest, CreationRefusesWhatValidationRefuses) {
  auto created = create("fsync = true\n");
  ASSERT_FALSE(created);
  EXPECT_THAT(created.error().message, HasSubstr("notifiers.operations: " + configFile().string()));
  EXPECT_THAT(created.error().message, HasSubstr("notifiers.operations.path: required key is missing"));
}

}  // namespace
}  // namespace staffchain::file
