#include "pagination.hpp"

#include <cctype>

#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::rest {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  return text;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string withQuery(std::string url, const QueryParams& params) {
  if (params.empty()) return url;
  const auto hash = url.find('#');
  std::string fragment;
  if (hash != std::string::npos) {
    fragment = url.substr(hash);
    url.resize(hash);
  }
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (!url.empty() && (url.back() == '?' || url.back() == '&')) separator = '\0';
  for (const auto& [name, value] : params) {
    if (separator != '\0') url += separator;
    url += plugin::percentEncode(name);
    url += '=';
    url += plugin::percentEncode(value);
    separator = '&';
  }
  return url + fragment;
}

std::optional<std::string> linkTarget(std::string_view header, std::string_view rel) {
  // Links are "<target>; param=value; ..." separated by commas; a target may itself hold
  // commas, so walk from '<' to '>' rather than splitting.
  std::size_t pos = 0;
  while (pos < header.size()) {
    const auto open = header.find('<', pos);
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = header.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view target = header.substr(open + 1, close - open - 1);
    auto end = header.find('<', close);
    if (end == std::string_view::npos) end = header.size();
    std::string_view params = header.substr(close + 1, end - close - 1);
    pos = end;
    while (!params.empty()) {
      const auto semicolon = params.find(';');
      std::string_view param = trimmed(params.substr(0, semicolon));
      params = semicolon == std::string_view::npos ? std::string_view() : params.substr(semicolon + 1);
      while (!param.empty() && param.back() == ',') param = trimmed(param.substr(0, param.size() - 1));
      const auto equals = param.find('=');
      if (equals == std::string_view::npos || !equalsIgnoringCase(trimmed(param.substr(0, equals)), "rel")) continue;
      std::string_view values = trimmed(param.substr(equals + 1));
      if (values.size() >= 2 && values.front() == '"' && values.back() == '"')
        values = values.substr(1, values.size() - 2);
      // rel may list several relations: rel="next last".
      while (!values.empty()) {
        const auto space = values.find(' ');
        if (equalsIgnoringCase(values.substr(0, space), rel)) return std::string(target);
        values = space == std::string_view::npos ? std::string_view() : trimmed(values.substr(space + 1));
      }
    }
  }
  return std::nullopt;
}

std::string originOf(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

std::string resolveUrl(std::string_view page_url, std::string_view link) {
  if (link.find("://") != std::string_view::npos) return std::string(link);
  const std::string origin = originOf(page_url);
  if (link.substr(0, 2) == "//") return std::string(page_url.substr(0, page_url.find("://") + 1)) + std::string(link);
  if (!link.empty() && link.front() == '/') return origin + std::string(link);
  std::string_view base = page_url.substr(0, page_url.find_first_of("?#"));
  if (!link.empty() && link.front() == '?') return std::string(base) + std::string(link);
  const auto slash = base.rfind('/');
  if (slash == std::string_view::npos || slash < origin.size()) return origin + "/" + std::string(link);
  return std::string(base.substr(0, slash + 1)) + std::string(link);
}

std::string pathAndQueryOf(std::string_view url) {
  const std::string origin = originOf(url);
  std::string_view rest = url.substr(origin.size());
  rest = rest.substr(0, rest.find('#'));
  return rest.empty() ? std::string("/") : std::string(rest);
}

bool pageHasMore(std::int64_t pages_read, std::int64_t limit, std::size_t records_on_page,
                 std::optional<std::int64_t> total) {
  if (records_on_page == 0) return false;
  if (total) return pages_read * limit < *total;
  return static_cast<std::int64_t>(records_on_page) >= limit;
}

}  // namespace staffchain::rest
