// SinkFixture: a sink connector loaded from its built plugin library and configured from a
// [sinks.*] table exactly as the daemon does it, plus the shared WireMock the HTTP sinks post to.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "peer_wiremock.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::testing {

// A notice with every column of kNoticeColumns present (empty unless given), as the planner emits it.
plugin::Notice makeNotice(const std::string& id, const std::string& sink,
                          std::initializer_list<std::pair<std::string_view, std::string>> fields);

// The value of a header WireMock recorded on a request, matched case-insensitively as HTTP does.
std::string headerOf(const nlohmann::json& request, const std::string& name);

// One WireMock for a whole test suite: start() from SetUpTestSuite, stop() from TearDownTestSuite,
// and resetForTest() from SetUp so each test sees only its own stubs and requests.
class SuiteWireMock {
 public:
  static void start();
  static void stop();
  static void resetForTest();
  static WireMockPeer& peer() { return *peer_; }

 private:
  static WireMockPeer* peer_;
};

class SinkFixture : public ::testing::Test {
 protected:
  // `state_folder` is the plugin's state directory, relative to dir_ (empty: dir_ itself).
  SinkFixture(std::string plugin, std::string role, std::string sink, std::filesystem::path state_folder = {});

  void SetUp() override;

  // What the host does with a [sinks.*] table: accept its own keys, let the plugin check the rest.
  std::vector<std::string> validate(const std::string& text);
  // Creates the sink from `text` (after the host's plugin/role keys); expects no configuration error.
  plugin::SinkConnector* create(const std::string& text);
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice) { return sink_->deliver(notice, cancel_); }
  // deliver() that is expected to succeed.
  plugin::SinkReceipt delivered(const plugin::Notice& notice);
  // The [sinks.*] table: the host's plugin/role keys, then `text`, named as if read from file_.
  [[nodiscard]] toml::table parse(const std::string& text) const;

  ScratchDir dir_;
  std::string file_ = (dir_.path() / "staffchain.toml").string();
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  const plugin_host::LoadedPlugin* plugin_ = nullptr;
  std::unique_ptr<plugin_host::InstanceContext> context_;
  toml::table table_;
  plugin::CancelToken cancel_;
  std::unique_ptr<plugin::SinkConnector> sink_;  // after catalog_: goes before the library it came from

 private:
  std::string plugin_name_;
  std::string role_;
  std::string sink_name_;
  std::filesystem::path state_folder_;
};

}  // namespace staffchain::testing
