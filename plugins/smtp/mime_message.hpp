// MimeMessage: the RFC 5322 / MIME text of one alert e-mail (UTF-8 headers and bodies, Chinese
// included), assembled without a mail library so that every byte on the wire is known.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace staffchain::smtp {

// A file attached to the mail (the quarterly workbook).
struct MailAttachment {
  std::string name;  // UTF-8 file name
  std::string content_type;
  std::string bytes;
};

struct MailContent {
  std::string from;               // address
  std::string from_name;          // display name, may be empty
  std::vector<std::string> to;    // addresses
  std::vector<std::string> cc;    // addresses
  std::string subject;            // UTF-8
  std::string text;               // text/plain body, UTF-8
  std::string html;               // text/html body, UTF-8; empty: a text-only message
  std::string idempotency_key;    // dedupe key: Message-ID and boundary derive from it
  std::string message_id_domain;  // the right-hand side of the Message-ID
  std::chrono::system_clock::time_point date;
  std::vector<MailAttachment> attachments;  // none: the message is its body alone
};

// RFC 2047 "B" encoded-words for a header value: printable ASCII stays as it is, anything else
// becomes "=?UTF-8?B?...?=" words, never splitting a UTF-8 character, joined by folding
// whitespace ("\r\n ") so that no line passes 78 characters. `used` is how much of the first
// line the header's name already takes ("Subject: " is 9).
std::string encodeHeaderText(std::string_view text, std::size_t used = 0);

// Base64 of `data` in lines of 76 characters, each ending in CRLF.
std::string base64Lines(std::string_view data);

// "Sat, 01 Jun 2024 08:00:00 +0000" (RFC 5322 date-time, in UTC, locale-independent).
std::string rfc5322Date(std::chrono::system_clock::time_point when);

// "<hex@domain>": the same key always gives the same Message-ID, so a receiver can drop a
// retried delivery it already has.
std::string messageIdFor(std::string_view idempotency_key, std::string_view domain);

// The parameter `key` of a MIME header carrying a UTF-8 value, by RFC 2231: `key*0*=UTF-8''…;`
// continued in `key*1*=…` pieces of at most 60 characters on folded lines, so that a long Chinese
// file name keeps every line within 78 characters. Printable ASCII without quotes or backslashes
// stays one plain quoted `key="…"`.
std::string rfc2231Parameter(std::string_view key, std::string_view value);

// The complete message, CRLF line ends, ready for SMTP DATA. With attachments it is
// multipart/mixed: the body first (text, or text and HTML as alternatives), then each file.
std::string buildMimeMessage(const MailContent& mail);

}  // namespace staffchain::smtp
