// Helpers for sinks that deliver over HTTP (rest, webhook): the JSON body of a rendered notice
// and how a target's answer maps onto delivered, duplicate, or an error.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/plugin/sink.hpp"

namespace staffchain::plugin {

// A JSON object of the (field, value) pairs, all values strings, in order; a dotted field
// name ("person.id") nests ({"person": {"id": ...}}), the inverse of a source's dotted paths.
// Fails when one field is both a value and an object ("person" and "person.id").
Result<std::string> noticeJson(const std::vector<std::pair<std::string, std::string>>& rendered);

// 2xx: delivered. 409 Conflict: the target already has the notice (a duplicate). 408, 425, 429
// and 5xx: an error worth retrying. Any other status: an error marked permanent, since the same
// request will be refused again. Every error names `where`, the status and a body excerpt.
Result<SinkReceipt> readSinkAnswer(const HttpResponse& response, const std::string& where,
                                   const std::string& notice_id);

// Sends the request built for a notice and reads the target's answer with readSinkAnswer. Every
// error names `where` and the notice: a request that could not be built, a cancellation before
// sending, or a transport failure (after which the notice may or may not have arrived).
Result<SinkReceipt> sendNotice(HttpClient& http, const Result<HttpRequest>& request, const std::string& where,
                               const std::string& notice_id, const CancelToken& cancel);

// Whether an error from readSinkAnswer says that retrying cannot help.
bool isPermanentSinkError(const Error& error) noexcept;

}  // namespace staffchain::plugin
