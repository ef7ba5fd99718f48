#include "mime_message.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace staffchain::smtp {
namespace {

std::string base64(std::string_view data) {
  std::string out((data.size() + 2) / 3 * 4 + 1, '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                      static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string sha256Hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

bool needsEncoding(std::string_view text) {
  if (text.find("=?") != std::string_view::npos || text.size() > 900) return true;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) return true;
  }
  return false;
}

// Length of the UTF-8 sequence starting with `lead` (1 for a stray byte, so it is never lost).
std::size_t sequenceLength(unsigned char lead) {
  if (lead >= 0xF0U && lead <= 0xF7U) return 4;
  if (lead >= 0xE0U) return lead <= 0xEFU ? 3 : 1;
  if (lead >= 0xC0U) return 2;
  return 1;
}

std::string addressList(const std::vector<std::string>& addresses) {
  std::string out;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) out += ",\r\n ";
    out += addresses[i];
  }
  return out;
}

}  // namespace

std::string encodeHeaderText(std::string_view text, std::size_t used) {
  if (!needsEncoding(text)) return std::string(text);
  // A line holds 78 characters; an encoded word spends 12 on "=?UTF-8?B?" and "?=", and every
  // 4 characters of base64 carry 3 bytes of text.
  constexpr std::size_t kLine = 78;
  constexpr std::size_t kOverhead = 12;
  const auto budget = [&](std::size_t taken) {
    return taken + kOverhead >= kLine ? std::size_t{0} : (kLine - taken - kOverhead) / 4 * 3;
  };
  std::string out;
  std::size_t limit = budget(used);
  if (limit < 4) {  // no room for one character: start on a folded line
    out = "\r\n";
    limit = budget(1);
  }
  std::size_t at = 0;
  bool first = true;
  while (at < text.size()) {
    std::size_t end = at;
    while (end < text.size()) {
      std::size_t next = end + sequenceLength(static_cast<unsigned char>(text[end]));
      if (next > text.size()) next = text.size();
      if (next - at > limit) break;
      end = next;
    }
    if (!first || !out.empty()) out += first ? " " : "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(at, end - at)) + "?=";
    first = false;
    at = end;
    limit = budget(1);
  }
  return out;
}

std::string base64Lines(std::string_view data) {
  const std::string encoded = base64(data);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
  for (std::size_t at = 0; at < encoded.size(); at += 76) out += encoded.substr(at, 76) + "\r\n";
  return out;
}

std::string rfc5322Date(std::chrono::system_clock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[utc.tm_wday % 7], utc.tm_mday,
                     kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string messageIdFor(std::string_view idempotency_key, std::string_view domain) {
  return fmt::format("<staffchain.{}@{}>", sha256Hex(idempotency_key).substr(0, 32), domain);
}

std::string rfc2231Parameter(std::string_view key, std::string_view value) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte <= 0x7e && c != '"' && c != '\\';
  });
  if (plain && value.size() <= 60) return fmt::format("{}=\"{}\"", key, value);
  // attribute-char of RFC 2231: letters, digits and a few marks; everything else as %XX.
  std::string encoded = "UTF-8''";
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    encoded += keep ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  std::string out;
  std::size_t at = 0;
  for (std::size_t piece = 0; at < encoded.size(); ++piece) {
    std::size_t length = std::min<std::size_t>(60, encoded.size() - at);
    // Never cut a %XX escape in two.
    if (at + length < encoded.size()) {
      if (encoded[at + length - 1] == '%')
        length -= 1;
      else if (length >= 2 && encoded[at + length - 2] == '%')
        length -= 2;
    }
    if (piece > 0) out += ";\r\n ";
    out += fmt::format("{}*{}*={}", key, piece, encoded.substr(at, length));
    at += length;
  }
  return out;
}

std::string buildMimeMessage(const MailContent& mail) {
  std::string out;
  out += "Date: " + rfc5322Date(mail.date) + "\r\n";
  if (mail.from_name.empty()) {
    out += "From: " + mail.from + "\r\n";
  } else {
    std::string from = "From: " + encodeHeaderText(mail.from_name, 6);
    const auto last_line = from.size() - (from.rfind('\n') == std::string::npos ? 0 : from.rfind('\n') + 1);
    from += (last_line + mail.from.size() + 3 > 78 ? "\r\n <" : " <") + mail.from + ">\r\n";
    out += from;
  }
  out += "To: " + addressList(mail.to) + "\r\n";
  if (!mail.cc.empty()) out += "Cc: " + addressList(mail.cc) + "\r\n";
  out += "Subject: " + encodeHeaderText(mail.subject, 9) + "\r\n";
  out += "Message-ID: " + messageIdFor(mail.idempotency_key, mail.message_id_domain) + "\r\n";
  if (!needsEncoding(mail.idempotency_key) && !mail.idempotency_key.empty()) {
    out += "X-Staffchain-Idempotency-Key: " + mail.idempotency_key + "\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  // Base64 bodies: any UTF-8 survives every relay, and lines never exceed 76 characters.
  const std::string text_part =
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(mail.text);
  // '_' never occurs in base64, so a boundary cannot occur in a part.
  const std::string boundary = "=_staffchain_" + sha256Hex("boundary:" + mail.idempotency_key).substr(0, 24);
  std::string body = text_part;
  if (!mail.html.empty()) {
    body = "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    body += "--" + boundary + "\r\n" + text_part;
    body += "--" + boundary + "\r\n";
    body +=
        "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(mail.html);
    body += "--" + boundary + "--\r\n";
  }
  if (mail.attachments.empty()) return out + body;

  const std::string mixed = "=_staffchain_mixed_" + sha256Hex("mixed:" + mail.idempotency_key).substr(0, 24);
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
  out += "--" + mixed + "\r\n" + body;
  for (const auto& file : mail.attachments) {
    out += "--" + mixed + "\r\n";
    const std::string type = file.content_type.empty() ? std::string("application/octet-stream") : file.content_type;
    // The .xlsx type alone is 65 characters: fold before it rather than pass 78 on the line.
    out += (type.size() + 15 > 78 ? "Content-Type:\r\n " : "Content-Type: ") + type + ";\r\n " +
           rfc2231Parameter("name", file.name) + "\r\n";
    out += "Content-Disposition: attachment;\r\n " + rfc2231Parameter("filename", file.name) + "\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(file.bytes);
  }
  out += "--" + mixed + "--\r\n";
  return out;
}

}  // namespace staffchain::smtp
