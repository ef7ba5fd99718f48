// Every shipped configuration (the demo's and each plugin's example) passes check-config with
// the plugins built in this tree: an example that drifts from its plugin fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> shippedConfigurations() {
  std::vector<fs::path> files = {fs::path(STAFFCHAIN_SOURCE_DIR) / "config" / "staffchain.toml"};
  for (const auto& entry : fs::directory_iterator(fs::path(STAFFCHAIN_SOURCE_DIR) / "config" / "examples")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ShippedConfiguration, EveryExampleIsValid) {
  ScratchDir dir;
  const auto files = shippedConfigurations();
  ASSERT_GE(files.size(), 9U);  // the demo, and one example per plugin but file
  for (const auto& file : files) {
    auto [code, out] = runToEnd({binary("staffchainctl").string(), "check-config", file.string()},
                                dir.path() / (file.stem().string() + ".log"));
    EXPECT_EQ(code, 0) << file << "\n" << out;
  }
}

}  // namespace
}  // namespace staffchain::testing
