// Helpers for plugins that speak HTTP: percent-encoding, short and safe excerpts of what a
// server answered (for error messages), and the chat robots' errcode answers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

// RFC 3986: everything but unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX.
std::string percentEncode(std::string_view text);

// At most `limit` bytes of `body` on one line, cut at a character boundary, "…" when cut;
// "(empty body)" for nothing.
std::string bodyExcerpt(std::string_view body, std::size_t limit = 300);

// The answer of a chat robot API (WeCom, DingTalk): HTTP 2xx with JSON {"errcode": 0, ...} is a
// delivery; any other status, a body that is not such JSON, or a non-zero errcode is an
// error naming `where`, the status or errcode and the errmsg.
Result<DeliveryReceipt> readRobotAnswer(const HttpResponse& response, const std::string& where);

// Posts `request` (url, body, timeouts and TLS already set) as a JSON POST to a chat robot and
// reads its answer; a transport failure is an error naming `where`.
Result<DeliveryReceipt> postToRobot(HttpClient& http, HttpRequest request, const CancelToken& cancel,
                                    const std::string& where);

}  // namespace staffchain::plugin
