#include "dingtalk_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace staffchain::dingtalk {

std::string robotSignature(std::string_view secret, std::string_view timestamp_ms) {
  std::string material;
  material.append(timestamp_ms).append("\n").append(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest.data(), &length);
  // EVP_EncodeBlock writes 4 characters per 3 bytes and a terminating NUL.
  std::array<unsigned char, (EVP_MAX_MD_SIZE + 2) / 3 * 4 + 1> encoded{};
  const int written = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(written));
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
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

}  // namespace staffchain::dingtalk
