#include "adapters/csv/import_tally.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::csv {
namespace {

TEST(ImportTallyTest, AllConfirmedIncludingDuplicatesExitsZero) {
  ImportTally tally;
  const size_t f = tally.AddFile("a.csv", 3);
  ASSERT_TRUE(tally.Sent(f, 2, "r1"));
  ASSERT_TRUE(tally.Sent(f, 3, "r2"));
  ASSERT_TRUE(tally.Sent(f, 5, "r3"));
  EXPECT_TRUE(tally.Settle("r2", OkStatus(), true));
  EXPECT_TRUE(tally.Settle("r1", OkStatus(), false));
  EXPECT_TRUE(tally.Settle("r3", OkStatus(), false));
  EXPECT_EQ(tally.Report(f, false), "a.csv: 3 rows, 2 confirmed, 1 duplicates, 0 rejected\n");
  EXPECT_EQ(tally.ExitCode(), kExitAllConfirmed);
}

TEST(ImportTallyTest, RefusalsAreListedInLineOrderWithoutTheirOwnPosition) {
  ImportTally tally;
  const size_t f = tally.AddFile("a.csv", 3);
  ASSERT_TRUE(tally.Sent(f, 4, "r3"));
  tally.Reject(f, 3, "r2",
               "a.csv:3: column 'DOB' (subject.birth_date): not a date in format %d/%m/%Y");
  tally.Reject(f, 2, "", "a.csv:2:7: row has 4 fields, header has 3");
  EXPECT_TRUE(tally.Settle("r3", Status(Code::kPermissionDenied, "agency may not publish"), false));
  EXPECT_EQ(tally.Report(f, false),
            "a.csv: 3 rows, 0 confirmed, 0 duplicates, 3 rejected\n"
            "a.csv:2: record (no id): row has 4 fields, header has 3\n"
            "a.csv:3: record r2: column 'DOB' (subject.birth_date): not a date in format "
            "%d/%m/%Y\n"
            "a.csv:4: record r3: hub refused it: PERMISSION_DENIED: agency may not publish\n");
  EXPECT_EQ(tally.ExitCode(), kExitRowsRefused);
}

TEST(ImportTallyTest, UnsettledRecordsAreUnconfirmedAndWinTheExitCode) {
  ImportTally tally;
  const size_t a = tally.AddFile("a.csv", 2);
  const size_t b = tally.AddFile("b.csv", 1);
  ASSERT_TRUE(tally.Sent(a, 2, "r1"));
  ASSERT_TRUE(tally.Sent(a, 3, "r2"));
  tally.Reject(b, 2, "r9", "b.csv:2: column 'X' (record_id): empty, so the row has no record id");
  EXPECT_TRUE(tally.Settle("r1", OkStatus(), false));
  EXPECT_EQ(tally.Report(a, false),
            "a.csv: 2 rows, 1 confirmed, 0 duplicates, 0 rejected, 1 unconfirmed\n");
  EXPECT_EQ(tally.unconfirmed(), 1u);
  EXPECT_EQ(tally.ExitCode(), kExitNotConfirmedInTime);
}

TEST(ImportTallyTest, SameRecordIdTwiceInOneRunRefusesTheSecondRow) {
  ImportTally tally;
  const size_t a = tally.AddFile("a.csv", 1);
  const size_t b = tally.AddFile("b.csv", 1);
  ASSERT_TRUE(tally.Sent(a, 2, "r1"));
  EXPECT_FALSE(tally.Sent(b, 7, "r1"));
  EXPECT_EQ(tally.Report(b, false),
            "b.csv: 1 rows, 0 confirmed, 0 duplicates, 1 rejected\n"
            "b.csv:7: record r1: same record id as a.csv:2; the hub would keep only one of them\n");
}

TEST(ImportTallyTest, OutcomesForUnknownOrSettledIdsAreIgnored) {
  ImportTally tally;
  const size_t f = tally.AddFile("a.csv", 1);
  EXPECT_FALSE(tally.Settle("nope", OkStatus(), false));
  ASSERT_TRUE(tally.Sent(f, 2, "r1"));
  EXPECT_TRUE(tally.Settle("r1", OkStatus(), false));
  EXPECT_FALSE(tally.Settle("r1", OkStatus(), true));
  EXPECT_EQ(tally.Report(f, false), "a.csv: 1 rows, 1 confirmed, 0 duplicates, 0 rejected\n");
}

TEST(ImportTallyTest, SendFailureIsARefusal) {
  ImportTally tally;
  const size_t f = tally.AddFile("a.csv", 1);
  ASSERT_TRUE(tally.Sent(f, 2, "r1"));
  tally.SendFailed("r1", Status(Code::kUnauthenticated, "hub refused session: unknown agency"));
  EXPECT_EQ(tally.Report(f, false),
            "a.csv: 1 rows, 0 confirmed, 0 duplicates, 1 rejected\n"
            "a.csv:2: record r1: not sent: UNAUTHENTICATED: hub refused session: unknown agency\n");
}

TEST(ImportTallyTest, CheckModeReportsMappedRows) {
  ImportTally tally;
  const size_t f = tally.AddFile("a.csv", 2);
  ASSERT_TRUE(tally.Sent(f, 2, "r1"));
  EXPECT_TRUE(tally.Settle("r1", OkStatus(), false));
  tally.Reject(f, 3, "r2", "a.csv:3: column 'N' (subject.nhs_number): check digit does not match");
  EXPECT_EQ(tally.Report(f, true),
            "a.csv: 2 rows, 1 mapped, 1 rejected\n"
            "a.csv:3: record r2: column 'N' (subject.nhs_number): check digit does not match\n");
  EXPECT_EQ(tally.ExitCode(), kExitRowsRefused);
}

}  // namespace
}  // namespace gallery::csv
