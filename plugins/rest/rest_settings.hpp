// RestSettings: a rest source's configuration (base URL, authentication, TLS, timeouts,
// retries, rate limit, and one endpoint per canonical record type), read and checked from its
// connector table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pagination.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"
#include "staffchain/plugin/support/http_connection.hpp"
#include "staffchain/plugin/support/retry.hpp"

namespace staffchain::rest {

enum class PaginationStyle { none, page, link, cursor };

struct Pagination {
  PaginationStyle style = PaginationStyle::none;
  std::string page_param = "page";
  std::string limit_param = "limit";  // empty: the request names no page size
  std::int64_t limit = 100;
  std::int64_t first_page = 1;
  // A header holding the listing's record count ("X-Total-Count"), or where the body holds it
  // ("meta.total"): page style stops at it; every style reports what is left from it.
  std::string total_header;
  std::string total_path;
  std::string cursor_path;  // cursor style: where the body holds the next token ("meta.next_cursor")
  std::string cursor_param = "cursor";
};

struct Incremental {
  std::string param;  // the query parameter that asks for newer records ("updated_since")
  std::string field;  // the record field holding its last change ("updatedAt")
  std::string start;  // the value asked with before any record was seen; empty: no filter
};

struct Endpoint {
  explicit Endpoint(plugin::RecordType record_type) : type(record_type), mapping(record_type) {}

  plugin::RecordType type;
  std::string path;          // appended to base_url: "/api/movements"
  std::string records_path;  // where the records array is in a response ("data.items"); empty: the body
  QueryParams query;         // fixed query parameters (sorting, filters)
  Pagination pagination;
  std::optional<Incremental> incremental;
  bool full_snapshot = false;
  plugin::FieldMapping mapping;

  [[nodiscard]] std::string_view name() const noexcept { return plugin::recordTypeFile(type); }
};

enum class AuthType { none, bearer, basic, header };

struct AuthSettings {
  AuthType type = AuthType::none;
  std::string token;     // a secret reference (bearer, header)
  std::string user;      // basic
  std::string password;  // a secret reference (basic)
  std::string header = "X-Api-Key";
};

struct RateLimit {
  double count = 0;
  plugin::Duration window{1000};
};

struct RestSettings {
  std::string base_url;  // no trailing slash
  AuthSettings auth;
  plugin::HttpConnection connection;  // tls, request_timeout (30 s), connect_timeout (10 s)
  plugin::RetryPolicy retry;
  std::optional<RateLimit> rate_limit;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<Endpoint> endpoints;  // in canonical file order: units before the movements citing them
};

// "10/s", "600/m", "5000/h", "100/5m": that many requests per window; nullopt when malformed.
std::optional<RateLimit> parseRateLimit(std::string_view text);

// The `auth` table, read alike by the source and the sink so that one department's API is
// configured the same way in both directions (as is the connection, plugin::HttpConnection).
AuthSettings readAuth(plugin::ConfigReader& config);

// Reads every key of the rest source from `config`, reporting each problem into it; nullopt
// when the settings cannot be used.
std::optional<RestSettings> readRestSettings(plugin::ConfigReader& config);

}  // namespace staffchain::rest
