#include "staffchain/plugin/support/http_text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace staffchain::plugin {

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0x0fU]);
    }
  }
  return out;
}

std::string bodyExcerpt(std::string_view body, std::size_t limit) {
  std::string out;
  for (char c : body.substr(0, limit)) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  if (body.size() > limit) {
    // Drop a UTF-8 sequence the cut split in two.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0U) == 0x80U) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80U) != 0) out.pop_back();
    out += "…";
  }
  return out.empty() ? std::string("(empty body)") : out;
}

Result<DeliveryReceipt> readRobotAnswer(const HttpResponse& response, const std::string& where) {
  if (response.status < 200 || response.status > 299) {
    return makeError(fmt::format("{} answered HTTP {}: {}", where, response.status, bodyExcerpt(response.body)));
  }
  const auto answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("errcode") ||
      !answer["errcode"].is_number_integer()) {
    return makeError(fmt::format("{} answered HTTP {} without a JSON errcode: {}", where, response.status,
                                 bodyExcerpt(response.body)));
  }
  const auto code = answer["errcode"].get<long long>();
  const std::string text = answer.contains("errmsg") && answer["errmsg"].is_string()
                               ? answer["errmsg"].get<std::string>()
                               : std::string("(no errmsg)");
  if (code != 0)
    return makeError(fmt::format("{} refused the message: errcode {}: {}", where, code, bodyExcerpt(text)));
  return DeliveryReceipt{fmt::format("errcode 0: {}", bodyExcerpt(text))};
}

Result<DeliveryReceipt> postToRobot(HttpClient& http, HttpRequest request, const CancelToken& cancel,
                                    const std::string& where) {
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  auto response = http.send(request, &cancel);
  if (!response) return makeError(fmt::format("{}: the request failed: {}", where, response.error().message));
  return readRobotAnswer(response.value(), where);
}

}  // namespace staffchain::plugin
