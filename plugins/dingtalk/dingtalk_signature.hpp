// DingTalk's robot signature ("加签"): sign = urlencode(base64(HmacSHA256(secret, MS + "\n" + secret))).
#pragma once

#include <string>
#include <string_view>

namespace staffchain::dingtalk {

// Standard base64 (with '+', '/' and '=' padding) of HMAC-SHA256(secret, timestamp "\n" secret);
// `timestamp_ms` is the decimal Unix time in milliseconds that also goes into the URL.
std::string robotSignature(std::string_view secret, std::string_view timestamp_ms);

}  // namespace staffchain::dingtalk
