// RFC 3339 timestamps as SCIM servers write meta.lastModified, made comparable whatever their
// offset or fraction ("2024-05-01T08:00:00+08:00" equals "2024-05-01T00:00:00.000Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace staffchain::scim {

// Microseconds since 1970-01-01T00:00:00Z, or nullopt when `text` is not an RFC 3339 date-time.
std::optional<std::int64_t> parseTimestamp(std::string_view text) noexcept;

}  // namespace staffchain::scim
