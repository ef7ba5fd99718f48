// PluginDescriptor: the one symbol (`staffchain_plugin`) every plugin library exports.
#pragma once

#include <toml++/toml.h>

#include <boost/dll/alias.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "staffchain/plugin/build_info.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "staffchain/plugin/sink.hpp"
#include "staffchain/plugin/source.hpp"

namespace staffchain::plugin {

// Raised whenever a type the host and plugins exchange changes shape (6: Notification::attachments).
#ifndef STAFFCHAIN_SDK_ABI_VERSION
#define STAFFCHAIN_SDK_ABI_VERSION 6
#endif
inline constexpr std::uint32_t kSdkAbiVersion = STAFFCHAIN_SDK_ABI_VERSION;
inline constexpr const char* kBuildTag = STAFFCHAIN_BUILD_TAG;

enum class PluginKind : std::uint32_t { source = 1, notifier = 2 };

constexpr std::string_view pluginKindName(PluginKind kind) noexcept {
  return kind == PluginKind::source ? "source" : kind == PluginKind::notifier ? "notifier" : "unknown";
}

struct CreateArgs {
  std::string_view instance_name;
  HostContext& host;
};

// Both entry points read the plugin's own keys from `config` (the instance's table, with the
// host's keys already accepted) and report every problem into it; `finish()` is the host's.
// `validate` checks without creating anything; a factory returns nullptr when it cannot
// create. Entry points should be noexcept; the host still guards each call.
using ValidateFn = void (*)(ConfigReader& config);
using CreateSourceFn = std::unique_ptr<SourceConnector> (*)(ConfigReader& config, const CreateArgs& args);
using CreateNotifierFn = std::unique_ptr<Notifier> (*)(ConfigReader& config, const CreateArgs& args);
// A plugin whose transport can also write (rest, sql, csv, webhook) offers a sink factory
// besides its primary kind; its `validate_sink` checks a [sinks.*] table.
using CreateSinkFn = std::unique_ptr<SinkConnector> (*)(ConfigReader& config, const CreateArgs& args);

// The first two members never move: the host reads them before trusting anything else.
struct PluginDescriptor {
  std::uint32_t abi_version = kSdkAbiVersion;
  const char* build_tag = kBuildTag;
  const char* name = "";
  const char* version = "";
  PluginKind kind = PluginKind::source;
  const char* summary = "";
  ValidateFn validate = nullptr;
  CreateSourceFn create_source = nullptr;      // kind == source
  CreateNotifierFn create_notifier = nullptr;  // kind == notifier
  ValidateFn validate_sink = nullptr;          // any kind: set when the plugin can also be a sink
  CreateSinkFn create_sink = nullptr;
};

// The host reads abi_version and build_tag of a descriptor from any library before it knows the
// library was built against this header; were either to move, a plugin of another SDK version
// would be misread instead of refused with both versions named. So their type and place are
// checked here, and a change that trips one of these checks must not be made.
static_assert(std::is_standard_layout_v<PluginDescriptor>, "offsetof is only meaningful on a standard-layout type");
static_assert(std::is_same_v<decltype(PluginDescriptor::abi_version), std::uint32_t> &&
              offsetof(PluginDescriptor, abi_version) == 0);
static_assert(std::is_same_v<decltype(PluginDescriptor::build_tag), const char*> &&
              offsetof(PluginDescriptor, build_tag) ==
                  (sizeof(std::uint32_t) + alignof(const char*) - 1) / alignof(const char*) * alignof(const char*));

using DescribeFn = const PluginDescriptor*();

// Adds the sink factory to a descriptor (see STAFFCHAIN_*_PLUGIN_WITH_SINK).
inline PluginDescriptor withSink(PluginDescriptor descriptor, ValidateFn validate, CreateSinkFn create) noexcept {
  descriptor.validate_sink = validate;
  descriptor.create_sink = create;
  return descriptor;
}

inline PluginDescriptor sourcePluginDescriptor(const char* name, const char* summary, ValidateFn validate,
                                               CreateSourceFn create) noexcept {
  PluginDescriptor descriptor;
  descriptor.name = name;
  descriptor.version = STAFFCHAIN_VERSION_STRING;
  descriptor.kind = PluginKind::source;
  descriptor.summary = summary;
  descriptor.validate = validate;
  descriptor.create_source = create;
  return descriptor;
}

inline PluginDescriptor notifierPluginDescriptor(const char* name, const char* summary, ValidateFn validate,
                                                 CreateNotifierFn create) noexcept {
  PluginDescriptor descriptor;
  descriptor.name = name;
  descriptor.version = STAFFCHAIN_VERSION_STRING;
  descriptor.kind = PluginKind::notifier;
  descriptor.summary = summary;
  descriptor.validate = validate;
  descriptor.create_notifier = create;
  return descriptor;
}

}  // namespace staffchain::plugin

// Exports `describe` (a `const PluginDescriptor* ()` function) as the plugin's one symbol.
#define STAFFCHAIN_PLUGIN(describe) BOOST_DLL_ALIAS(describe, staffchain_plugin)

// The usual way: a plugin's whole descriptor and its export in one line, at namespace scope.
// A plugin that can also be a sink adds its sink entry points.
#define STAFFCHAIN_PLUGIN_DESCRIBED_WITH_SINK(kind, name, summary, validate, create, validate_sink, create_sink)    \
  namespace {                                                                                                       \
  const ::staffchain::plugin::PluginDescriptor* staffchainDescribe() {                                              \
    static const ::staffchain::plugin::PluginDescriptor descriptor = ::staffchain::plugin::withSink(                \
        ::staffchain::plugin::kind##PluginDescriptor(name, summary, validate, create), validate_sink, create_sink); \
    return &descriptor;                                                                                             \
  }                                                                                                                 \
  }                                                                                                                 \
  STAFFCHAIN_PLUGIN(staffchainDescribe)
#define STAFFCHAIN_PLUGIN_DESCRIBED(kind, name, summary, validate, create) \
  STAFFCHAIN_PLUGIN_DESCRIBED_WITH_SINK(kind, name, summary, validate, create, nullptr, nullptr)
#define STAFFCHAIN_SOURCE_PLUGIN(name, summary, validate, create) \
  STAFFCHAIN_PLUGIN_DESCRIBED(source, name, summary, validate, create)
#define STAFFCHAIN_NOTIFIER_PLUGIN(name, summary, validate, create) \
  STAFFCHAIN_PLUGIN_DESCRIBED(notifier, name, summary, validate, create)
#define STAFFCHAIN_SOURCE_PLUGIN_WITH_SINK(name, summary, validate, create, validate_sink, create_sink) \
  STAFFCHAIN_PLUGIN_DESCRIBED_WITH_SINK(source, name, summary, validate, create, validate_sink, create_sink)
#define STAFFCHAIN_NOTIFIER_PLUGIN_WITH_SINK(name, summary, validate, create, validate_sink, create_sink) \
  STAFFCHAIN_PLUGIN_DESCRIBED_WITH_SINK(notifier, name, summary, validate, create, validate_sink, create_sink)
