// ListResponse: one page of a SCIM query (RFC 7644 §3.4.2), checked before any of it is used.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::scim {

inline constexpr std::string_view kListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

struct ListResponse {
  std::int64_t total_results = 0;
  std::int64_t start_index = 1;     // as the server says, else as asked
  std::int64_t items_per_page = 0;  // as the server says, else the resources it sent
  nlohmann::json resources = nlohmann::json::array();

  // Parses `body`, the answer to a query asked with `requested_start`. A body that is not a
  // ListResponse (not JSON, schemas without the ListResponse URN, totalResults missing, no
  // Resources array while totalResults is not zero) is an error naming what is wrong.
  static Result<ListResponse> parse(std::string_view body, std::int64_t requested_start);

  // The startIndex of the next page, or 0 when this page was the last: the server has more
  // while startIndex + itemsPerPage <= totalResults. A page of nothing ends the query too, so
  // that a server that miscounts cannot keep us paging forever.
  [[nodiscard]] std::int64_t nextStartIndex() const noexcept;

  // Resources the query still holds after this page: totalResults - (startIndex - 1 +
  // itemsPerPage), and 0 once this page is the last.
  [[nodiscard]] std::uint64_t remainingAfter() const noexcept;
};

}  // namespace staffchain::scim
