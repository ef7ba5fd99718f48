// The console's audit of an uploaded folder: a zip (folders flattened, hidden and other files
// ignored and named) or multipart files give the findings an audit of the folder itself gives;
// a file twice, a damaged archive, an empty or unknown body are refused with the reason; and the
// temporary folder the upload was unpacked into is gone afterwards.
#include "audit_upload.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "scratch_dir.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/gen/generate_world.hpp"
#include "staffchain/model/canonical_folder.hpp"

namespace staffchain::daemon {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const model::Date kAsOf = model::Date::fromYmd(2026, 6, 30);

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Temporary folders the audit leaves behind in `dir` (there must be none).
std::size_t auditFolders(const std::filesystem::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("staffchain-audit-", 0) == 0) ++count;
  }
  return count;
}

// TMPDIR pointed at a folder of the test's own while it lives: audits run by other tests at the
// same time make their folders elsewhere.
class PrivateTmpdir {
 public:
  explicit PrivateTmpdir(const std::filesystem::path& dir) : dir_(dir) {
    if (const char* before = std::getenv("TMPDIR")) before_ = before;
    std::filesystem::create_directories(dir_);
    ::setenv("TMPDIR", dir_.c_str(), 1);
  }
  ~PrivateTmpdir() {
    if (before_) {
      ::setenv("TMPDIR", before_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
  PrivateTmpdir(const PrivateTmpdir&) = delete;
  PrivateTmpdir& operator=(const PrivateTmpdir&) = delete;

 private:
  std::filesystem::path dir_;
  std::optional<std::string> before_;
};

class AuditUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gen::WorldSpec spec;
    spec.persons = 400;
    spec.seed = 11;
    spec.as_of = kAsOf;
    spec.out_dir = dir_.path() / "world";
    ASSERT_TRUE(gen::generateWorld(spec).ok());
    std::filesystem::remove(spec.out_dir / "truth.jsonl");
  }

  // The folder zipped by Python's zipfile, as an office's archiver would: `layout` maps an
  // entry's name in the archive to a file of the world (empty: a few bytes of its own).
  std::string zipOf(const std::vector<std::pair<std::string, std::string>>& layout) {
    const auto script = dir_.path() / "zip.py";
    std::ofstream(script) << "import sys, zipfile\n"
                             "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                             "    for pair in sys.argv[2:]:\n"
                             "        name, source = pair.split('=', 1)\n"
                             "        if source: z.write(source, name)\n"
                             "        else: z.writestr(name, 'x')\n";
    std::string command = "python3 " + script.string() + " " + (dir_.path() / "upload.zip").string();
    for (const auto& [name, file] : layout) {
      command += " '" + name + "=" + (file.empty() ? "" : (dir_.path() / "world" / file).string()) + "'";
    }
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return readFile(dir_.path() / "upload.zip");
  }

  // The fingerprints an audit of the world's folder itself finds.
  std::vector<std::string> folderFingerprints() {
    auto dataset = model::loadCanonicalFolder(dir_.path() / "world", "audit");
    EXPECT_TRUE(dataset.ok());
    chain::ChainEngine engine{chain::RuleParams{}};
    engine.reset({"audit"});
    engine.load(std::move(dataset.value()));
    std::vector<std::string> out;
    for (const auto& finding : engine.evaluateAll(kAsOf)) out.push_back(finding.fingerprint);
    return out;
  }

  ScratchDir dir_;
};

TEST_F(AuditUploadTest, AZippedFolderGivesTheFindingsOfTheFolderItselfAndKeepsNothing) {
  std::vector<std::pair<std::string, std::string>> layout;
  for (const char* file : {"units.csv", "quotas.csv", "leader_quotas.csv", "approvals.csv", "roster.csv",
                           "reductions.csv", "movements.csv", "deaths.csv", "payroll.csv"}) {
    layout.emplace_back(std::string("exports/2026-06/") + file, file);
  }
  layout.emplace_back("exports/.DS_Store", "");
  layout.emplace_back("__MACOSX/exports/._units.csv", "");
  layout.emplace_back("exports/readme.txt", "");
  const std::string body = zipOf(layout);
  const PrivateTmpdir tmpdir(dir_.path() / "tmp");
  ASSERT_EQ(std::filesystem::temp_directory_path(), dir_.path() / "tmp");

  std::vector<std::string> ignored;
  auto files = unpackUpload("application/zip", body, ignored);
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->size(), 9U);
  EXPECT_THAT(ignored, ElementsAre("exports/.DS_Store (a hidden file)", "__MACOSX/exports/._units.csv (a hidden file)",
                                   "exports/readme.txt (neither .csv nor .xlsx)"));
  auto audited = auditUpload(files.value(), chain::RuleParams{}, kAsOf);
  ASSERT_TRUE(audited.ok()) << audited.error().message;
  const auto& answer = audited.value();
  EXPECT_EQ(answer["as_of"], "2026-06-30");
  std::vector<std::string> fingerprints;
  for (const auto& finding : answer["findings"]) fingerprints.push_back(finding["fingerprint"]);
  const auto expected = folderFingerprints();
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(fingerprints, expected);
  EXPECT_EQ(answer["count"], expected.size());
  EXPECT_EQ(auditFolders(dir_.path() / "tmp"), 0U);
}

TEST_F(AuditUploadTest, FilesSentAsAFormAreAuditedLikeTheirZip) {
  const std::string boundary = "----staffchain7MA4YWxk";
  std::string body;
  for (const char* file : {"units.csv", "roster.csv", "payroll.csv"}) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + file +
            "\"\r\nContent-Type: text/csv\r\n\r\n" + readFile(dir_.path() / "world" / file) + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nQ2 inspection\r\n";
  body += "--" + boundary + "--\r\n";
  std::vector<std::string> ignored;
  auto files = unpackUpload("multipart/form-data; boundary=" + boundary, body, ignored);
  ASSERT_TRUE(files.ok()) << files.error().message;
  std::vector<std::string> names;
  for (const auto& file : files.value()) names.push_back(file.name);
  EXPECT_THAT(names, ElementsAre("units.csv", "roster.csv", "payroll.csv"));
  EXPECT_EQ(files->at(1).bytes, readFile(dir_.path() / "world" / "roster.csv"));

  const std::string zipped =
      zipOf({{"units.csv", "units.csv"}, {"roster.csv", "roster.csv"}, {"payroll.csv", "payroll.csv"}});
  auto from_zip = unpackUpload("application/zip", zipped, ignored);
  ASSERT_TRUE(from_zip.ok());
  auto by_form = auditUpload(files.value(), chain::RuleParams{}, kAsOf);
  auto by_zip = auditUpload(from_zip.value(), chain::RuleParams{}, kAsOf);
  ASSERT_TRUE(by_form.ok() && by_zip.ok());
  EXPECT_EQ(by_form.value()["findings"], by_zip.value()["findings"]);
  EXPECT_GT(by_form.value()["count"].get<std::size_t>(), 0U);
}

TEST_F(AuditUploadTest, WhatCannotBeAuditedIsRefusedWithItsReason) {
  std::vector<std::string> ignored;
  auto twice =
      unpackUpload("application/zip", zipOf({{"a/units.csv", "units.csv"}, {"b/units.csv", "units.csv"}}), ignored);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "the upload holds units.csv twice");
  std::string damaged = zipOf({{"roster.csv", "roster.csv"}});
  damaged.resize(damaged.size() / 2);
  auto broken = unpackUpload("application/zip", damaged, ignored);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("the upload is not a readable zip archive"));
  EXPECT_THAT(unpackUpload("application/zip", "", ignored).error().message, HasSubstr("the upload is empty"));
  EXPECT_THAT(unpackUpload("text/plain", "unit_id,name", ignored).error().message,
              HasSubstr("an upload of type \"text/plain\" cannot be audited"));
  EXPECT_THAT(unpackUpload("multipart/form-data", "--x\r\n", ignored).error().message, HasSubstr("without a boundary"));

  // Both spreadsheets and CSV of one kind: the folder's reader refuses it, naming the files only.
  std::vector<UploadedFile> both{{"units.csv", readFile(dir_.path() / "world" / "units.csv")}, {"units.xlsx", "PK"}};
  auto refused = auditUpload(both, chain::RuleParams{}, kAsOf);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("units"));
  EXPECT_THAT(refused.error().message, ::testing::Not(HasSubstr("staffchain-audit-")));
  EXPECT_THAT(auditUpload({}, chain::RuleParams{}, kAsOf).error().message, HasSubstr("no .csv or .xlsx file"));
}

}  // namespace
}  // namespace staffchain::daemon
