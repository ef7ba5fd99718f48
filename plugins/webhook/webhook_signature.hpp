// The webhook's request signature: HMAC-SHA256 over "<timestamp>.<body>", so that a receiver
// can prove a request came from staffchain and was not replayed from long ago.
#pragma once

#include <string>
#include <string_view>

namespace staffchain::webhook {

// What is signed: the decimal Unix timestamp (seconds), a '.', then the raw body bytes.
std::string signedMaterial(std::string_view timestamp, std::string_view body);

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmacSha256Hex(std::string_view key, std::string_view data);

// The signature header's value: "sha256=" + hmacSha256Hex(secret, signedMaterial(...)).
std::string signatureHeaderValue(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace staffchain::webhook
