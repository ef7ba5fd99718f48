#include "list_response.hpp"

#include <fmt/format.h>

namespace staffchain::scim {

using nlohmann::json;

Result<ListResponse> ListResponse::parse(std::string_view body, std::int64_t requested_start) {
  const json document = json::parse(body, nullptr, false);
  if (document.is_discarded()) return makeError("the answer is not JSON");
  if (!document.is_object()) return makeError("the answer is not a JSON object");
  const auto schemas = document.find("schemas");
  bool listed = false;
  if (schemas != document.end() && schemas->is_array()) {
    for (const auto& schema : *schemas)
      listed = listed || (schema.is_string() && schema.get<std::string>() == kListResponseSchema);
  }
  if (!listed) return makeError(fmt::format("the answer's \"schemas\" does not list {}", kListResponseSchema));
  ListResponse page;
  const auto total = document.find("totalResults");
  if (total == document.end() || !total->is_number_integer() || total->get<std::int64_t>() < 0) {
    return makeError("the answer has no \"totalResults\" (a non-negative integer)");
  }
  page.total_results = total->get<std::int64_t>();
  const auto resources = document.find("Resources");
  if (resources == document.end() || resources->is_null()) {
    if (page.total_results != 0) {
      return makeError(
          fmt::format("the answer has no \"Resources\" though \"totalResults\" is {}", page.total_results));
    }
  } else if (!resources->is_array()) {
    return makeError("the answer's \"Resources\" is not an array");
  } else {
    page.resources = *resources;
  }
  page.start_index = requested_start;
  if (const auto start = document.find("startIndex"); start != document.end()) {
    if (!start->is_number_integer() || start->get<std::int64_t>() < 1) {
      return makeError("the answer's \"startIndex\" is not a positive integer");
    }
    page.start_index = start->get<std::int64_t>();
  }
  page.items_per_page = static_cast<std::int64_t>(page.resources.size());
  if (const auto items = document.find("itemsPerPage"); items != document.end()) {
    if (!items->is_number_integer() || items->get<std::int64_t>() < 0) {
      return makeError("the answer's \"itemsPerPage\" is not a non-negative integer");
    }
    // Some servers echo the count asked for, not the count sent: trust what arrived.
    page.items_per_page = std::min(items->get<std::int64_t>(), static_cast<std::int64_t>(page.resources.size()));
  }
  return page;
}

std::int64_t ListResponse::nextStartIndex() const noexcept {
  if (items_per_page <= 0) return 0;
  // Compared as a difference: the server's numbers may sit at the integer limit, where the
  // sum would overflow (total_results >= 0 and items_per_page >= 1, so this cannot).
  return start_index <= total_results - items_per_page ? start_index + items_per_page : 0;
}

std::uint64_t ListResponse::remainingAfter() const noexcept {
  if (nextStartIndex() == 0) return 0;
  const std::int64_t left = total_results - (start_index - 1 + items_per_page);
  return left > 0 ? static_cast<std::uint64_t>(left) : 0;
}

}  // namespace staffchain::scim
