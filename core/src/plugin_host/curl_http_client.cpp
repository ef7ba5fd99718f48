#include "staffchain/plugin_host/curl_http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace staffchain::plugin_host {
namespace {

std::once_flag curl_init;

size_t onBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Where a received body goes: to the caller's sink while the status is a success, else into the
// response for the error's message.
struct Streamed {
  CURL* curl = nullptr;
  const std::function<bool(std::string_view)>* sink = nullptr;
  std::string* error_body = nullptr;
  bool refused = false;  // the sink said stop
};

size_t onStreamedBody(char* data, size_t size, size_t count, void* user) {
  auto* streamed = static_cast<Streamed*>(user);
  long status = 0;
  curl_easy_getinfo(streamed->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 400) {
    streamed->error_body->append(data, size * count);
    return size * count;
  }
  if (!(*streamed->sink)(std::string_view(data, size * count))) {
    streamed->refused = true;
    return 0;
  }
  return size * count;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after a redirect or 100)
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    headers->emplace_back(std::move(name), std::string(value));
  }
  return size * count;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const plugin::CancelToken*>(user);
  return cancel != nullptr && cancel->cancelled() ? 1 : 0;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::string redactUrl(std::string_view url) {
  std::string out(url.substr(0, url.find_first_of("?#")));
  const auto scheme = out.find("://");
  const auto at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  const auto slash = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && (slash == std::string::npos || at < slash)) {
    out.erase(scheme + 3, at - scheme - 2);
  }
  return out;
}

CurlHttpClient::CurlHttpClient() {
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

// One exchange; the body is written by `on_body` with `body_data` (the response's body when null).
Result<plugin::HttpResponse> perform(const plugin::HttpRequest& request, const plugin::CancelToken* cancel,
                                     curl_write_callback on_body, Streamed* streamed) {
  std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) return makeError("cannot create an HTTP handle (libcurl)");
  CURL* curl = handle.get();
  plugin::HttpResponse response;
  if (streamed != nullptr) {
    streamed->curl = curl;
    streamed->error_body = &response.body;
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& [name, value] : request.headers) {
    headers.reset(curl_slist_append(headers.release(), fmt::format("{}: {}", name, value).c_str()));
  }
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  if (!request.basic_user.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.basic_user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.basic_password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  if (streamed != nullptr) {
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, streamed);
  } else {
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &onProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      return makeError(fmt::format("{} {}: cancelled", request.method, redactUrl(request.url)));
    }
    if (code == CURLE_WRITE_ERROR && streamed != nullptr && streamed->refused) {
      return makeError(fmt::format("{} {}: the body could not be kept", request.method, redactUrl(request.url)));
    }
    return makeError(fmt::format("{} {}: {}", request.method, redactUrl(request.url),
                                 error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace

Result<plugin::HttpResponse> CurlHttpClient::send(const plugin::HttpRequest& request,
                                                  const plugin::CancelToken* cancel) {
  return perform(request, cancel, &onBody, nullptr);
}

Result<plugin::HttpResponse> CurlHttpClient::receive(const plugin::HttpRequest& request,
                                                     const std::function<bool(std::string_view chunk)>& body) {
  Streamed streamed;
  streamed.sink = &body;
  return perform(request, nullptr, &onStreamedBody, &streamed);
}

}  // namespace staffchain::plugin_host
