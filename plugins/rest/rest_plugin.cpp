// The rest source plugin's entry points: validate and create from a connector table.
#include <fmt/format.h>

#include "rest_settings.hpp"
#include "rest_sink.hpp"
#include "rest_source.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)rest::readRestSettings(config);
}

std::unique_ptr<SourceConnector> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = rest::readRestSettings(config);
  if (!settings) return nullptr;
  auto credentials = rest::resolveCredentials(settings->auth, args.host);
  if (!credentials) {
    config.errors().push_back(fmt::format("{}: {}", config.path(), credentials.error().message));
    return nullptr;
  }
  if (!settings->connection.verify_tls) {
    args.host.logger().log(LogLevel::warn, fmt::format("TLS certificates of {} are not verified (tls.verify = false)",
                                                       settings->base_url));
  }
  if (settings->auth.type != rest::AuthType::none && settings->base_url.rfind("http://", 0) == 0) {
    args.host.logger().log(LogLevel::warn, fmt::format("credentials go to {} over plain HTTP", settings->base_url));
  }
  return std::make_unique<rest::RestSource>(std::move(*settings), std::move(credentials.value()), args.host);
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN_WITH_SINK("rest", "records from an HTTP(S) JSON API, paginated and incremental", &validate,
                                   &create, &staffchain::rest::validateRestSink, &staffchain::rest::createRestSink)
