// The csv sink, loaded from the built plugin library as the daemon loads it, writing real files
// into a real outbound folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include <fstream>
#include <iterator>

#include "sink_fixture.hpp"

namespace staffchain::plugin_host {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::string fromGb18030(const std::string& bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  std::string out(bytes.size() * 3 + 8, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* outp = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in, &in_left, &outp, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) return "(not GB18030)";
  out.resize(out.size() - out_left);
  return out;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> filesIn(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

plugin::Notice rosterNotice(const std::string& id, const std::string& name = "张三") {
  return staffchain::testing::makeNotice(id, "estab_outbox",
                                         {{"action", "roster_add"},
                                          {"target_system", "estab"},
                                          {"movement_id", "HR-2026-0042"},
                                          {"movement_kind", "hire"},
                                          {"movement_source", "hr"},
                                          {"person_id", "11010519491231002X"},
                                          {"name", name},
                                          {"unit_id", "12150700MB1234567X"},
                                          {"effective_on", "2026-05-07"},
                                          {"approval_id", "YBHZ-2026-17"},
                                          {"deadline", "2026-06-06"},
                                          {"issued_at", "2026-05-08T01:02:03Z"},
                                          {"dry_run", "false"}});
}

constexpr const char* kMapping = R"(
[mapping]
fields = { notice_id = "TZBH", action = "YWLX", person_id = "SFZH", name = "XM", unit_id = "DWDM", deadline = "BLQX" }
values = { action = { roster_add = "上编" } }
constants = { SJLY = "staffchain" }
)";

class CsvSinkTest : public staffchain::testing::SinkFixture {
 protected:
  CsvSinkTest() : SinkFixture("csv", "estab", "estab_outbox", "state") {}

  void SetUp() override {
    SinkFixture::SetUp();
    fs::create_directories(dir_.path() / "outbox");
  }

  [[nodiscard]] std::string folder() const { return "folder = \"" + (dir_.path() / "outbox").string() + "\"\n"; }

  std::vector<std::string> validate(const std::string& extra, bool with_folder = true) {
    return SinkFixture::validate((with_folder ? folder() : std::string()) + extra);
  }

  plugin::SinkConnector* create(const std::string& extra) { return SinkFixture::create(folder() + extra); }
};

TEST_F(CsvSinkTest, WritesOneCompleteFileNamedByTheNoticeWithTheMappedHeader) {
  ASSERT_TRUE(create(kMapping));
  const auto receipt = delivered(rosterNotice("N-20260508-0001", "张三, 李"));
  EXPECT_FALSE(receipt.duplicate);
  EXPECT_THAT(receipt.detail, HasSubstr("N-20260508-0001.csv"));
  EXPECT_THAT(filesIn(dir_.path() / "outbox"), ElementsAre("N-20260508-0001.csv"));
  EXPECT_EQ(readFile(dir_.path() / "outbox" / "N-20260508-0001.csv"),
            "TZBH,YWLX,SFZH,XM,DWDM,BLQX,SJLY\r\n"
            "N-20260508-0001,上编,11010519491231002X,\"张三, 李\",12150700MB1234567X,2026-06-06,staffchain\r\n");
}

TEST_F(CsvSinkTest, WithoutAMappingEveryCanonicalColumnGoesUnderItsOwnName) {
  ASSERT_TRUE(create("line_end = \"lf\"\n"));
  delivered(rosterNotice("N-2"));
  const std::string text = readFile(dir_.path() / "outbox" / "N-2.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "notice_id,action,target_system,movement_id,movement_kind,movement_source,person_id,name,unit_id,"
            "from_unit_id,effective_on,approval_id,leader_level,leader_rank,deadline,pay_stop_from,issued_at,dry_run");
  EXPECT_THAT(text, HasSubstr("\nN-2,roster_add,estab,HR-2026-0042,hire,hr,11010519491231002X,张三,"));
  EXPECT_THAT(text, Not(HasSubstr("\r")));
}

TEST_F(CsvSinkTest, ARetryOfTheSameNoticeIsADuplicateAndNeverASecondFile) {
  ASSERT_TRUE(create(kMapping));
  EXPECT_FALSE(delivered(rosterNotice("N-3")).duplicate);
  const auto again = delivered(rosterNotice("N-3"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_THAT(again.detail, HasSubstr("already in"));
  EXPECT_THAT(filesIn(dir_.path() / "outbox"), ElementsAre("N-3.csv"));

  // The importer has taken the file away; a late retry (after a crash of the host before it
  // recorded the delivery) still must not hand the department the notice twice.
  fs::remove(dir_.path() / "outbox" / "N-3.csv");
  const auto late = delivered(rosterNotice("N-3"));
  EXPECT_TRUE(late.duplicate);
  EXPECT_THAT(late.detail, HasSubstr("importer has taken it"));
  EXPECT_TRUE(filesIn(dir_.path() / "outbox").empty());

  EXPECT_FALSE(delivered(rosterNotice("N-4")).duplicate);  // another notice is not a duplicate
}

TEST_F(CsvSinkTest, APartFileLeftByACrashIsReplacedAndNeverSeenAsTheNotice) {
  ASSERT_TRUE(create(kMapping));
  dir_.write("outbox/.N-5.csv.part", "TZBH,YWLX\r\nN-5,上");  // a crash mid-write
  EXPECT_FALSE(delivered(rosterNotice("N-5")).duplicate);
  EXPECT_THAT(filesIn(dir_.path() / "outbox"), ElementsAre("N-5.csv"));
  EXPECT_THAT(readFile(dir_.path() / "outbox" / "N-5.csv"), HasSubstr(",staffchain\r\n"));
}

TEST_F(CsvSinkTest, Gb18030FilesCarryTheSameTextInTheTargetsEncoding) {
  ASSERT_TRUE(
      create(std::string("encoding = \"gb18030\"\nfile_name = \"TZ_{target_system}_{notice_id}.csv\"\n") + kMapping));
  delivered(rosterNotice("N-6", "乌力吉巴雅尔"));
  const std::string bytes = readFile(dir_.path() / "outbox" / "TZ_estab_N-6.csv");
  EXPECT_THAT(bytes, Not(HasSubstr("乌力吉")));  // not UTF-8 on disk
  EXPECT_EQ(fromGb18030(bytes),
            "TZBH,YWLX,SFZH,XM,DWDM,BLQX,SJLY\r\n"
            "N-6,上编,11010519491231002X,乌力吉巴雅尔,12150700MB1234567X,2026-06-06,staffchain\r\n");
}

TEST_F(CsvSinkTest, DescribeRendersWhatWouldBeWrittenWithTheCitizenIdMaskedAndWritesNothing) {
  ASSERT_TRUE(create(kMapping));
  const std::string line = sink_->describe(rosterNotice("N-7"));
  EXPECT_THAT(line, HasSubstr("N-7.csv"));
  EXPECT_THAT(line, HasSubstr("SFZH=110105********002X"));
  EXPECT_THAT(line, HasSubstr("YWLX=上编"));
  EXPECT_THAT(line, Not(HasSubstr("11010519491231002X")));
  EXPECT_TRUE(filesIn(dir_.path() / "outbox").empty());
}

TEST_F(CsvSinkTest, AMissingFolderAndAnUnsafeNoticeIdAreErrorsThatSayWhy) {
  ASSERT_TRUE(create(kMapping));
  auto unsafe = deliver(rosterNotice("N/8"));
  ASSERT_FALSE(unsafe.ok());
  EXPECT_THAT(unsafe.error().message, HasSubstr("path separator"));
  fs::remove_all(dir_.path() / "outbox");
  auto missing = deliver(rosterNotice("N-8"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("outbound folder does not exist"));
}

TEST_F(CsvSinkTest, TheHostCreatesItFromASinksTableWithTheHostsKeysAndDeliversThroughItsWorker) {
  using namespace std::chrono_literals;
  const auto document = std::make_shared<toml::table>(
      parse(folder() + "dry_run = false\nenabled = true\ntimeout = \"10s\"\n" + std::string(kMapping)));
  config::SinkSettings settings;
  settings.name = "estab_outbox";
  settings.plugin = "csv";
  settings.key_path = "sinks.estab_outbox";
  settings.table = document.get();
  auto created = createSink(*catalog_, settings, logger_, dir_.path() / "state", 5s);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto first = deliverNotice(*created.value(), rosterNotice("0f3a9c2e7b1d4a65"), 5s);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  auto again = deliverNotice(*created.value(), rosterNotice("0f3a9c2e7b1d4a65"), 5s);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_THAT(filesIn(dir_.path() / "outbox"), ElementsAre("0f3a9c2e7b1d4a65.csv"));
}

TEST_F(CsvSinkTest, ValidationReportsEveryProblemWithItsLocation) {
  const auto errors = validate(R"(encoding = "latin1"
file_name = "{movement_id}.csv"
colour = "blue"
[mapping]
fields = { notice_id = "TZBH", person = "SFZH", name = "TZBH" }
values = { deadline = { x = "y" } }
)",
                               false);
  const std::string file = file_ + ":";
  EXPECT_THAT(errors,
              ::testing::UnorderedElementsAre(
                  HasSubstr(file + "1:1: sinks.estab_outbox.folder: required key is missing"),
                  HasSubstr(file + "3:12: sinks.estab_outbox.encoding: \"latin1\" is not one of: utf-8, gb18030"),
                  HasSubstr(file + "4:13: sinks.estab_outbox.file_name: must contain {notice_id}"),
                  HasSubstr(file + "5:1: sinks.estab_outbox.colour: unknown key"),
                  HasSubstr("sinks.estab_outbox.mapping.fields.person: not a canonical notice column"),
                  HasSubstr("sinks.estab_outbox.mapping.fields: the target field \"TZBH\" is written twice"),
                  HasSubstr("sinks.estab_outbox.mapping.values.deadline: this canonical column is not sent")));
  EXPECT_THAT(validate(kMapping), ::testing::IsEmpty());
}

}  // namespace
}  // namespace staffchain::plugin_host
