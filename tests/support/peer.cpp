#include "peer.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <thread>

namespace staffchain::testing {
namespace {

// A socket that closes itself.
class Socket {
 public:
  Socket() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

size_t appendBody(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

size_t appendHeader(char* data, size_t size, size_t count, void* target) {
  const std::string line(data, size * count);
  const auto colon = line.find(':');
  auto* headers = static_cast<std::multimap<std::string, std::string>*>(target);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a 100 Continue or a redirect) starts over
  } else if (colon != std::string::npos) {
    headers->emplace(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return size * count;
}

struct CurlSlist {
  curl_slist* list = nullptr;
  ~CurlSlist() { curl_slist_free_all(list); }
};

}  // namespace

Result<std::uint16_t> freeLoopbackPort() {
  Socket socket;
  if (socket.fd() < 0)
    return makeError(fmt::format("cannot pick a free port: socket failed: {}", std::strerror(errno)));
  auto address = loopback(0);
  if (bind(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return makeError(fmt::format("cannot pick a free port: bind to 127.0.0.1:0 failed: {}", std::strerror(errno)));
  }
  socklen_t length = sizeof address;
  if (getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return makeError(fmt::format("cannot pick a free port: getsockname failed: {}", std::strerror(errno)));
  }
  return static_cast<std::uint16_t>(ntohs(address.sin_port));
}

bool waitForTcp(std::uint16_t port, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    Socket socket;
    auto address = loopback(port);
    if (socket.fd() >= 0 && connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

Result<void> waitUntilReady(const std::string& what, PeerProcess& process, const std::function<bool()>& ready,
                            std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (!process.running()) {
      return makeError(fmt::format("{} (pid {}) exited before it was ready; its output:\n{}", what, process.pid(),
                                   process.output()));
    }
    if (ready()) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return makeError(fmt::format("{} (pid {}) was not ready within {} ms; its output:\n{}", what, process.pid(),
                                   limit.count(), process.output()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string HttpResponse::header(const std::string& name) const {
  const auto found = headers.find(lower(name));
  return found == headers.end() ? std::string() : found->second;
}

Result<HttpResponse> httpRequest(const std::string& method, const std::string& url, const std::string& body,
                                 const std::vector<std::string>& headers, std::chrono::milliseconds limit) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return makeError("cannot " + method + " " + url + ": curl_easy_init failed");
  HttpResponse response;
  CurlSlist headerList;
  for (const auto& header : headers) headerList.list = curl_slist_append(headerList.list, header.c_str());
  char errorText[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(limit.count()));
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headerList.list);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &appendBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &appendHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    return makeError(
        fmt::format("{} {} failed: {}", method, url, errorText[0] != '\0' ? errorText : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

bool mentionsPortInUse(const std::string& text) {
  const auto folded = lower(text);
  return folded.find("address already in use") != std::string::npos || folded.find("eaddrinuse") != std::string::npos ||
         folded.find("bindexception") != std::string::npos || folded.find("could not bind") != std::string::npos;
}

std::filesystem::path peersDir() {
  return std::filesystem::path(STAFFCHAIN_SOURCE_DIR) / "tests" / "peers";
}

Result<std::filesystem::path> requireExecutable(const std::filesystem::path& path, const std::string& what) {
  if (access(path.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(path)) return path;
  return makeError(fmt::format("{} is missing: no executable {} ({})", what, path.string(), kPeerInstallHint));
}

Result<std::filesystem::path> requireFile(const std::filesystem::path& path, const std::string& what) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) return path;
  return makeError(fmt::format("{} is missing: no file {} ({})", what, path.string(), kPeerInstallHint));
}

Result<std::filesystem::path> findProgram(const std::string& name) {
  std::vector<std::filesystem::path> candidates;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream entries(path);
    std::string entry;
    while (std::getline(entries, entry, ':')) {
      if (!entry.empty()) candidates.push_back(std::filesystem::path(entry) / name);
    }
  }
  candidates.push_back(std::filesystem::path("/usr/bin") / name);
  for (const auto& candidate : candidates) {
    if (candidate.is_absolute() && access(candidate.c_str(), X_OK) == 0 &&
        std::filesystem::is_regular_file(candidate)) {
      return candidate;
    }
  }
  return makeError(fmt::format("{} is missing: not on PATH nor in /usr/bin ({})", name, kPeerInstallHint));
}

}  // namespace staffchain::testing
