// ScimSettings: a scim connector's own configuration keys, read and checked in one place for
// both validate() and create().
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scim_path.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"
#include "staffchain/plugin/support/http_connection.hpp"
#include "staffchain/plugin/support/retry.hpp"

namespace staffchain::scim {

enum class AuthKind { none, bearer, basic };

// One record type the Users become, with the attribute paths its mapping reads.
struct RecordMapping {
  plugin::FieldMapping mapping;
  std::vector<std::pair<std::string, ScimPath>> paths;  // source field -> parsed path
};

struct ScimSettings {
  std::string base_url;  // ".../scim/v2", without a trailing '/'
  std::string resource = "Users";
  AuthKind auth = AuthKind::none;
  std::string token_ref;  // secret references, resolved at create time
  std::string user;
  std::string password_ref;
  plugin::HttpConnection connection;  // tls, request_timeout (30 s), connect_timeout (10 s)
  plugin::RetryPolicy retry;
  std::int64_t page_size = 100;
  std::string filter;  // ANDed into every query
  bool incremental = true;
  bool full_snapshot = false;
  std::vector<RecordMapping> records;

  // Reads every key, reporting each problem into `config`; nullopt when any was wrong.
  static std::optional<ScimSettings> read(plugin::ConfigReader& config);
};

}  // namespace staffchain::scim
