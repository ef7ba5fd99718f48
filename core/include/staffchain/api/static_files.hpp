// The console's files, served read-only from one folder: only regular files of known types, never
// a path that climbs out of the folder, names a hidden file or goes through a link out of it.
#pragma once

#include <filesystem>
#include <string_view>

#include "staffchain/api/api_server.hpp"

namespace staffchain::api {

// The Content-Security-Policy of the console's pages: everything from the daemon itself, nothing inline
// but styles (the chart library sets element styles), no frames.
inline constexpr const char* kConsoleContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The file at `relative` (a decoded URL path below the console's prefix; empty means index.html)
// under `root`: 200 with its type, or 404 naming the path. Files larger than 32 MiB are refused.
ApiResponse staticFile(const std::filesystem::path& root, std::string_view relative);

// The MIME type the console serves a file name with; empty for a type it does not serve.
std::string_view staticContentType(std::string_view file_name);

}  // namespace staffchain::api
