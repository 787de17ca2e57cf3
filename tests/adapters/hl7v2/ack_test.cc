// ACKs, MLLP framing, the listener's per-message decision and adapter-hl7v2's flags.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/adapter_args.h"
#include "adapters/hl7v2/inbound.h"
#include "adapters/hl7v2/mllp_framing.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"

namespace gallery::hl7v2 {
namespace {

using test_util::ParseOne;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> Segments(const std::string& ack) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < ack.size(); ++i) {
    if (ack[i] == '\r') {
      out.push_back(ack.substr(start, i - start));
      start = i + 1;
    }
  }
  EXPECT_EQ(start, ack.size()) << "every segment ends with CR";
  return out;
}

constexpr const char* kMessage =
    "MSH|^~\\&|PAS|RGH|HUB|REG|20240611093000||ADT^A01^ADT_A01|MSG42|P|2.5.1\r"
    "PID|1||H1^^^RGH^MR\r";

TEST(AckTest, AcceptSwapsApplicationsAndEchoesTheControlId) {
  const Message m = ParseOne(kMessage);
  const std::string ack = BuildAck(&m, AckCode::kAccept, "", "GA1-1", "20240611093001+0000");
  EXPECT_THAT(Segments(ack), ElementsAre("MSH|^~\\&|HUB|REG|PAS|RGH|20240611093001+0000||"
                                         "ACK^A01^ACK|GA1-1|P|2.5.1",
                                         "MSA|AA|MSG42"));
}

TEST(AckTest, ErrorCarriesReasonAndLocationInMsaAndErr) {
  const Message m = ParseOne(kMessage);
  const std::string ack = BuildAck(
      &m, AckCode::kError, "message 1, segment 2 (PID), field 7: not an HL7 date (YYYYMMDD)",
      "GA1-2", "20240611093001+0000");
  const auto segments = Segments(ack);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1],
            "MSA|AE|MSG42|message 1, segment 2 (PID), field 7: not an HL7 date (YYYYMMDD)");
  EXPECT_EQ(segments[2],
            "ERR||PID^1^7|102^Data type error^HL70357|E||||message 1, segment 2 (PID), field 7: "
            "not an HL7 date (YYYYMMDD)");
}

TEST(AckTest, OlderVersionsGetTheirErrLayoutAndRejectHasNoErr) {
  const Message m = ParseOne(
      "MSH|^~\\&|A|B|C|D|20240101||ORM^O01|X1|T|2.3\rPID|1\r");
  const auto ae = Segments(BuildAck(&m, AckCode::kError,
                                    "message 1, segment 1 (MSH), field 9: message type ORM^O01 is "
                                    "not in the mapping m.yaml",
                                    "C", "T"));
  ASSERT_EQ(ae.size(), 3u);
  EXPECT_EQ(ae[2], "ERR|MSH^1^9^200&Unsupported message type&HL70357");
  // The reason's '^' is escaped: the ACK uses the message's own delimiters.
  EXPECT_THAT(ae[1], HasSubstr("message type ORM\\S\\O01"));
  const auto ar = Segments(BuildAck(&m, AckCode::kReject, "hub unavailable", "C", "T"));
  EXPECT_THAT(ar, ElementsAre(StartsWith("MSH|^~\\&|C|D|A|B|T||ACK^O01^ACK|C|T|2.3"),
                              "MSA|AR|X1|hub unavailable"));
}

TEST(AckTest, UsesTheMessagesOwnDelimitersAndCharacterSet) {
  const Message m = ParseOne(
      "MSH$%~\\&$LAB$H\xF4pital$HUB$REG$20240101$$ORU%R01$C7$P$2.4$$$$$$8859/1\rPID$1\r");
  const std::string ack = BuildAck(&m, AckCode::kAccept, "", "A1", "T");
  EXPECT_EQ(ack,
            "MSH$%~\\&$HUB$REG$LAB$H\xF4pital$T$$ACK%R01%ACK$A1$P$2.4$$$$$$8859/1\r"
            "MSA$AA$C7\r");
}

TEST(AckTest, UnreadableMessageGetsAStandardAckWithoutControlId) {
  EXPECT_FALSE(ParseHeaderOnly("PID|1||x\r").has_value());
  const auto segments = Segments(BuildAck(nullptr, AckCode::kError, "no MSH segment", "A", "T"));
  EXPECT_THAT(segments, ElementsAre("MSH|^~\\&|||||T||ACK|A|P|2.5", "MSA|AE||no MSH segment",
                                    "ERR|||207^Application internal error^HL70357|E||||no MSH segment"));
  const auto header = ParseHeaderOnly("\xEF\xBB\xBFMSH|^~\\&|A|B|C|D|1||ADT^A01|K9|P|2.5\rPID|\xFF");
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->msh().Field(10), "K9");
}

TEST(MllpFramingTest, ReassemblesMessagesSplitAcrossReadsAndSkipsNoise) {
  MllpDecoder decoder(1024);
  std::vector<MllpMessage> out;
  const std::string stream = "\r\n" + MllpFrame("MSH|one") + MllpFrame("MSH|two") + "x";
  for (char c : stream) decoder.Feed(std::string_view(&c, 1), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, "MSH|one");
  EXPECT_EQ(out[1].payload, "MSH|two");
  EXPECT_EQ(decoder.skipped(), 3u);
  EXPECT_FALSE(decoder.in_message());
  decoder.Feed("\x0BMSH|a\x1Cz\x1C\x1C\x0D", out);  // 0x1C without CR is content
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].payload, "MSH|a\x1Cz\x1C");
  decoder.Feed("\x0BMSH|lost\x0BMSH|again\x1C\x0D", out);  // a new start drops the partial one
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3].payload, "MSH|again");
}

TEST(MllpFramingTest, OversizedMessageIsFlaggedKeepingItsStart) {
  MllpDecoder decoder(2000);
  std::vector<MllpMessage> out;
  decoder.Feed(MllpFrame(std::string(kMessage) + std::string(5000, 'x')), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].too_large);
  EXPECT_EQ(out[0].payload.size(), 2000u);
  EXPECT_THAT(out[0].payload, StartsWith("MSH|^~\\&|PAS"));
}

TEST(InboundTest, PreparesAValidMessageAndExplainsRefusals) {
  auto mapping = Hl7Mapping::Load(test_util::DemoMappingPath());
  ASSERT_TRUE(mapping.ok());
  const std::string good =
      "MSH|^~\\&|PAS|RGH|HUB|REG|20240611093000||ADT^A04|MSG42|P|2.5.1\r"
      "PID|1||H1^^^RGH^MR||Smith^Ann\r";
  Prepared p = PrepareMessage({good, false}, *mapping, 1 << 20);
  ASSERT_TRUE(p.record.has_value()) << p.reason;
  EXPECT_EQ(p.record->record_id(), "hosp-general:hl7:RGH:MSG42");

  p = PrepareMessage({good + good, false}, *mapping, 1 << 20);
  EXPECT_EQ(p.reason, "a frame must hold one message, this one holds 2");
  EXPECT_TRUE(p.header.has_value());
  p = PrepareMessage({good.substr(0, 40), true}, *mapping, 4096);
  EXPECT_EQ(p.reason, "message is larger than the limit of 4096 bytes");
  p = PrepareMessage({"MSH|^~\\&|PAS|RGH|HUB|REG|20240611||ADT^A04|M2|P|2.5\rPID|1\r", false}, *mapping,
                     1 << 20);
  EXPECT_EQ(p.reason,
            "message 1: the hub would refuse the record: subject: needs an nhs_number or at "
            "least one local id");
  EXPECT_EQ(AckCodeFor(OkStatus()), AckCode::kAccept);
  EXPECT_EQ(AckCodeFor(InvalidArgument("x")), AckCode::kError);
  EXPECT_EQ(AckCodeFor(PermissionDenied("x")), AckCode::kError);
  EXPECT_EQ(AckCodeFor(Unavailable("x")), AckCode::kReject);
  EXPECT_EQ(AckCodeFor(Unauthenticated("x")), AckCode::kReject);
}

TEST(AdapterArgsTest, ParsesListenAndCheckModes) {
  auto a = ParseAdapterArgs({"--hub", "tcp://127.0.0.1:5555", "--mapping", "m.yaml", "--listen",
                             "127.0.0.1:2575", "--confirm-timeout-ms=500"});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->listen_host, "127.0.0.1");
  EXPECT_EQ(a->listen_port, 2575);
  EXPECT_EQ(a->confirm_timeout.count(), 500);
  auto c = ParseAdapterArgs({"--mapping", "m.yaml", "--check", "a.hl7", "b.hl7", "--verbose"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_THAT(c->check, ElementsAre("a.hl7", "b.hl7"));
  EXPECT_TRUE(c->verbose);
}

TEST(AdapterArgsTest, RefusesBadOrMissingOptions) {
  auto message = [](std::vector<std::string> args) {
    return ParseAdapterArgs(args).status().message();
  };
  EXPECT_EQ(message({"--mapping", "m", "--hub", "h"}), "missing --listen HOST:PORT");
  EXPECT_EQ(message({"--mapping", "m", "--listen", "1.2.3.4:2575"}), "missing --hub (or use --check)");
  EXPECT_EQ(message({"--mapping", "m", "--check"}), "--check needs at least one file");
  EXPECT_EQ(message({"--mapping", "m", "--hub", "h", "--listen", "host"}),
            "--listen must be HOST:PORT, e.g. 127.0.0.1:2575");
  EXPECT_EQ(message({"--mapping", "m", "--hub", "h", "--listen", "a:1", "--read-timeout-ms", "0"}),
            "--read-timeout-ms must be a whole number of milliseconds from 1 to 86400000");
  EXPECT_EQ(message({"--mapping", "m", "stray"}), "unexpected argument 'stray'");
  EXPECT_EQ(message({"--frobnicate"}), "unknown option '--frobnicate'");
}

}  // namespace
}  // namespace gallery::hl7v2
