#include "smtp_notifier.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "mime_message.hpp"

namespace staffchain::smtp {
namespace {

struct Upload {
  const std::string* text;
  std::size_t offset = 0;
};

size_t readUpload(char* buffer, size_t size, size_t count, void* source) {
  auto* upload = static_cast<Upload*>(source);
  const std::size_t chunk = std::min(upload->text->size() - upload->offset, size * count);
  std::memcpy(buffer, upload->text->data() + upload->offset, chunk);
  upload->offset += chunk;
  return chunk;
}

int checkCancel(void* token, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const plugin::CancelToken*>(token)->cancelled() ? 1 : 0;
}

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The URL without user information, for messages.
std::string redact(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

}  // namespace

SmtpNotifier::SmtpNotifier(SmtpSettings settings, std::string password, plugin::HostContext& host)
    : settings_(std::move(settings)), password_(std::move(password)), host_(host) {}

std::string SmtpNotifier::render(const plugin::Notification& message,
                                 std::chrono::system_clock::time_point date) const {
  MailContent mail;
  mail.from = settings_.from;
  mail.from_name = settings_.from_name;
  mail.to = settings_.to;
  mail.cc = settings_.cc;
  mail.subject = message.title;
  if (message.parts > 1) mail.subject += fmt::format(" ({}/{})", message.part, message.parts);
  mail.text = message.text.empty() ? message.markdown : message.text;
  mail.html = message.html;
  mail.idempotency_key = message.idempotency_key;
  mail.message_id_domain = settings_.message_id_domain;
  mail.date = date;
  for (const auto& file : message.attachments) mail.attachments.push_back({file.name, file.content_type, file.bytes});
  return buildMimeMessage(mail);
}

Result<plugin::DeliveryReceipt> SmtpNotifier::send(const plugin::Notification& message,
                                                   const plugin::CancelToken& cancel) {
  const std::string where = redact(settings_.url);
  try {
    if (cancel.cancelled()) return makeError(fmt::format("SMTP {}: cancelled before sending", where));
    const std::string text = render(message, host_.now());
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) return makeError(fmt::format("SMTP {}: libcurl could not create a handle", where));
    std::unique_ptr<curl_slist, ListDeleter> recipients;
    for (const auto* list : {&settings_.to, &settings_.cc}) {
      for (const auto& address : *list) {
        curl_slist* grown = curl_slist_append(recipients.get(), ("<" + address + ">").c_str());
        if (grown == nullptr) return makeError(fmt::format("SMTP {}: out of memory listing recipients", where));
        (void)recipients.release();
        recipients.reset(grown);
      }
    }
    Upload upload{&text};
    char error_text[CURL_ERROR_SIZE] = {};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + settings_.from + ">").c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &readUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
    const long use_ssl = settings_.starttls == StartTls::required   ? static_cast<long>(CURLUSESSL_ALL)
                         : settings_.starttls == StartTls::optional ? static_cast<long>(CURLUSESSL_TRY)
                                                                    : static_cast<long>(CURLUSESSL_NONE);
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     settings_.url.rfind("smtps://", 0) == 0 ? static_cast<long>(CURLUSESSL_ALL) : use_ssl);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, settings_.connection.verify_tls ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, settings_.connection.verify_tls ? 2L : 0L);
    if (!settings_.connection.ca_file.empty())
      curl_easy_setopt(h, CURLOPT_CAINFO, settings_.connection.ca_file.c_str());
    if (!settings_.username.empty()) curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
    if (!password_.empty()) curl_easy_setopt(h, CURLOPT_PASSWORD, password_.c_str());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.connection.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connection.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &checkCancel);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &cancel);

    const CURLcode code = curl_easy_perform(h);
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    const std::string message_id = messageIdFor(message.idempotency_key, settings_.message_id_domain);
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      return makeError(fmt::format("SMTP {}: cancelled while sending {}", where, message_id));
    }
    if (code != CURLE_OK) {
      const std::string detail = error_text[0] != '\0' ? std::string(error_text) : curl_easy_strerror(code);
      return makeError(fmt::format("SMTP {} did not accept {}: {}{}", where, message_id, detail,
                                   reply > 0 ? fmt::format(" (last reply {})", reply) : std::string()));
    }
    return plugin::DeliveryReceipt{fmt::format("SMTP {} answered {}: {} accepted for {} recipient(s)", where, reply,
                                               message_id, settings_.to.size() + settings_.cc.size())};
  } catch (const std::exception& e) {
    return makeError(fmt::format("SMTP {}: unexpected failure: {}", where, e.what()));
  }
}

}  // namespace staffchain::smtp
