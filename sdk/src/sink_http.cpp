#include "staffchain/plugin/support/sink_http.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::plugin {
namespace {

constexpr std::string_view kPermanent = "(permanent: the same request will be refused again)";

}  // namespace

Result<std::string> noticeJson(const std::vector<std::pair<std::string, std::string>>& rendered) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  for (const auto& [name, value] : rendered) {
    nlohmann::ordered_json* node = &body;
    std::string_view rest = name;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      const std::string part(rest.substr(0, dot));
      auto& child = (*node)[part];
      if (child.is_null()) child = nlohmann::ordered_json::object();
      if (!child.is_object()) {
        return makeError(fmt::format("the field \"{}\" nests under \"{}\", which is already a value", name, part));
      }
      node = &child;
      rest.remove_prefix(dot + 1);
    }
    const std::string leaf(rest);
    if (node->contains(leaf)) {
      return makeError(fmt::format("the field \"{}\" is written twice, or is both a value and an object", name));
    }
    (*node)[leaf] = value;
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SinkReceipt> readSinkAnswer(const HttpResponse& response, const std::string& where,
                                   const std::string& notice_id) {
  const long status = response.status;
  if (status >= 200 && status <= 299) {
    return SinkReceipt{fmt::format("HTTP {}: {}", status, bodyExcerpt(response.body)), false};
  }
  if (status == 409) {
    return SinkReceipt{
        fmt::format("HTTP 409, the target already has notice {}: {}", notice_id, bodyExcerpt(response.body)), true};
  }
  const bool retryable = status >= 500 || status == 408 || status == 425 || status == 429;
  return makeError(fmt::format("{} refused notice {} with HTTP {}{}: {}", where, notice_id, status,
                               retryable ? std::string() : " " + std::string(kPermanent), bodyExcerpt(response.body)));
}

Result<SinkReceipt> sendNotice(HttpClient& http, const Result<HttpRequest>& request, const std::string& where,
                               const std::string& notice_id, const CancelToken& cancel) {
  if (!request) return makeError(fmt::format("{}: notice {}: {}", where, notice_id, request.error().message));
  if (cancel.cancelled()) return makeError(fmt::format("{}: cancelled before notice {} was sent", where, notice_id));
  auto response = http.send(*request, &cancel);
  if (!response) {
    return makeError(fmt::format("{}: notice {} may not have arrived: {}", where, notice_id, response.error().message));
  }
  return readSinkAnswer(*response, where, notice_id);
}

bool isPermanentSinkError(const Error& error) noexcept {
  return error.message.find(kPermanent) != std::string::npos;
}

}  // namespace staffchain::plugin
