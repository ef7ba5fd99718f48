// Every shipped configuration (the demo's and each plugin's example) passes check-config with
// the plugins built in this tree: an example that drifts from its plugin fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

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

// The example with its secrets in place: each "@file:/etc/staffchain/secrets/NAME" pointed at a
// file of a scratch folder (owner-only, as the daemon wants it), each "${VAR}" given in `env`.
std::string withSecrets(std::string text, const ScratchDir& dir, std::map<std::string, std::string>& env) {
  const std::string prefix = "@file:/etc/staffchain/secrets/";
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    const auto end = text.find('"', at);
    const std::string name = text.substr(at + prefix.size(), end - at - prefix.size());
    const auto secret = dir.write("secrets/" + name, "example-secret-value-" + name);
    fs::permissions(secret, fs::perms(0600));
    const std::string replacement = "@file:" + secret.string();
    text.replace(at, end - at, replacement);
    at += replacement.size();
  }
  for (auto at = text.find("\"${"); at != std::string::npos; at = text.find("\"${", at + 1)) {
    const auto end = text.find("}\"", at);
    env[text.substr(at + 3, end - at - 3)] = "example-secret-value-0123456789";
  }
  return text;
}

TEST(ShippedConfiguration, EveryExampleIsValid) {
  ScratchDir dir;
  const auto files = shippedConfigurations();
  ASSERT_GE(files.size(), 10U);  // the demo, and one example per plugin
  for (const auto& file : files) {
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::map<std::string, std::string> env;
    const std::string rewritten = withSecrets(text, dir, env);
    const auto copy = dir.write("config/" + file.filename().string(), rewritten);
    auto [code, out] = runToEnd({binary("staffchainctl").string(), "check-config", copy.string()},
                                dir.path() / (file.stem().string() + ".log"), env);
    EXPECT_EQ(code, 0) << file << "\n" << out;
    bool references_secrets = false;  // outside comments
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const auto start = line.find_first_not_of(' ');
      if (start == std::string::npos || line[start] == '#') continue;
      const std::string code_part = line.substr(0, line.find(" #"));
      if (code_part.find("@file:") != std::string::npos || code_part.find("\"${") != std::string::npos) {
        references_secrets = true;
      }
    }
    if (!references_secrets) continue;
    // Without its secrets it is not valid: the daemon could not start with it.
    auto [bare_code, bare_out] = runToEnd({binary("staffchainctl").string(), "check-config", file.string()},
                                          dir.path() / (file.stem().string() + ".bare.log"));
    EXPECT_EQ(bare_code, 1) << file << "\n" << bare_out;
    EXPECT_THAT(bare_out, ::testing::HasSubstr("secret ")) << file;
  }
}

}  // namespace
}  // namespace staffchain::testing
