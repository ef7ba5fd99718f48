#include "staffchain/plugin_host/plugin_catalog.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cerrno>
#include <cstring>

#include "staffchain/plugin/build_info.hpp"
#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/plugin_host/trusted_path.hpp"

namespace staffchain::plugin_host {
namespace {

std::string pluginsAvailable(const std::map<std::string, LoadedPlugin>& plugins, plugin::PluginKind kind) {
  std::string names;
  for (const auto& [name, loaded] : plugins) {
    if (loaded.kind() != kind) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names.empty() ? "none" : names;
}

std::string sinksAvailable(const std::map<std::string, LoadedPlugin>& plugins) {
  std::string names;
  for (const auto& [name, loaded] : plugins) {
    if (!loaded.offersSink()) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names.empty() ? "none" : names;
}

bool isPluginName(const std::string& name) {
  return name.rfind("libstaffchain_", 0) == 0 && name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0;
}

// dlopen's answer for a file that is not a library at all ("invalid ELF header", "file too
// short") reads like a broken build; this says what the file is. The ELF type must be ET_DYN:
// a shared object (or a position-independent executable, which dlopen then refuses itself).
Result<void> checkSharedObject(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return makeError(fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  unsigned char header[18] = {};
  std::size_t got = 0;
  while (got < sizeof header) {
    const ssize_t n = ::read(fd, header + got, sizeof header - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got < sizeof header || std::memcmp(header,
                                         "\x7f"
                                         "ELF",
                                         4) != 0) {
    return makeError(
        fmt::format("{}: refused: not a shared object (ELF header missing); only plugin libraries "
                    "belong in the plugin folder",
                    file.string()));
  }
  constexpr unsigned char kLittleEndian = 1;
  constexpr unsigned kSharedObject = 3;  // ET_DYN
  const unsigned first = header[16];
  const unsigned second = header[17];
  const unsigned type = header[5] == kLittleEndian ? first | (second << 8U) : (first << 8U) | second;
  if (type != kSharedObject) {
    return makeError(
        fmt::format("{}: refused: not a shared object (an ELF file of type {}, not ET_DYN: an object "
                    "file or an executable?)",
                    file.string(), type));
  }
  return {};
}

}  // namespace

std::filesystem::path defaultPluginDirectory() {
  std::error_code ec;
  const auto beside = boost::dll::program_location(ec).parent_path() / "plugins";
  if (!ec && std::filesystem::is_directory(beside, ec)) return beside;
  return STAFFCHAIN_DEFAULT_PLUGIN_DIR;
}

Result<PluginCatalog> PluginCatalog::loadDirectory(const std::filesystem::path& directory) {
  if (auto trusted = checkTrustedPath(directory, TrustedKind::directory, "plugins load"); !trusted) {
    return std::move(trusted).error();
  }
  PluginCatalog catalog;
  catalog.directory_ = directory;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> other_libraries;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const auto name = entry.path().filename().string();
    std::error_code type_ec;
    if (isPluginName(name)) {
      files.push_back(entry.path());
    } else if (entry.path().extension() == ".so" && entry.is_regular_file(type_ec)) {
      other_libraries.push_back(entry.path());
    } else {
      catalog.skipped_.push_back(entry.path());
    }
  }
  if (ec) return makeError(fmt::format("{}: cannot list plugins: {}", directory.string(), ec.message()));
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (auto loaded = catalog.loadLibrary(file); !loaded) {
      catalog.refusals_.push_back({file, loaded.error().message});
    }
  }
  // x.so without the plugin prefix: a library beside the plugins is left alone, but a file that
  // only looks like one was meant as something and is refused, saying what it is.
  for (const auto& file : other_libraries) {
    if (auto library = checkSharedObject(file); !library) {
      catalog.refusals_.push_back({file, library.error().message});
    } else {
      catalog.skipped_.push_back(file);
    }
  }
  std::sort(catalog.refusals_.begin(), catalog.refusals_.end(),
            [](const PluginRefusal& a, const PluginRefusal& b) { return a.path < b.path; });
  std::sort(catalog.skipped_.begin(), catalog.skipped_.end());
  return catalog;
}

std::string PluginCatalog::skippedNote() const {
  if (skipped_.empty()) return "";
  std::string names;
  for (const auto& path : skipped_) {
    if (!names.empty()) names += ", ";
    names += path.filename().string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) names += "/";
  }
  return fmt::format("plugin folder {}: skipped {} (not plugins: only libstaffchain_*.so files are loaded)",
                     directory_.string(), names);
}

Result<void> PluginCatalog::loadLibrary(const std::filesystem::path& file) {
  if (auto trusted = checkTrustedPath(file, TrustedKind::file, "plugins load"); !trusted) {
    return std::move(trusted).error();
  }
  if (auto shared_object = checkSharedObject(file); !shared_object) return std::move(shared_object).error();
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) return makeError(fmt::format("{}: cannot load: {}", file.string(), ec.message()));
  if (!library->has("staffchain_plugin")) {
    return makeError(fmt::format(
        "{}: refused: exports no staffchain_plugin symbol (is it built with STAFFCHAIN_PLUGIN?)", file.string()));
  }
  auto describe = library->get_alias<plugin::DescribeFn>("staffchain_plugin");
  const auto described = guardCall("the plugin's descriptor function",
                                   [&]() -> Result<const plugin::PluginDescriptor*> { return describe(); });
  if (!described) return makeError(fmt::format("{}: refused: {}", file.string(), described.error().message));
  const plugin::PluginDescriptor* descriptor = described.value();
  if (descriptor == nullptr)
    return makeError(fmt::format("{}: refused: its descriptor function returned null", file.string()));
  // Only the first two members are read before the ABI is known to match.
  if (descriptor->abi_version != plugin::kSdkAbiVersion) {
    return makeError(fmt::format("{}: refused: plugin SDK ABI version {}, host ABI version {}", file.string(),
                                 descriptor->abi_version, plugin::kSdkAbiVersion));
  }
  const char* tag = descriptor->build_tag != nullptr ? descriptor->build_tag : "";
  if (std::strcmp(tag, plugin::kBuildTag) != 0) {
    return makeError(fmt::format("{}: refused: plugin built as \"{}\", host built as \"{}\"", file.string(), tag,
                                 plugin::kBuildTag));
  }
  if (descriptor->name == nullptr || *descriptor->name == '\0') {
    return makeError(fmt::format("{}: refused: its descriptor has no name", file.string()));
  }
  const bool factory_ok = (descriptor->kind == plugin::PluginKind::source && descriptor->create_source != nullptr) ||
                          (descriptor->kind == plugin::PluginKind::notifier && descriptor->create_notifier != nullptr);
  if (!factory_ok || descriptor->validate == nullptr) {
    return makeError(fmt::format("{}: refused: plugin \"{}\" of kind {} lacks its validate or create function",
                                 file.string(), descriptor->name, plugin::pluginKindName(descriptor->kind)));
  }
  if ((descriptor->validate_sink == nullptr) != (descriptor->create_sink == nullptr)) {
    return makeError(
        fmt::format("{}: refused: plugin \"{}\" offers a sink but lacks its validate_sink or create_sink "
                    "function",
                    file.string(), descriptor->name));
  }
  const std::string name = descriptor->name;
  if (auto existing = plugins_.find(name); existing != plugins_.end()) {
    return makeError(fmt::format("{}: refused: plugin \"{}\" is already loaded from {}", file.string(), name,
                                 existing->second.path.string()));
  }
  plugins_.emplace(name, LoadedPlugin{file, std::move(library), descriptor});
  return {};
}

const LoadedPlugin* PluginCatalog::find(const std::string& name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : &it->second;
}

bool PluginCatalog::validate(const std::string& plugin_name, plugin::PluginKind kind, plugin::ConfigReader& reader) {
  const LoadedPlugin* loaded = find(plugin_name);
  if (loaded == nullptr || loaded->kind() != kind) {
    std::string reason = fmt::format("no {} plugin \"{}\" in {} (available: {})", plugin::pluginKindName(kind),
                                     plugin_name, directory_.string(), pluginsAvailable(plugins_, kind));
    for (const auto& refusal : refusals_) {
      if (refusal.path.filename().string().find(plugin_name) != std::string::npos) {
        reason += "; " + refusal.reason;
      }
    }
    reader.fail("plugin", reason);
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());  // its keys are unknowable
    return false;
  }
  auto validated =
      guardCall(fmt::format("plugin \"{}\" validating {}", plugin_name, reader.path()), [&]() -> Result<bool> {
        loaded->descriptor->validate(reader);
        return true;
      });
  if (!validated) {
    reader.fail("plugin", validated.error().message);
    return false;
  }
  return true;
}

bool PluginCatalog::validateSink(const std::string& plugin_name, plugin::ConfigReader& reader) {
  const LoadedPlugin* loaded = find(plugin_name);
  if (loaded == nullptr || !loaded->offersSink()) {
    reader.fail("plugin", fmt::format("no plugin \"{}\" offering a sink in {} (available: {})", plugin_name,
                                      directory_.string(), sinksAvailable(plugins_)));
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
    return false;
  }
  auto validated =
      guardCall(fmt::format("plugin \"{}\" validating {}", plugin_name, reader.path()), [&]() -> Result<bool> {
        loaded->descriptor->validate_sink(reader);
        return true;
      });
  if (!validated) {
    reader.fail("plugin", validated.error().message);
    return false;
  }
  return true;
}

config::LoadOutcome loadConfigWithPlugins(const std::filesystem::path& path, std::optional<PluginCatalog>& catalog) {
  auto bootstrap = config::loadConfig(path, nullptr);
  if (bootstrap.errors.size() == 1 && bootstrap.errors.front().find(": cannot read") != std::string::npos) {
    return bootstrap;
  }
  const auto directory = bootstrap.plugin_dir.value_or(defaultPluginDirectory());
  auto loaded = PluginCatalog::loadDirectory(directory);
  if (!loaded) {
    bootstrap.config.reset();
    bootstrap.errors.insert(bootstrap.errors.begin(), loaded.error().message);
    return bootstrap;
  }
  catalog.emplace(std::move(loaded.value()));
  return config::loadConfig(path, &*catalog);
}

}  // namespace staffchain::plugin_host
