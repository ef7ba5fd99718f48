// The scim source plugin's entry points: configuration check, creation, descriptor.
#include <fmt/format.h>

#include "scim_source.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) noexcept {
  try {
    (void)scim::ScimSettings::read(config);
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be read: {}", config.path(), error.what()));
  }
}

std::unique_ptr<SourceConnector> create(ConfigReader& config, const CreateArgs& args) noexcept {
  try {
    auto settings = scim::ScimSettings::read(config);
    if (!settings) return nullptr;
    std::string token;
    std::string password;
    if (settings->auth == scim::AuthKind::bearer) {
      auto resolved = args.host.resolveSecret(settings->token_ref);
      if (!resolved) {
        config.errors().push_back(fmt::format("{}.auth.token: {}", config.path(), resolved.error().message));
        return nullptr;
      }
      token = std::move(resolved.value());
    } else if (settings->auth == scim::AuthKind::basic) {
      auto resolved = args.host.resolveSecret(settings->password_ref);
      if (!resolved) {
        config.errors().push_back(fmt::format("{}.auth.password: {}", config.path(), resolved.error().message));
        return nullptr;
      }
      password = std::move(resolved.value());
    }
    return std::make_unique<scim::ScimSource>(std::move(*settings), args.host, std::move(token), std::move(password));
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), error.what()));
    return nullptr;
  }
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN("scim", "Users of a SCIM 2.0 server (RFC 7644), paged and incremental on meta.lastModified",
                         &validate, &create)
