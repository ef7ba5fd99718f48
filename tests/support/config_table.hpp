// readTable: one table of the configuration file, read by an area's own reader as the
// configuration loader hands it over (errors located in /etc/staffchain/staffchain.toml).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::testing {

template <typename Settings>
struct TableRead {
  Settings settings;
  std::vector<std::string> errors;
};

// `read(reader, settings)` is the area's reader; `key` the table's name ("route", "api").
template <typename Settings, typename ReadFn>
TableRead<Settings> readTable(const std::string& text, std::string_view key, ReadFn read) {
  const toml::table table = toml::parse(text, std::string_view("/etc/staffchain/staffchain.toml"));
  TableRead<Settings> out;
  plugin::ConfigReader reader(table, std::string(key), out.errors);
  read(reader, out.settings);
  return out;
}

}  // namespace staffchain::testing
