#include "staffchain/api/static_files.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <iterator>
#include <utility>

namespace staffchain::api {
namespace {

constexpr std::uintmax_t kMaxFileSize = 32U * 1024U * 1024U;

ApiResponse notFound(std::string_view relative) {
  return ApiResponse::error(404, fmt::format("no such console file: {}", relative));
}

// Each segment a plain name: not empty, not "." or "..", not hidden, no backslash or NUL.
bool plainRelativePath(std::string_view relative) {
  std::size_t start = 0;
  while (start <= relative.size()) {
    const auto slash = relative.find('/', start);
    const std::string_view segment =
        relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment.front() == '.' || segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos) {
      return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace

std::string_view staticContentType(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  }};
  for (const auto& [suffix, type] : kTypes) {
    if (file_name.size() > suffix.size() && file_name.substr(file_name.size() - suffix.size()) == suffix) return type;
  }
  return {};
}

ApiResponse staticFile(const std::filesystem::path& root, std::string_view relative) {
  const std::string_view wanted = relative.empty() ? std::string_view("index.html") : relative;
  if (!plainRelativePath(wanted)) return notFound(relative);
  const std::string_view type = staticContentType(wanted);
  if (type.empty()) return notFound(relative);
  std::error_code ec;
  const auto base = std::filesystem::canonical(root, ec);
  if (ec) return ApiResponse::error(404, "the console's files are not installed (see [console] files)");
  const auto path = std::filesystem::canonical(base / std::filesystem::path(wanted), ec);
  if (ec) return notFound(relative);
  // A link inside the folder must not lead out of it.
  const auto [base_end, path_it] = std::mismatch(base.begin(), base.end(), path.begin(), path.end());
  if (base_end != base.end()) return notFound(relative);
  if (!std::filesystem::is_regular_file(path, ec) || ec) return notFound(relative);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxFileSize) return notFound(relative);
  std::ifstream in(path, std::ios::binary);
  std::string body(static_cast<std::size_t>(size), '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(body.size()))) return notFound(relative);
  ApiResponse response{200, std::string(type), std::move(body), {}, {}};
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace staffchain::api
