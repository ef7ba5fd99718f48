// NotifierFixture: a notifier plugin loaded from its build folder and created from a
// [notifiers.*] table as the daemon creates it, with its log kept for the test to read and a
// notification as the alert manager hands one out. The notifiers' own tests derive from it
// (those that post over HTTP from HttpNotifierFixture, http_notifier_fixture.hpp).
#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "scratch_dir.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::testing {

class NotifierFixture : public ::testing::Test {
 protected:
  // The instance [notifiers.<name>] of the built plugin `plugin`.
  NotifierFixture(std::string plugin, std::string name) : plugin_(std::move(plugin)), name_(std::move(name)) {}

  void SetUp() override {
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
  }

  // The file the tables are read from: relative paths in them are taken from its folder, and
  // every located error names it.
  [[nodiscard]] std::filesystem::path configFile() const { return scratch_.path() / "conf" / "notifiers.toml"; }

  // The instance's table: `plugin = "<plugin>"`, common_keys_, then `keys`; kept for the
  // test's life (an instance reads it when created).
  const toml::table& table(const std::string& keys) {
    documents_.push_back(std::make_shared<toml::table>(
        toml::parse("plugin = \"" + plugin_ + "\"\n" + common_keys_ + keys, std::string_view(configFile().string()))));
    return *documents_.back();
  }

  // What `staffchainctl check-config` reports about `keys`: the host accepts its own key, the
  // plugin checks the rest, unknown keys come last.
  std::vector<std::string> validate(const std::string& keys) {
    std::vector<std::string> errors;
    plugin::ConfigReader reader(table(keys), "notifiers." + name_, errors);
    reader.accept("plugin");
    EXPECT_TRUE(catalog_->validate(plugin_, plugin::PluginKind::notifier, reader)) << "no plugin " << plugin_;
    reader.finish();
    return errors;
  }

  // The instance as the daemon makes it at start, its state under the scratch folder.
  Result<std::unique_ptr<plugin_host::NotifierInstance>> create(const std::string& keys) {
    config::NotifierSettings settings;
    settings.name = name_;
    settings.plugin = plugin_;
    settings.key_path = "notifiers." + name_;
    settings.table = &table(keys);
    return plugin_host::createNotifier(*catalog_, settings, logger_, scratch_.path() / "state",
                                       std::chrono::seconds(5));
  }

  // create() that is expected to succeed; null (and a failure) when it does not.
  std::unique_ptr<plugin_host::NotifierInstance> createOk(const std::string& keys = "") {
    auto created = create(keys);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(created.value()) : nullptr;
  }

  // One digest for this instance as the alert manager writes it, every form filled (title,
  // markdown, text, html, json), the first part of one; a test changes what it is about.
  [[nodiscard]] plugin::Notification notification() const {
    plugin::Notification m;
    m.idempotency_key = "d-20240601-" + name_ + "-0001";
    m.receiver = name_;
    m.title = "CHAIN-006 未上编即起薪";
    m.markdown =
        "## <font color=\"warning\">CHAIN-006 未上编即起薪</font>\n> 单位：呼伦贝尔市海拉尔区教育局\n> "
        "人员：150702********123X";
    m.text = "CHAIN-006 未上编即起薪 单位：呼伦贝尔市海拉尔区教育局 人员：150702********123X\n";
    m.html = "<html><body><h2>CHAIN-006 未上编即起薪</h2><p>单位：呼伦贝尔市海拉尔区教育局</p></body></html>";
    m.json = R"({"receiver":")" + name_ +
             R"(","findings":[{"rule":"CHAIN-006","unit":"呼伦贝尔市海拉尔区教育局","person":"150702********123X"}]})";
    m.severity = "major";
    m.alert_ids = {"CHAIN-006|150702"};
    return m;
  }

  // Keys every table of the test has before its own, one per line (the receiver's address, a
  // credential by reference); a test that checks one of them clears it.
  std::string common_keys_;
  ScratchDir scratch_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;

 private:
  std::string plugin_;
  std::string name_;
  std::vector<std::shared_ptr<toml::table>> documents_;
};

}  // namespace staffchain::testing
