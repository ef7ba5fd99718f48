#include "staffchain/plugin_host/trusted_path.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace staffchain::plugin_host {

Result<void> checkTrustedPath(const std::filesystem::path& path, TrustedKind kind, std::string_view purpose,
                              Links links) {
  struct stat st {};
  const int rc = links == Links::follow ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  if (rc != 0) return makeError(fmt::format("{}: cannot inspect: {}", path.string(), std::strerror(errno)));
  const bool directory = kind == TrustedKind::directory;
  if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
    return makeError(fmt::format("{}: refused: not a {}{}", path.string(), directory ? "directory" : "regular file",
                                 S_ISLNK(st.st_mode) ? " (a symbolic link)" : ""));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return makeError(
        fmt::format("{}: refused: writable by {} (mode {:04o}); {} only from paths that only their "
                    "owner can write (chmod go-w)",
                    path.string(), (st.st_mode & S_IWOTH) != 0 ? "others" : "its group", st.st_mode & 07777, purpose));
  }
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return makeError(fmt::format("{}: refused: owned by uid {}, neither root nor this process's uid {}", path.string(),
                                 st.st_uid, geteuid()));
  }
  return {};
}

}  // namespace staffchain::plugin_host
