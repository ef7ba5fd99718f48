// The csv source as the daemon loads it: the built plugin over a real drop folder, pulled and
// acknowledged as the daemon does, for the csv source's tests.
#pragma once

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "scratch_dir.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::plugin_host {

using namespace std::chrono_literals;
using staffchain::testing::ScratchDir;
namespace fs = std::filesystem;

inline std::string toGb18030(const std::string& utf8) {
  return plugin::convertText(utf8, "GB18030", "UTF-8").text;
}

class CsvSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    fs::create_directories(dir_.path() / "inbox");
  }

  // Files written by a test are complete when written: they need not settle, unless a test says.
  std::unique_ptr<SourceInstance> create(const std::string& extra) {
    const std::string settle = extra.find("settle") == std::string::npos ? "settle = \"0s\"\n" : "";
    document_ = std::make_shared<toml::table>(toml::parse(
        "plugin = \"csv\"\nrole = \"hr\"\nfolder = \"" + (dir_.path() / "inbox").string() + "\"\n" + settle + extra,
        std::string_view((dir_.path() / "c.toml").string())));
    settings_.name = "hr_csv";
    settings_.plugin = "csv";
    settings_.key_path = "connectors.hr_csv";
    settings_.table = document_.get();
    auto created = createSource(*catalog_, settings_, logger_, dir_.path() / "state", 5s);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created.value()) : nullptr;
  }

  // One pull, then the commit acknowledgement (as the daemon does after the ledger commit).
  plugin::SourceBatch pullAndCommit(SourceInstance& source, std::string cursor = "") {
    auto batch = pullSource(source, std::move(cursor), 5s);
    EXPECT_TRUE(batch.ok()) << batch.error().message;
    if (!batch.ok()) return {};
    auto done = source.object().committed(batch.value());
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().message);
    return std::move(batch.value());
  }

  ScratchDir dir_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<PluginCatalog> catalog_;
  std::shared_ptr<toml::table> document_;
  config::ConnectorSettings settings_;
};

}  // namespace staffchain::plugin_host
