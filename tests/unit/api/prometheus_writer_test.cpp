#include "staffchain/api/prometheus_writer.hpp"

#include <gtest/gtest.h>

namespace staffchain::api {
namespace {

TEST(PrometheusWriter, GroupsFamiliesWritesHelpAndTypeOnceAndEscapesLabels) {
  PrometheusWriter writer;
  writer.counter("staffchain_records_ingested_total", "Records ingested.", {{"connector", "hr"}}, 10);
  writer.gauge("staffchain_up", "Up.", {}, 1);
  writer.counter("staffchain_records_ingested_total", "Records ingested.", {{"connector", "a\"b\\c\nd"}}, 2.5);
  EXPECT_EQ(writer.text(),
            "# HELP staffchain_records_ingested_total Records ingested.\n"
            "# TYPE staffchain_records_ingested_total counter\n"
            "staffchain_records_ingested_total{connector=\"hr\"} 10\n"
            "staffchain_records_ingested_total{connector=\"a\\\"b\\\\c\\nd\"} 2.5\n"
            "# HELP staffchain_up Up.\n"
            "# TYPE staffchain_up gauge\n"
            "staffchain_up 1\n");
}

}  // namespace
}  // namespace staffchain::api
