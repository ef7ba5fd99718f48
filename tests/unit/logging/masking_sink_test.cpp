// The masking sink every log line of the process passes through (DOMAIN.md §4): citizen ids
// masked, control characters escaped.
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>
#include <vector>

#include "staffchain/logging/logging.hpp"

namespace staffchain::logging {
namespace {

// Keeps what reaches it, and where the text it was handed lived.
class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines;
  std::vector<const char*> payloads;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines.emplace_back(msg.payload.data(), msg.payload.size());
    payloads.push_back(msg.payload.data());
  }
  void flush_() override {}
};

class MaskingSinkTest : public ::testing::Test {
 protected:
  void log(std::string_view text) {
    spdlog::details::log_msg msg("test", spdlog::level::info, spdlog::string_view_t(text.data(), text.size()));
    masking->log(msg);
  }
  std::shared_ptr<CaptureSink> capture = std::make_shared<CaptureSink>();
  spdlog::sink_ptr masking = makeMaskingSink(capture);
};

TEST_F(MaskingSinkTest, MasksCitizenIdsFullWidthIncludedAndLeavesUnitCodesReadable) {
  log("roster_add 150702198001011239 at 12150700000237571X");
  log("人员 １５０７０２１９８００１０１１２３９ 已上编");
  ASSERT_EQ(capture->lines.size(), 2U);
  EXPECT_EQ(capture->lines[0], "roster_add 150702********1239 at 12150700000237571X");
  EXPECT_EQ(capture->lines[1], "人员 １５０７０２＊＊＊＊＊＊＊＊１２３９ 已上编");
}

// Every line of the process passes here: one without an id goes on as it came, not copied.
TEST_F(MaskingSinkTest, PassesALineWithoutAnIdOnUncopied) {
  const std::string line = "sync hr_csv: 1204 rows, unit 12150700000237571X, 0 quarantined";
  log(line);
  ASSERT_EQ(capture->payloads.size(), 1U);
  EXPECT_EQ(capture->payloads[0], line.data());
  EXPECT_EQ(capture->lines[0], line);
}

// A value a caller chose (here a decoded request path) must not start a line of its own: the
// forged "info api ops POST /api/v1/reload" stays inside the one line it came in, visibly.
TEST_F(MaskingSinkTest, EscapesLineBreaksAndTerminalControlsSoNoLineCanBeForged) {
  log("api anonymous GET /healthz\n2026-06-30T09:00:00.000+0800 info  api ops POST /api/v1/reload -> 200\r"
      "\x1b[2J\x7f -> 404");
  ASSERT_EQ(capture->lines.size(), 1U);
  const std::string& line = capture->lines[0];
  EXPECT_EQ(line,
            "api anonymous GET /healthz\\n2026-06-30T09:00:00.000+0800 info  api ops POST /api/v1/reload -> 200\\r"
            "\\x1b[2J\\x7f -> 404");
  for (const char c : line) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << line;
}

TEST_F(MaskingSinkTest, EscapesTabsAndNulBytesToo) {
  log(std::string_view("a\tb\0c\x01", 6));
  ASSERT_EQ(capture->lines.size(), 1U);
  EXPECT_EQ(capture->lines[0], "a\\tb\\x00c\\x01");
}

// Beyond ASCII: NEL and the other C1 controls, U+2028/U+2029 (line breaks to some readers) and
// the bidirectional overrides that reorder what a reader sees; bytes that are not UTF-8 at all.
TEST_F(MaskingSinkTest, EscapesUnicodeLineBreaksBidiOverridesAndBytesThatAreNotUtf8) {
  log("a\xC2\x85"
      "b\xE2\x80\xA8"
      "c\xE2\x80\xA9"
      "d\xE2\x80\xAE"
      "e\xE2\x81\xA6"
      "f");
  log("gb18030 \xC8\xCB cut \xE4\xBA and \xFF\xC0\xAF");
  ASSERT_EQ(capture->lines.size(), 2U);
  EXPECT_EQ(capture->lines[0], "a\\u0085b\\u2028c\\u2029d\\u202ee\\u2066f");
  EXPECT_EQ(capture->lines[1], "gb18030 \\xc8\\xcb cut \\xe4\\xba and \\xff\\xc0\\xaf");
}

TEST_F(MaskingSinkTest, LeavesChineseTextAndBackslashesAsTheyAreAndUncopied) {
  const std::string line = "单位 12150700000237571X 编制已满：人员 张三 未能上编 (C:\\exports\\人事.csv)";
  log(line);
  ASSERT_EQ(capture->payloads.size(), 1U);
  EXPECT_EQ(capture->payloads[0], line.data());
  EXPECT_EQ(capture->lines[0], line);
}

// Masking reads a control character as the separator it is; escaping after it cannot glue the
// "\x01" before an id into a longer run of digits that masking would leave alone.
TEST_F(MaskingSinkTest, MasksAnIdNextToAControlCharacterBeforeEscapingIt) {
  log("file\x01"
      "150702198001011239\n");
  ASSERT_EQ(capture->lines.size(), 1U);
  EXPECT_EQ(capture->lines[0], "file\\x01150702********1239\\n");
}

}  // namespace
}  // namespace staffchain::logging
