// PluginCatalog: the plugin libraries loaded from one trusted directory, and the refusals.
#pragma once

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/config/config.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin_host {

// A loaded library and its descriptor. Objects the plugin creates keep `library` alive.
struct LoadedPlugin {
  std::filesystem::path path;
  std::shared_ptr<boost::dll::shared_library> library;
  const plugin::PluginDescriptor* descriptor = nullptr;

  [[nodiscard]] std::string name() const { return descriptor->name; }
  [[nodiscard]] plugin::PluginKind kind() const { return descriptor->kind; }
  [[nodiscard]] bool offersSink() const { return descriptor->create_sink != nullptr; }
};

struct PluginRefusal {
  std::filesystem::path path;
  std::string reason;
};

// The directory the daemon loads plugins from when the configuration names none: plugins/
// beside the executable when it exists (a build tree), else the installed location.
std::filesystem::path defaultPluginDirectory();

class PluginCatalog final : public config::PluginValidator {
 public:
  // Loads every libstaffchain_*.so in `directory` (a directory writable by others is refused
  // whole). A library that fails to load is listed in refusals(); the others load. A *.so file
  // that is not an ELF shared object (a text file, a copy cut short) is refused whatever its
  // name; anything else not named libstaffchain_*.so (README.txt, a .so.bak, a folder) is
  // listed in skipped().
  static Result<PluginCatalog> loadDirectory(const std::filesystem::path& directory);
  // Loads one library file (also used by tests for libraries outside the directory).
  Result<void> loadLibrary(const std::filesystem::path& file);

  [[nodiscard]] const LoadedPlugin* find(const std::string& name) const;
  [[nodiscard]] const std::map<std::string, LoadedPlugin>& plugins() const noexcept { return plugins_; }
  [[nodiscard]] const std::vector<PluginRefusal>& refusals() const noexcept { return refusals_; }
  [[nodiscard]] const std::vector<std::filesystem::path>& skipped() const noexcept { return skipped_; }
  // One line for the log naming the skipped files and why, or "" when none was skipped.
  [[nodiscard]] std::string skippedNote() const;
  [[nodiscard]] const std::filesystem::path& directory() const noexcept { return directory_; }

  bool validate(const std::string& plugin, plugin::PluginKind kind, plugin::ConfigReader& reader) override;
  bool validateSink(const std::string& plugin, plugin::ConfigReader& reader) override;

 private:
  std::filesystem::path directory_;
  std::map<std::string, LoadedPlugin> plugins_;
  std::vector<PluginRefusal> refusals_;
  std::vector<std::filesystem::path> skipped_;
};

// Loads a configuration the way the daemon does: [daemon] plugin_dir first, then the plugins
// from there (or the default directory), then the whole file with each plugin checking its
// own tables, so that every error is listed in one go. `catalog` receives the plugins when
// their directory could be loaded; its error, if any, is the outcome's first error.
config::LoadOutcome loadConfigWithPlugins(const std::filesystem::path& path, std::optional<PluginCatalog>& catalog);

}  // namespace staffchain::plugin_host
