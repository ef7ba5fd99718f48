#include "peer_wiremock.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>

#include "peer.hpp"

namespace staffchain::testing {
namespace {

// The JVM takes about 2 s on an idle machine; a loaded 2-core machine can take much longer.
constexpr auto kStartLimit = std::chrono::seconds(90);
constexpr auto kStopGrace = std::chrono::seconds(15);
constexpr auto kAdminLimit = std::chrono::seconds(15);

}  // namespace

Result<std::filesystem::path> wireMockJar() {
  const auto folder = peersDir() / "node_modules" / "wiremock" / "build";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("wiremock-standalone-", 0) == 0 && entry.path().extension() == ".jar") return entry.path();
  }
  return makeError(
      fmt::format("WireMock is missing: no wiremock-standalone-*.jar in {} ({})", folder.string(), kPeerInstallHint));
}

Result<std::unique_ptr<WireMockPeer>> WireMockPeer::start() {
  auto java = findProgram("java");
  if (!java) return std::move(java).error();
  auto jar = wireMockJar();
  if (!jar) return std::move(jar).error();
  auto scratch = std::make_unique<ScratchDir>();
  const auto root = scratch->path() / "root";
  std::filesystem::create_directories(root / "mappings");
  std::filesystem::create_directories(root / "__files");

  auto launch = [&](std::uint16_t port) -> Result<std::unique_ptr<WireMockPeer>> {
    // C1 only and a small heap: the peer serves a handful of requests, so start-up time and
    // memory on a shared 2-core machine matter more than peak throughput.
    auto process = PeerProcess::start(
        {java->string(), "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", jar->string(), "--bind-address", "127.0.0.1",
         "--port", std::to_string(port), "--root-dir", root.string(), "--disable-banner"},
        {.log = scratch->path() / fmt::format("wiremock-{}.log", port), .workdir = scratch->path()});
    if (!process) return std::move(process).error();
    const auto url = fmt::format("http://127.0.0.1:{}/__admin/mappings", port);
    auto ready = waitUntilReady(
        fmt::format("WireMock on 127.0.0.1:{}", port), *process,
        [&] {
          auto answer = httpRequest("GET", url, {}, {}, std::chrono::seconds(2));
          return answer && answer->status == 200;
        },
        kStartLimit);
    if (!ready) return std::move(ready).error();
    return std::unique_ptr<WireMockPeer>(new WireMockPeer(std::move(scratch), port, std::move(process).value()));
  };
  return startOnFreePort(launch);
}

WireMockPeer::~WireMockPeer() {
  (void)stop();
}

std::string WireMockPeer::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

Result<nlohmann::json> WireMockPeer::admin(const std::string& path, const nlohmann::json& body, long expected) {
  auto answer = httpRequest("POST", url() + path, body.is_null() ? std::string() : body.dump(),
                            {"Content-Type: application/json"}, kAdminLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != expected) {
    return makeError(
        fmt::format("WireMock on 127.0.0.1:{} refused POST {}: HTTP {} {}", port_, path, answer->status, answer->body));
  }
  if (answer->body.empty()) return nlohmann::json();
  auto parsed = nlohmann::json::parse(answer->body, nullptr, false);
  if (parsed.is_discarded()) {
    return makeError(
        fmt::format("WireMock on 127.0.0.1:{} answered POST {} with no JSON: {}", port_, path, answer->body));
  }
  return parsed;
}

Result<nlohmann::json> WireMockPeer::addMapping(const nlohmann::json& mapping) {
  return admin("/__admin/mappings", mapping, 201);
}

Result<nlohmann::json> WireMockPeer::findRequests(const nlohmann::json& pattern) {
  auto found = admin("/__admin/requests/find", pattern, 200);
  if (!found) return found;
  if (!found->contains("requests") || !(*found)["requests"].is_array()) {
    return makeError(
        fmt::format("WireMock on 127.0.0.1:{} answered /__admin/requests/find without a requests "
                    "array: {}",
                    port_, found->dump()));
  }
  return (*found)["requests"];
}

Result<void> WireMockPeer::reset() {
  auto done = admin("/__admin/reset", nlohmann::json(), 200);
  if (!done) return std::move(done).error();
  return {};
}

Result<void> WireMockPeer::stop() {
  if (!process_.running()) return {};
  // The answer may never come (the server goes down while answering), so its outcome only
  // matters through whether the pid then ends.
  (void)httpRequest("POST", url() + "/__admin/shutdown", {}, {}, std::chrono::seconds(5));
  if (process_.wait(kStopGrace)) return {};
  const int code = process_.stop(SIGKILL, kStopGrace);
  return makeError(
      fmt::format("WireMock on 127.0.0.1:{} (pid {}) did not exit after /__admin/shutdown; killed "
                  "(exit {})",
                  port_, process_.pid(), code));
}

}  // namespace staffchain::testing
