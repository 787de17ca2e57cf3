// The HL7 v2 parser: delimiters from MSH, every escape sequence, line endings, batches,
// character sets, and errors that name their place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/value_reader.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"

namespace gallery::hl7v2 {
namespace {

using test_util::ParseOne;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Value(const Message& m, const std::string& path, size_t repetition = 0) {
  auto p = ParseFieldPath(path);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  const Segment* segment = m.Find(p->segment);
  if (segment == nullptr) return "<no segment>";
  auto v = ReadValue(m, *segment, *p, repetition);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : "<error>";
}

std::string ErrorOf(const std::string& text) {
  auto all = ParseAll(text);
  if (!all.ok()) return all.status().ToString();
  for (const auto& m : *all) {
    if (!m.ok()) return m.status().ToString();
  }
  return "OK";
}

std::vector<std::string> Names(const Message& m) {
  std::vector<std::string> out;
  for (const Segment& s : m.segments) out.push_back(s.name);
  return out;
}

constexpr const char* kMsh = "MSH|^~\\&|APP|FAC|HUB|REG|20240102030405||ADT^A01|C1|P|2.5";

Message WithPid(const std::string& pid, const std::string& msh = kMsh) {
  return ParseOne(msh + "\rPID|" + pid + "\r");
}

TEST(ParserTest, ReadsStandardDelimitersFieldsComponentsAndSubcomponents) {
  const Message m = WithPid("1||Id1^^^Auth&1.2.3&ISO^MR~Id2^^^NHS^NH||Smith^Ann^B");
  EXPECT_EQ(m.delimiters.field, '|');
  EXPECT_EQ(m.delimiters.EncodingCharacters(), "^~\\&");
  EXPECT_EQ(Value(m, "MSH-9.1"), "ADT");
  EXPECT_EQ(Value(m, "MSH-9.2"), "A01");
  EXPECT_EQ(Value(m, "MSH-10"), "C1");
  EXPECT_EQ(Value(m, "MSH-2"), "^~\\&");
  EXPECT_EQ(Value(m, "PID-5.1"), "Smith");
  EXPECT_EQ(Value(m, "PID-5"), "Smith Ann B");
  EXPECT_EQ(Value(m, "PID-3.4.2"), "1.2.3");
  EXPECT_EQ(Value(m, "PID-3.4"), "Auth 1.2.3 ISO");
  EXPECT_EQ(Value(m, "PID-3.1", 1), "Id2");
  EXPECT_EQ(Value(m, "PID-3.5", 1), "NH");
  EXPECT_EQ(Value(m, "PID-3.1", 2), "");
  EXPECT_EQ(Value(m, "PID-30"), "");
}

TEST(ParserTest, DecodesEveryDelimiterEscape) {
  // efferent__all_delimiter_escape_sequences.hl7: every delimiter escaped in PID-5.1.
  const Message m = ParseOne(test_util::ReadAll(
      test_util::UpstreamPath("efferent__all_delimiter_escape_sequences.hl7")));
  EXPECT_EQ(Value(m, "PID-5.1"), "Smith|^~\\&");
  EXPECT_EQ(Value(m, "PID-5.2"), "John");
}

TEST(ParserTest, DecodesTruncationEscapeWhenMsh2HasFiveCharacters) {
  const Message m = WithPid("1||A\\P\\B", "MSH|^~\\&#|A|B|C|D|20240101||ADT^A01|C1|P|2.7");
  EXPECT_EQ(m.delimiters.truncation, '#');
  EXPECT_EQ(Value(m, "PID-3"), "A#B");
}

TEST(ParserTest, DecodesHexEscapesInTheMessagesCharacterSet) {
  EXPECT_EQ(Value(WithPid("1||\\X41\\\\X4243\\"), "PID-3"), "ABC");
  EXPECT_EQ(Value(WithPid("1||Caf\\XC3A9\\"), "PID-3"), "Caf\xC3\xA9");
  EXPECT_EQ(Value(WithPid("1||a\\X0D0A\\b"), "PID-3"), "a\r\nb");
  const std::string latin1 =
      "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5||||||8859/1";
  // 00 bytes are padding of 16-bit units; E0 is a-grave in 8859/1.
  EXPECT_EQ(Value(WithPid("1||Citt\\X00E0\\", latin1), "PID-3"), "Citt\xC3\xA0");
}

TEST(ParserTest, HexEscapeThatIsNotUtf8IsRefusedAtItsPlace) {
  const Message m = WithPid("1||ok~x\\X96\\y");
  const Segment* pid = m.Find("PID");
  auto v = ReadValue(m, *pid, *ParseFieldPath("PID-3"), 1);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(),
              HasSubstr("message 1, segment 2 (PID), field 3: hex escape gives bytes that are "
                        "not valid UTF-8"));
}

TEST(ParserTest, FormattingEscapesBecomeLineBreaksOrDisappear) {
  EXPECT_EQ(Value(WithPid("1||one\\.br\\two\\.sp\\three"), "PID-3"), "one\ntwo\nthree");
  EXPECT_EQ(Value(WithPid("1||\\H\\bold\\N\\ \\.in+4\\x\\.fi\\\\.nf\\\\.ce\\"), "PID-3"),
            "bold x");
}

TEST(ParserTest, UnknownAndUnterminatedEscapesAreKeptAsWritten) {
  EXPECT_EQ(Value(WithPid("1||BSV 4\\5 re."), "PID-3"), "BSV 4\\5 re.");
  EXPECT_EQ(Value(WithPid("1||fracture noted\\"), "PID-3"), "fracture noted\\");
  EXPECT_EQ(Value(WithPid("1||a\\Zlocal\\b\\F\\c"), "PID-3"), "a\\Zlocal\\b|c");
  EXPECT_EQ(Value(WithPid("1||\\X4\\"), "PID-3"), "\\X4\\");
}

TEST(ParserTest, CharacterSetSwitchEscapeIsRefused) {
  const Message m = WithPid("1||a\\C2842\\b");
  auto v = ReadValue(m, *m.Find("PID"), *ParseFieldPath("PID-3"));
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("field 3: \\C..\\ or \\M..\\ switches the character set"));
}

TEST(ParserTest, ExplicitNullReadsAsEmpty) {
  EXPECT_EQ(Value(WithPid("1||\"\""), "PID-3"), "");
  EXPECT_EQ(Value(WithPid("1||  padded  "), "PID-3"), "padded");
}

TEST(ParserTest, AcceptsCrLfCrLfBlankLinesAndNoFinalTerminator) {
  const std::string body[] = {std::string(kMsh), "EVN|A01", "PID|1||X", "ZZ1|z"};
  const std::vector<std::string> endings = {"\r", "\n", "\r\n"};
  for (const std::string& eol : endings) {
    std::string text;
    for (const auto& s : body) text += s + eol;
    EXPECT_THAT(Names(ParseOne(text)), ElementsAre("MSH", "EVN", "PID", "ZZ1")) << eol.size();
    text.resize(text.size() - eol.size());
    EXPECT_THAT(Names(ParseOne(text)), ElementsAre("MSH", "EVN", "PID", "ZZ1"));
  }
  const std::string mixed = "\xEF\xBB\xBF" + std::string(kMsh) + "\n\n\r\nEVN|A01\r\r\nPID|1\r \r\nZZ1|z";
  const Message m = ParseOne(mixed);
  EXPECT_THAT(Names(m), ElementsAre("MSH", "EVN", "PID", "ZZ1"));
  EXPECT_EQ(m.segments[3].index, 4);
}

TEST(ParserTest, NonStandardDelimitersComeFromMsh) {
  const Message m = ParseOne("MSH$%~\\&$LAB$$$$20240101$$ADT%A01$C9\rPID$$$555$$EVE%SMITH&JR\r");
  EXPECT_EQ(m.delimiters.field, '$');
  EXPECT_EQ(m.delimiters.component, '%');
  EXPECT_EQ(Value(m, "MSH-9.2"), "A01");
  EXPECT_EQ(Value(m, "PID-5.1"), "EVE");
  EXPECT_EQ(Value(m, "PID-5.2.2"), "JR");
}

TEST(ParserTest, FewerThanFourEncodingCharactersAreTakenByPosition) {
  const Message m = WithPid("1||A&B^C", "MSH|^~&|EPIC||||20191107||ORM^O01|23|T|2.3");
  EXPECT_EQ(m.delimiters.escape, '&');
  EXPECT_EQ(m.delimiters.subcomponent, '\0');
  EXPECT_EQ(Value(m, "PID-3.2"), "C");
  EXPECT_EQ(Value(m, "PID-3.1"), "A&B");  // an unknown escape is kept
}

TEST(ParserTest, BadEncodingCharactersAreRefused) {
  EXPECT_THAT(ErrorOf("MSH|^~\\\\&|A\r"),
              HasSubstr("message 1, segment 1 (MSH), field 2: encoding characters must differ"));
  EXPECT_THAT(ErrorOf("MSH||A\r"), HasSubstr("field 2: expected 1 to 5 encoding characters, found 0"));
  EXPECT_THAT(ErrorOf("MSH|^~\\&#!|A\r"), HasSubstr("found 6"));
  EXPECT_THAT(ErrorOf("MSHA^~\\&\r"),
              HasSubstr("segment 1 (MSHA) of the input: segment before the first MSH"));
}

TEST(ParserTest, BadSegmentNameIsRefusedWithItsPlace) {
  EXPECT_EQ(ErrorOf(std::string(kMsh) + "\rEVN|A01\rWHOOPS|1\r"),
            "INVALID_ARGUMENT: message 1, segment 3 (WHOOPS): not a segment name (three capital "
            "letters or digits) followed by the field separator");
  EXPECT_THAT(ErrorOf(std::string(kMsh) + "\rpid|1\r"), HasSubstr("segment 2 (?)"));
  // A segment that is only its name is fine.
  EXPECT_THAT(Names(ParseOne(std::string(kMsh) + "\rPID\rEVN|A01")), ElementsAre("MSH", "PID", "EVN"));
}

TEST(ParserTest, SplitsSeveralMessagesAndDropsBatchWrappers) {
  const std::string text = "FHS|^~\\&|F\rBHS|^~\\&|B\r" + std::string(kMsh) + "\rPID|1\r" +
                           "MSH|^~\\&|APP|FAC|||20240101||ADT^A08|C2|P|2.5\rPID|2\rBTS|2\r"
                           "BHS|^~\\&|B2\rMSH|^~\\&|X|Y|||20240101||ADT^A03|C3|P|2.5\rBTS|1\rFTS|2";
  auto all = ParseAll(text);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1]->number, 2);
  EXPECT_THAT(Names(*(*all)[1]), ElementsAre("MSH", "PID"));
  EXPECT_EQ(Value(*(*all)[2], "MSH-10"), "C3");
}

TEST(ParserTest, BatchStructureErrorsStopTheWholeInput) {
  EXPECT_EQ(ErrorOf("BHS|^~\\&|B\rEVN|A04\rPID|1"),
            "INVALID_ARGUMENT: segment 2 (EVN) of the input: segment before the first MSH");
  EXPECT_THAT(ErrorOf("FHS|^~\\&\r" + std::string(kMsh) + "\rFHS|^~\\&\r"),
              HasSubstr("segment 3 (FHS) of the input: a file has at most one FHS"));
  EXPECT_THAT(ErrorOf("\r\n  \r\n"), HasSubstr("no MSH segment"));
}

TEST(ParserTest, OneBadMessageDoesNotHideTheOthers) {
  auto all = ParseAll(std::string(kMsh) + "\rPID|1\rMSH|^~\\&|A\rBAD!|x\r" + kMsh + "\r");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE((*all)[0].ok());
  EXPECT_THAT((*all)[1].status().message(), HasSubstr("message 2, segment 2 (BAD)"));
  EXPECT_TRUE((*all)[2].ok());
}

TEST(ParserTest, Latin1MessagesAreConvertedToUtf8) {
  const Message m = WithPid("1||M\xFCller", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5||||||8859/1");
  EXPECT_EQ(m.charset, Charset::kLatin1);
  EXPECT_EQ(Value(m, "PID-3"), "M\xC3\xBCller");
  const Message euro =
      WithPid("1||\xA4", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5||||||8859/15");
  EXPECT_EQ(Value(euro, "PID-3"), "\xE2\x82\xAC");
}

TEST(ParserTest, BytesThatAreNotUtf8AreRefusedNamingTheField) {
  EXPECT_EQ(ErrorOf(std::string(kMsh) + "\rPID|1||M\xFCller\r"),
            "INVALID_ARGUMENT: message 1, segment 2 (PID), field 3: bytes that are not valid "
            "UTF-8 (MSH-18 names no other character set)");
  EXPECT_THAT(ErrorOf("MSH|^~\\&|A|B|C|D|1||ADT^A01|C|P|2.5||||||ASCII\rPID|1||\xC3\xA9\r"),
              HasSubstr("field 3: bytes outside ASCII although MSH-18 says ASCII"));
  EXPECT_THAT(ErrorOf("MSH|^~\\&|A|B|C|D|1||ADT^A01|C|P|2.5||||||ISO IR87\r"),
              HasSubstr("field 18: character set 'ISO IR87' is not supported"));
  // Overlong and surrogate encodings are not UTF-8 either.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD\xF0\x9F\x98\x80"));
}

TEST(ParserTest, ErrorsNeverQuoteValues) {
  const std::string secret = "Zebedee9990000018";
  for (const std::string& text :
       {std::string(kMsh) + "\rPID|1||" + secret + "\xFF\r",
        std::string(kMsh) + "\rPID|1||" + secret + "\rBAD" + secret + "|1"}) {
    EXPECT_THAT(ErrorOf(text), Not(HasSubstr(secret)));
  }
}

TEST(EscapeTest, EscapeThenUnescapeRoundTrips) {
  const Delimiters d;
  const std::string text = "a|b^c~d\\e&f\r\ng";
  const std::string encoded = Escape(text, d);
  EXPECT_EQ(encoded, "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\X0D\\\\X0A\\g");
  EXPECT_EQ(*Unescape(encoded, d, Charset::kUtf8), text);
}

TEST(FieldPathTest, ParsesHl7StylePathsAndRefusesOthers) {
  auto p = ParseFieldPath("PD1-3.10");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->segment, "PD1");
  EXPECT_EQ(p->field, 3);
  EXPECT_EQ(p->component, 10);
  EXPECT_EQ(ParseFieldPath("PID-11.5.1")->subcomponent, 1);
  for (const char* bad : {"PID5", "PID-", "PID-0", "pid-5", "PID-5.", "PID-1.2.3.4", "PID-x"}) {
    EXPECT_FALSE(ParseFieldPath(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseFieldPath("PID5").status().message(),
            "'PID5' is not a field path like PID-5 or PID-5.1");
}

}  // namespace
}  // namespace gallery::hl7v2
