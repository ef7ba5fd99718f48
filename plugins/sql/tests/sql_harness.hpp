// SqlHarness: loads the real sql plugin library and runs it the way the daemon does.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <toml++/toml.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "scratch_dir.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::testing {

class SqlHarness {
 public:
  SqlHarness() {
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    if (loaded) catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>(
        "sql-test", logging::makeMaskingSink(std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)));
    logger_->set_level(spdlog::level::debug);
  }

  [[nodiscard]] bool loaded() const { return catalog_ != nullptr && catalog_->find("sql") != nullptr; }
  [[nodiscard]] const ScratchDir& scratch() const { return scratch_; }
  [[nodiscard]] std::string log() const { return log_.str(); }

  // Creates a connector from the TOML of its table (without plugin and role).
  Result<std::unique_ptr<plugin_host::SourceInstance>> create(const std::string& body) {
    if (!loaded()) return makeError("the sql plugin is not in " STAFFCHAIN_PLUGIN_BUILD_DIR);
    try {
      documents_.push_back(std::make_shared<toml::table>(
          toml::parse("plugin = \"sql\"\nrole = \"hr\"\n" + body, std::string_view("sql.toml"))));
    } catch (const toml::parse_error& error) {
      return makeError(std::string("test configuration does not parse: ") + std::string(error.description()));
    }
    config::ConnectorSettings settings;
    settings.name = "hr_db";
    settings.plugin = "sql";
    settings.key_path = "connectors.hr_db";
    settings.table = documents_.back().get();
    return plugin_host::createSource(*catalog_, settings, logger_, scratch_.path() / "state", std::chrono::seconds(10));
  }

  // Errors of the plugin's validate() on `body`, as the host's configuration check sees them.
  std::vector<std::string> validate(const std::string& body) {
    std::vector<std::string> errors;
    if (!loaded()) return {"the sql plugin is not loaded"};
    auto table = toml::parse(body, std::string_view("sql.toml"));
    plugin::ConfigReader reader(table, "connectors.hr_db", errors);
    catalog_->find("sql")->descriptor->validate(reader);
    reader.finish();
    return errors;
  }

 private:
  ScratchDir scratch_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::vector<std::shared_ptr<toml::table>> documents_;
};

// Pulls until the source says there is no more, as the daemon does, carrying the cursor along.
struct PullRun {
  std::vector<plugin::SourceBatch> batches;
  std::string cursor;
};

inline Result<PullRun> pullUntilDone(plugin_host::SourceInstance& source, std::string cursor, int limit = 50) {
  PullRun run;
  for (int i = 0; i < limit; ++i) {
    auto batch = plugin_host::pullSource(source, cursor, std::chrono::seconds(30));
    if (!batch) return std::move(batch).error();
    cursor = batch->cursor;
    const bool more = batch->more;
    run.batches.push_back(std::move(batch.value()));
    if (!more) {
      run.cursor = cursor;
      return run;
    }
  }
  return makeError("the source still had more after " + std::to_string(limit) + " pulls");
}

// The values of `field` over every record of a run, in order.
inline std::vector<std::string> fieldValues(const PullRun& run, const std::string& field) {
  std::vector<std::string> out;
  for (const auto& batch : run.batches) {
    for (const auto& record : batch.records) {
      const std::string* value = record.field(field);
      out.push_back(value != nullptr ? *value : "<absent>");
    }
  }
  return out;
}

}  // namespace staffchain::testing
