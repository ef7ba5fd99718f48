#include "peer_smtp.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "peer.hpp"

namespace staffchain::testing {
namespace {

constexpr auto kStartLimit = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);
// Debian's python3 has aiosmtpd; another python3 earlier on PATH may not.
constexpr const char* kPython = "/usr/bin/python3";

struct Upload {
  const std::string* text;
  std::size_t offset = 0;
};

size_t readUpload(char* buffer, size_t size, size_t count, void* source) {
  auto* upload = static_cast<Upload*>(source);
  const std::size_t left = upload->text->size() - upload->offset;
  const std::size_t chunk = std::min(left, size * count);
  std::memcpy(buffer, upload->text->data() + upload->offset, chunk);
  upload->offset += chunk;
  return chunk;
}

std::string readWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Result<std::unique_ptr<SmtpPeer>> SmtpPeer::start() {
  auto python = requireExecutable(kPython, "Debian's python3 (for aiosmtpd)");
  if (!python) return std::move(python).error();
  auto scratch = std::make_unique<ScratchDir>();
  const auto maildir = scratch->path() / "maildir";

  auto launch = [&](std::uint16_t port) -> Result<std::unique_ptr<SmtpPeer>> {
    // -n: do not try to drop to "nobody" (aiosmtpd would otherwise insist when run as root).
    auto process =
        PeerProcess::start({python->string(), "-m", "aiosmtpd", "-n", "-l", fmt::format("127.0.0.1:{}", port), "-c",
                            "aiosmtpd.handlers.Mailbox", maildir.string()},
                           {.log = scratch->path() / fmt::format("aiosmtpd-{}.log", port), .workdir = scratch->path()});
    if (!process) return std::move(process).error();
    auto ready = waitUntilReady(
        fmt::format("aiosmtpd on 127.0.0.1:{}", port), *process,
        [&] { return waitForTcp(port, std::chrono::milliseconds(0)); }, kStartLimit);
    if (!ready) {
      if (ready.error().message.find("No module named aiosmtpd") != std::string::npos) {
        return makeError(ready.error().message + "\n(" + kPeerInstallHint + ")");
      }
      return std::move(ready).error();
    }
    return std::unique_ptr<SmtpPeer>(new SmtpPeer(std::move(scratch), port, std::move(process).value()));
  };
  return startOnFreePort(launch);
}

SmtpPeer::~SmtpPeer() {
  (void)stop();
}

std::string SmtpPeer::url() const {
  return fmt::format("smtp://127.0.0.1:{}", port_);
}

std::vector<std::string> SmtpPeer::messages() const {
  // Maildir delivers into tmp/ and renames into new/, so new/ and cur/ hold only whole
  // messages. Names start with the delivery time, which orders them.
  std::vector<std::filesystem::path> files;
  for (const char* part : {"new", "cur"}) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(maildir() / part, error)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });
  std::vector<std::string> result;
  result.reserve(files.size());
  for (const auto& file : files) result.push_back(readWhole(file));
  return result;
}

Result<std::vector<std::string>> SmtpPeer::waitForMessages(std::size_t count, std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    auto received = messages();
    if (received.size() >= count) return received;
    if (std::chrono::steady_clock::now() >= deadline) {
      return makeError(fmt::format("aiosmtpd on 127.0.0.1:{} received {} message(s) within {} ms, expected {}", port_,
                                   received.size(), limit.count(), count));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

Result<void> SmtpPeer::send(const std::string& from, const std::vector<std::string>& to,
                            const std::string& message) const {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return makeError("cannot send mail to " + url() + ": curl_easy_init failed");
  curl_slist* recipients = nullptr;
  for (const auto& address : to) recipients = curl_slist_append(recipients, address.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipientList(recipients, &curl_slist_free_all);
  Upload upload{&message};
  char errorText[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url().c_str());
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipientList.get());
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &readUpload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    return makeError(fmt::format("sending mail from {} to {} failed: {}", from, url(),
                                 errorText[0] != '\0' ? errorText : curl_easy_strerror(code)));
  }
  return {};
}

Result<void> SmtpPeer::stop() {
  if (!process_.running()) return {};
  const int code = process_.stop(SIGTERM, kStopGrace);
  if (code != 0 && code != -SIGTERM) {
    return makeError(fmt::format("aiosmtpd on 127.0.0.1:{} (pid {}) did not stop cleanly on SIGTERM: exit {}", port_,
                                 process_.pid(), code));
  }
  return {};
}

}  // namespace staffchain::testing
