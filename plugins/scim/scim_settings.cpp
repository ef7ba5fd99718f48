#include "scim_settings.hpp"

#include <fmt/format.h>

#include "staffchain/plugin/canonical_columns.hpp"

namespace staffchain::scim {
namespace {

using plugin::ConfigReader;

void readAuth(ConfigReader& config, ScimSettings& s) {
  const toml::table* table = config.subtable("auth");
  if (table == nullptr) return;
  ConfigReader auth = config.child(*table, "auth");
  const auto kind = auth.choice("type", {"none", "bearer", "basic"});
  if (!kind && !auth.has("type")) auth.missing("type");
  if (kind == "bearer") {
    s.auth = AuthKind::bearer;
    if (auto token = auth.secret("token"))
      s.token_ref = *token;
    else if (!auth.has("token"))
      auth.missing("token");
  } else if (kind == "basic") {
    s.auth = AuthKind::basic;
    if (auto user = auth.requiredString("user")) s.user = *user;
    if (auto password = auth.secret("password"))
      s.password_ref = *password;
    else if (!auth.has("password"))
      auth.missing("password");
  }
  auth.finish();
}

void readRecords(ConfigReader& config, ScimSettings& s) {
  const toml::table* table = config.subtable("records");
  if (table == nullptr) {
    if (!config.has("records")) config.missing("records");
    return;
  }
  ConfigReader records = config.child(*table, "records");
  for (const auto& [key, node] : *table) {
    const std::string stem(key.str());
    const auto type = plugin::recordTypeFromFile(stem);
    if (!type) {
      records.fail(stem, fmt::format("not a canonical file ({})", plugin::kCanonicalFileList));
      records.accept(stem);
      continue;
    }
    const toml::table* entry = records.subtable(stem);
    if (entry == nullptr) continue;
    ConfigReader record = records.child(*entry, stem);
    const toml::table* mapping_table = record.subtable("mapping");
    std::optional<ConfigReader> mapping_reader;
    RecordMapping out{plugin::FieldMapping(*type), {}};
    if (mapping_table != nullptr) {
      mapping_reader.emplace(record.child(*mapping_table, "mapping"));
      out.mapping = plugin::FieldMapping::read(*mapping_reader, *type);
      mapping_reader->finish();
    }
    record.finish();
    // Every source field the mapping reads is a path; check each once, here, not per user.
    for (auto column : plugin::canonicalColumns(*type)) {
      const std::string source = out.mapping.sourceField(column);
      auto path = ScimPath::parse(source);
      if (!path) {
        const std::string where = fmt::format("mapping.fields.{}", column);
        if (mapping_reader) {
          if (const toml::table* fields = mapping_table->get_as<toml::table>("fields");
              fields && fields->contains(column)) {
            mapping_reader->fail(*fields->get(column), fmt::format("fields.{}", column), path.error().message);
            continue;
          }
        }
        record.fail(where, path.error().message);
        continue;
      }
      out.paths.emplace_back(source, std::move(path.value()));
    }
    s.records.push_back(std::move(out));
  }
  if (table->empty()) config.fail("records", "names no record type: add e.g. [records.roster.mapping]");
  records.finish();
}

}  // namespace

std::optional<ScimSettings> ScimSettings::read(ConfigReader& config) {
  const std::size_t errors_before = config.errors().size();
  ScimSettings s;
  if (auto url = config.requiredString("base_url")) {
    std::string trimmed = *url;
    while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
    if (trimmed.rfind("http://", 0) != 0 && trimmed.rfind("https://", 0) != 0) {
      config.fail("base_url", fmt::format("\"{}\" is not an http:// or https:// URL", *url));
    } else if (trimmed.find('?') != std::string::npos) {
      config.fail("base_url", "must not carry a query string");
    }
    s.base_url = trimmed;
  }
  if (auto resource = config.string("resource")) {
    if (resource->empty() || resource->find_first_of("/?#") != std::string::npos) {
      config.fail("resource", "expected a resource type's endpoint name such as \"Users\"");
    }
    s.resource = *resource;
  }
  readAuth(config, s);
  s.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::connector, std::chrono::seconds(30),
                                              std::chrono::seconds(10));
  s.retry = plugin::RetryPolicy::read(config);
  s.page_size = config.integer("page_size", 1, 10'000, s.page_size);
  s.filter = config.string("filter", "");
  s.incremental = config.boolean("incremental", s.incremental);
  s.full_snapshot = config.boolean("full_snapshot", s.full_snapshot);
  if (s.incremental && s.full_snapshot) {
    config.fail("full_snapshot", "a full snapshot needs a full pull each pass: set incremental = false with it");
  }
  readRecords(config, s);
  if (config.errors().size() != errors_before) return std::nullopt;
  return s;
}

}  // namespace staffchain::scim
