// URL and pagination helpers of the rest source: query strings, RFC 8288 `Link` headers, and
// when a page-numbered listing has pages left.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace staffchain::rest {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// `url` with `params` appended to its query string (after '?' or '&' as the URL needs).
std::string withQuery(std::string url, const QueryParams& params);

// The target of the link with relation `rel` ("next") in a `Link` header value, such as
// `<https://h/x?page=2>; rel="next", <https://h/x?page=9>; rel="last"`; nullopt when absent.
std::optional<std::string> linkTarget(std::string_view header, std::string_view rel);

// "scheme://host[:port]" of an absolute URL, empty when `url` is not absolute.
std::string originOf(std::string_view url);

// A link as a server gave it, made absolute against the URL of the page it came with.
std::string resolveUrl(std::string_view page_url, std::string_view link);

// The path and query of a URL, for messages and record origins ("/api/movements?page=3").
std::string pathAndQueryOf(std::string_view url);

// Whether a page-numbered listing has a page after `page` (1-based count of pages read from
// `first_page`): with a total, whether the pages so far hold fewer records than it; without
// one, whether this page was full (a short or empty page is the last).
bool pageHasMore(std::int64_t pages_read, std::int64_t limit, std::size_t records_on_page,
                 std::optional<std::int64_t> total);

}  // namespace staffchain::rest
