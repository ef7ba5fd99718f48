// Fuzzes the TOML configuration loader through its real entry point, config::loadConfig on a
// file: the input is written to a scratch directory's staffchain.toml (with no conf.d/ beside
// it), and read once with the host's keys only and once with the rest and scim plugins'
// settings readers checking their connectors. A configuration comes back exactly when there is no error, and every
// error names the file it is about, as the daemon's operators rely on.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "rest_settings.hpp"
#include "scim_settings.hpp"
#include "staffchain/config/config.hpp"

namespace {

[[noreturn]] void violated(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant violated: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void require(bool condition, const char* what, std::string_view detail = {}) {
  if (!condition) violated(what, detail);
}

// Stands in for the plugin host: a rest or scim connector's own keys are read by that plugin's
// settings reader (its field mappings, date formats and attribute paths included), the other
// shipped plugins' keys are taken as they are, and any other name is refused as the host
// refuses it (its keys accepted, since they cannot be known).
class ShippedPlugins final : public staffchain::config::PluginValidator {
 public:
  bool validate(const std::string& plugin, staffchain::plugin::PluginKind kind,
                staffchain::plugin::ConfigReader& reader) override {
    if (kind == staffchain::plugin::PluginKind::source && plugin == "rest") {
      (void)staffchain::rest::readRestSettings(reader);
      return true;
    }
    if (kind == staffchain::plugin::PluginKind::source && plugin == "scim") {
      (void)staffchain::scim::ScimSettings::read(reader);
      return true;
    }
    return acceptAll(plugin, reader);
  }
  bool validateSink(const std::string& plugin, staffchain::plugin::ConfigReader& reader) override {
    return acceptAll(plugin, reader);
  }

 private:
  static bool acceptAll(const std::string& plugin, staffchain::plugin::ConfigReader& reader) {
    bool known = false;
    for (const std::string_view name : {"csv", "rest", "scim", "sql", "file", "webhook", "wecom", "dingtalk", "smtp"}) {
      known = known || plugin == name;
    }
    if (!known) reader.fail("plugin", "no plugin \"" + plugin + "\" is available");
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
    return known;
  }
};

// One scratch directory per fuzzing process, removed when it exits.
struct ScratchFile {
  std::filesystem::path dir;
  std::filesystem::path file;

  ScratchFile() {
    // The file is rewritten thousands of times a second: on a disk file system that costs more
    // than the parsing (ext4 flushes a truncated-and-rewritten file on close), so prefer the
    // shared-memory tmpfs when the system has one.
    std::error_code ec;
    const std::filesystem::path shm = "/dev/shm";
    const auto base = std::filesystem::is_directory(shm, ec) && ::access(shm.c_str(), W_OK) == 0
                          ? shm
                          : std::filesystem::temp_directory_path();
    std::string pattern = (base / "staffchain-fuzz-config-XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr, "harness: cannot create a scratch directory", pattern);
    dir = pattern;
    file = dir / "staffchain.toml";
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFile scratch;
  {
    std::ofstream out(scratch.file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    require(out.good(), "harness: cannot write the scratch file", scratch.file.string());
  }
  for (const bool with_plugins : {false, true}) {
    ShippedPlugins plugins;
    const auto outcome = staffchain::config::loadConfig(scratch.file, with_plugins ? &plugins : nullptr);
    require(outcome.config.has_value() == outcome.errors.empty(), "config: a configuration exactly when no error");
    const std::string file = scratch.file.string();
    for (const auto& error : outcome.errors) {
      require(error.starts_with(file + ":"), "config: an error does not name the file", error);
    }
    if (outcome.config) {
      require(outcome.config->source == scratch.file, "config: the source is not the file read");
      for (const auto& [name, connector] : outcome.config->connectors) {
        require(!connector.plugin.empty() && connector.table != nullptr, "config: a connector without plugin or table",
                name);
        require(connector.max_staleness >= connector.interval, "config: max_staleness below interval", name);
      }
    }
  }
  return 0;
}
