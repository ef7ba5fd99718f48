// The masking sink every log line of the process passes through (DOMAIN.md §4).
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

}  // namespace
}  // namespace staffchain::logging
