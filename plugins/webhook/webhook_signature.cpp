#include "webhook_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace staffchain::webhook {

std::string signedMaterial(std::string_view timestamp, std::string_view body) {
  std::string material;
  material.reserve(timestamp.size() + 1 + body.size());
  material.append(timestamp).append(".").append(body);
  return material;
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4U]);
    hex.push_back(kHex[digest[i] & 0x0fU]);
  }
  return hex;
}

std::string signatureHeaderValue(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return "sha256=" + hmacSha256Hex(secret, signedMaterial(timestamp, body));
}

}  // namespace staffchain::webhook
