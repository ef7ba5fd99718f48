// The engine's index as memory sees it: a payroll row packed in 16 bytes reads back as the
// record put, a person's movements take the room they need, and an index linked to be read only
// keeps the reverse indexes a changing one keeps, without the links, and takes no change.
#include "chain_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "chain_test_support.hpp"

namespace staffchain::chain::detail {
namespace {

using testing::day;
using testing::person;
using testing::unitId;

model::PayrollMonth payOf(std::int64_t fen, model::Month month, std::uint32_t source, model::Funding funding) {
  auto row = testing::pay(person(1), unitId(1), month);
  row.gross_fen = fen;
  row.origin = model::Origin{source, 7};
  row.funding = funding;
  return row;
}

TEST(ChainIndex, APayrollRowReadsBackAsPutToTheLimitsOfItsBits) {
  // The largest gross a file can hold (13 digits of yuan and two of fen), the last source an
  // engine holds, the last month of a four-digit year, and each funding.
  constexpr std::int64_t kLargestRead = 999'999'999'999'999;
  for (const auto funding : {model::Funding::full, model::Funding::partial, model::Funding::self}) {
    for (const auto& put : {payOf(kLargestRead, model::Month::fromYm(9999, 12), 4095, funding),
                            payOf(0, model::Month::fromYm(0, 1), 0, funding),
                            payOf(612'345, model::Month::fromYm(2024, 6), 3, funding)}) {
      ChainIndex index;
      Touched touched;
      index.put(model::Record{put}, touched);
      const auto* held = index.person(put.person_id);
      ASSERT_NE(held, nullptr);
      ASSERT_EQ(held->payroll.size(), 1U);
      const auto back = index.payRecord(put.person_id, held->payroll.front());
      EXPECT_EQ(back.gross_fen, put.gross_fen);
      EXPECT_EQ(back.month, put.month);
      EXPECT_EQ(back.funding, put.funding);
      EXPECT_EQ(back.unit_id, put.unit_id);
      EXPECT_EQ(back.origin.source, put.origin.source);
      EXPECT_EQ(back.origin.row, 0U) << "the line in its file is not kept";
      EXPECT_EQ(model::recordKey(model::Record{back}), model::recordKey(model::Record{put}));
    }
  }
}

TEST(ChainIndex, APayrollRowBeyondItsBitsIsRefusedByName) {
  const auto month = model::Month::fromYm(2024, 6);
  for (const auto& bad : {payOf(-1, month, 0, model::Funding::full),
                          payOf(std::int64_t{1} << PayRow::kGrossBits, month, 0, model::Funding::full),
                          payOf(100, month, 1U << PayRow::kSourceBits, model::Funding::full)}) {
    ChainIndex index;
    Touched touched;
    try {
      index.put(model::Record{bad}, touched);
      ADD_FAILURE() << "gross " << bad.gross_fen << " from source " << bad.origin.source << " was taken";
    } catch (const std::out_of_range& error) {
      EXPECT_NE(std::string(error.what()).find(std::string(bad.person_id.view())), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("2024-06"), std::string::npos) << error.what();
    }
    EXPECT_EQ(index.person(bad.person_id), nullptr) << "a refused row leaves nothing behind";
  }
}

TEST(ChainIndex, APersonsMovementsTakeTheRoomTheyNeed) {
  ChainIndex index;
  Touched touched;
  const auto u1 = unitId(1);
  for (int i = 1; i <= 5; ++i) {
    index.put(model::Record{testing::move("M" + std::to_string(i), model::MovementKind::transfer_in, person(1), u1,
                                          day(2020, 1, static_cast<unsigned>(i)))},
              touched);
  }
  const auto* held = index.person(person(1));
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->movements.size(), 5U);
  EXPECT_EQ(held->movements.capacity(), 5U) << "five movements held in room for more";
}

TEST(ChainIndex, AnIndexLinkedToBeReadOnlyKeepsTheReverseIndexesAndTakesNoChange) {
  const auto u1 = unitId(1);
  auto load = [&](ChainIndex& index) {
    Touched touched;
    touched.all_persons = true;
    index.put(
        model::Record{testing::approval("A-1", u1, model::EstabType::admin, 2, day(2024, 1, 1), day(2024, 12, 31))},
        touched);
    index.put(model::Record{testing::roster(person(1), u1, model::EstabType::admin, day(2015, 1, 1))}, touched);
    index.put(model::Record{testing::move("H2", model::MovementKind::hire, person(2), u1, day(2024, 3, 1), "A-1")},
              touched);
    model::Death death;
    death.person_id = person(3);
    death.died_on = day(2024, 2, 1);
    index.put(model::Record{testing::roster(person(3), u1, model::EstabType::admin, day(2010, 1, 1))}, touched);
    index.put(model::Record{death}, touched);
  };
  ChainIndex changing;
  load(changing);
  changing.linkAll(true);
  ChainIndex read_only;
  load(read_only);
  read_only.linkAll(false);

  const ScopeKey scope{u1, static_cast<std::uint8_t>(model::EstabType::admin)};
  for (const auto* index : {&changing, &read_only}) {
    const auto* members = index->members(scope);
    ASSERT_NE(members, nullptr);
    ASSERT_EQ(members->size(), 3U);
    std::vector<model::PersonId> ids;
    for (const auto& [id, records] : *members) {
      ids.push_back(id);
      EXPECT_EQ(records, index->person(id)) << "a member reads the person's own records";
    }
    EXPECT_EQ(ids, (std::vector<model::PersonId>{person(1), person(2), person(3)})) << "members by id";
    const auto* citers = index->citers("A-1");
    ASSERT_NE(citers, nullptr);
    EXPECT_EQ(*citers, std::vector<model::PersonId>{person(2)});
    ASSERT_NE(index->person(person(3))->death(), nullptr);
    EXPECT_EQ(index->person(person(3))->death()->died_on, day(2024, 2, 1));
  }
  EXPECT_NE(changing.person(person(1))->extra, nullptr) << "a changing index keeps the links";
  EXPECT_EQ(read_only.person(person(1))->extra, nullptr) << "a read-only index keeps none";
  EXPECT_TRUE(read_only.person(person(3))->extra->links == PersonLinks{}) << "nor beside a death";

  Touched touched;
  EXPECT_THROW(
      read_only.put(model::Record{testing::roster(person(4), u1, model::EstabType::admin, day(2016, 1, 1))}, touched),
      std::logic_error);
  EXPECT_THROW(read_only.erase(model::RecordType::roster, "x", touched), std::logic_error);
  EXPECT_EQ(read_only.person(person(4)), nullptr);
  read_only.clear();
  EXPECT_NO_THROW(
      read_only.put(model::Record{testing::roster(person(4), u1, model::EstabType::admin, day(2016, 1, 1))}, touched));
}

}  // namespace
}  // namespace staffchain::chain::detail
