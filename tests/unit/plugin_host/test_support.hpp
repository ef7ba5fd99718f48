// Shared helpers for the plugin-host tests: the fixture plugins built beside them.
#pragma once

#include <filesystem>
#include <string>

#include "scratch_dir.hpp"

namespace staffchain::testing {

inline std::filesystem::path fixturePlugin(const std::string& name) {
  return std::filesystem::path(STAFFCHAIN_TEST_PLUGIN_DIR) / ("libstaffchain_fixture_" + name + ".so");
}

}  // namespace staffchain::testing
