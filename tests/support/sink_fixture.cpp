#include "sink_fixture.hpp"

#include <gmock/gmock.h>
#include <spdlog/sinks/ostream_sink.h>
#include <strings.h>

namespace staffchain::testing {

plugin::Notice makeNotice(const std::string& id, const std::string& sink,
                          std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  plugin::Notice notice;
  notice.id = id;
  notice.sink = sink;
  for (auto column : plugin::kNoticeColumns) notice.fields.emplace_back(std::string(column), "");
  auto set = [&](std::string_view column, const std::string& value) {
    for (auto& [key, field] : notice.fields) {
      if (key == column) field = value;
    }
  };
  set("notice_id", id);
  for (const auto& [column, value] : fields) set(column, value);
  return notice;
}

std::string headerOf(const nlohmann::json& request, const std::string& name) {
  for (const auto& [key, value] : request["headers"].items()) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value.is_string() ? value.get<std::string>() : value.dump();
  }
  return {};
}

WireMockPeer* SuiteWireMock::peer_ = nullptr;

void SuiteWireMock::start() {
  auto peer = WireMockPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  peer_ = std::move(peer.value()).release();
}

void SuiteWireMock::stop() {
  delete peer_;
  peer_ = nullptr;
}

void SuiteWireMock::resetForTest() {
  ASSERT_NE(peer_, nullptr) << "WireMock did not start for this suite";
  auto reset = peer_->reset();
  ASSERT_TRUE(reset) << reset.error().message;
}

SinkFixture::SinkFixture(std::string plugin, std::string role, std::string sink, std::filesystem::path state_folder)
    : plugin_name_(std::move(plugin)),
      role_(std::move(role)),
      sink_name_(std::move(sink)),
      state_folder_(std::move(state_folder)) {}

void SinkFixture::SetUp() {
  auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
  plugin_ = catalog_->find(plugin_name_);
  ASSERT_NE(plugin_, nullptr) << "no plugin named " << plugin_name_ << " was built";
  ASSERT_NE(plugin_->descriptor->validate_sink, nullptr);
  ASSERT_NE(plugin_->descriptor->create_sink, nullptr);
  logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
  const std::filesystem::path state = dir_.path() / state_folder_;
  std::filesystem::create_directories(state);
  context_ = std::make_unique<plugin_host::InstanceContext>(logger_, "sinks." + sink_name_, state);
}

toml::table SinkFixture::parse(const std::string& text) const {
  return toml::parse("plugin = \"" + plugin_name_ + "\"\nrole = \"" + role_ + "\"\n" + text, std::string_view(file_));
}

std::vector<std::string> SinkFixture::validate(const std::string& text) {
  const toml::table table = parse(text);
  std::vector<std::string> errors;
  plugin::ConfigReader reader(table, "sinks." + sink_name_, errors);
  reader.accept("plugin");
  reader.accept("role");
  plugin_->descriptor->validate_sink(reader);
  reader.finish();
  return errors;
}

plugin::SinkConnector* SinkFixture::create(const std::string& text) {
  table_ = parse(text);
  std::vector<std::string> errors;
  plugin::ConfigReader reader(table_, "sinks." + sink_name_, errors);
  reader.accept("plugin");
  reader.accept("role");
  sink_ = plugin_->descriptor->create_sink(reader, plugin::CreateArgs{sink_name_, *context_});
  reader.finish();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  return sink_.get();
}

plugin::SinkReceipt SinkFixture::delivered(const plugin::Notice& notice) {
  auto receipt = deliver(notice);
  EXPECT_TRUE(receipt.ok()) << receipt.error().message;
  return receipt.ok() ? receipt.value() : plugin::SinkReceipt{};
}

}  // namespace staffchain::testing
