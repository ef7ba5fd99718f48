// RestCursor: where a rest source stands, as the opaque cursor the host commits with each
// batch: which endpoint is mid-way through a listing, the page, link or token to read next, and
// per endpoint the largest "updated" value already committed (the incremental watermark).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::rest {

struct EndpointPosition {
  // The largest updated value of the last complete listing: the next listing asks for records
  // updated since it.
  std::string watermark;
  // While a listing is under way: the watermark it started from (every page of one listing
  // asks with the same filter, or pages would shift under it), the largest value it has seen,
  // and where it goes on: the page number (page style) or the next link or token.
  std::string since;
  std::string run_max;
  std::int64_t page = 0;
  std::string next;
  // Records the listing has read so far: with the total the server gives, what is left.
  std::int64_t read = 0;
};

struct RestCursor {
  std::string active;  // the endpoint mid-listing; empty between rounds
  std::map<std::string, EndpointPosition, std::less<>> endpoints;

  [[nodiscard]] std::string encode() const;
  // The empty string is the cursor of a source never pulled before.
  static Result<RestCursor> decode(std::string_view text);
};

// Orders two updated values: both integers (epoch seconds, version numbers) by value, anything
// else as text, which orders ISO 8601 timestamps of one format correctly.
int compareWatermarks(std::string_view a, std::string_view b) noexcept;

}  // namespace staffchain::rest
