// Ownership and mode checks for what the daemon trusts: its configuration files, its secret
// files and its plugins. A path that someone else could write would hand them the daemon.
#pragma once

#include <filesystem>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin_host {

enum class TrustedKind { file, directory };
enum class Links { refuse, follow };

// Refuses `path` unless it is a regular file (or a directory, as `kind` says), writable by no
// one but its owner, and owned by root or this process's user. `purpose` ends the refusal's
// advice: "<purpose> only from paths that only their owner can write (chmod go-w)". With
// Links::refuse a symbolic link is itself refused (plugins); with Links::follow its target is
// checked (configuration files an operator may link into place).
Result<void> checkTrustedPath(const std::filesystem::path& path, TrustedKind kind, std::string_view purpose,
                              Links links = Links::refuse);

}  // namespace staffchain::plugin_host
