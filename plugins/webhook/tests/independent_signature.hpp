// independentSignature: the webhook signature computed straight from OpenSSL, not through the
// plugin's code, so that the tests check the plugin against the documented scheme.
#pragma once

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace staffchain::webhook {

// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
inline std::string independentSignature(const std::string& secret, const std::string& timestamp,
                                        const std::string& body) {
  const std::string material = timestamp + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return "sha256=" + hex;
}

}  // namespace staffchain::webhook
