#include "linli/drivers/scanner.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace linli {
namespace {

using std::chrono::milliseconds;
using namespace std::string_view_literals;
using Codes = std::vector<std::string>;

ScannerOptions With(ScanSuffix suffix) {
  ScannerOptions o;
  o.suffix = suffix;
  return o;
}

Codes FeedAll(ScanAssembler& a, std::initializer_list<std::string_view> pieces) {
  Codes out;
  for (std::string_view p : pieces) {
    for (auto& c : a.Feed(p)) out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("scanner: each suffix ends a code, the other line ending is noise") {
  {
    ScanAssembler a(With(ScanSuffix::kCr));
    CHECK(FeedAll(a, {"6901234567892\r", "\n123\r"}) == Codes{"6901234567892", "123"});
    CHECK(a.stats().noise_bytes == 1);
  }
  {
    ScanAssembler a(With(ScanSuffix::kLf));
    CHECK(FeedAll(a, {"690123\r\n", "42\n"}) == Codes{"690123", "42"});
    CHECK(a.stats().noise_bytes == 1);
  }
  {
    ScanAssembler a(With(ScanSuffix::kCrLf));
    CHECK(FeedAll(a, {"12\r", "\n", "34\n", "5\r6\r\n"}) == Codes{"12", "3456"});
    CHECK(a.stats().noise_bytes == 2);  // the lone LF and the lone CR
  }
  {
    ScanAssembler a(With(ScanSuffix::kAuto));
    CHECK(FeedAll(a, {"1\r", "2\n", "3\r\n", "4\n\r", "\r\n"}) == Codes{"1", "2", "3", "4"});
    CHECK(a.stats().codes == 4);
  }
}

TEST_CASE("scanner: a code split into single bytes is assembled") {
  ScanAssembler a(With(ScanSuffix::kCr));
  Codes out;
  for (char c : std::string("6901234567892\r")) {
    for (auto& code : a.Feed(std::string_view(&c, 1))) out.push_back(code);
  }
  CHECK(out == Codes{"6901234567892"});
  CHECK(!a.pending());
}

TEST_CASE("scanner: NUL, framing and control bytes and broken UTF-8 are stripped, UTF-8 payloads kept") {
  ScanAssembler a(With(ScanSuffix::kCr));
  const std::string noisy = std::string("\x02" "690\0" "12\x1b" "3\x7f\x03\r", 12);
  CHECK(a.Feed(noisy) == Codes{"690123"});
  CHECK(a.stats().noise_bytes == 5);
  CHECK(a.Feed("\xff\xfe" "42\r") == Codes{"42"});                  // baud-mismatch garbage
  CHECK(a.Feed("  ABC-1 \r") == Codes{"ABC-1"});                      // trimmed
  CHECK(a.Feed("\xe9\x82\xbb\xe9\x87\x8c\r") == Codes{"邻里"});       // a QR with Chinese text
  CHECK(a.Feed("\x01\x02\r").empty());                                // nothing printable: no code
}

TEST_CASE("scanner: an overlong code is dropped whole and the next one is fine") {
  ScannerOptions o = With(ScanSuffix::kCr);
  o.max_length = 8;
  ScanAssembler a(o);
  CHECK(a.Feed("12345678\r").size() == 1);
  CHECK(FeedAll(a, {"123456789", "0123\r", "42\r"}) == Codes{"42"});
  CHECK(a.stats().overlong_dropped == 1);
}

TEST_CASE("scanner: a pause drops a fragment, or delivers it with no suffix or when asked") {
  {
    ScanAssembler a(With(ScanSuffix::kCr));
    CHECK(a.Feed("69012").empty());
    CHECK(a.pending());
    CHECK(!a.Pause().has_value());
    CHECK(a.stats().fragments_dropped == 1);
    CHECK(a.Feed("42\r") == Codes{"42"});  // not glued to the fragment
  }
  {
    ScanAssembler a(With(ScanSuffix::kNone));
    CHECK(a.Feed("6901234567892").empty());
    auto code = a.Pause();
    REQUIRE(code.has_value());
    CHECK(*code == "6901234567892");
  }
  {
    ScannerOptions o = With(ScanSuffix::kCrLf);
    o.deliver_fragments = true;
    ScanAssembler a(o);
    CHECK(a.Feed("123\r").empty());  // CR without its LF
    auto code = a.Pause();
    REQUIRE(code.has_value());
    CHECK(*code == "123");
  }
}

TEST_CASE("scanner: suffix names parse") {
  CHECK(*ParseScanSuffix("crlf") == ScanSuffix::kCrLf);
  CHECK(std::string(ScanSuffixName(ScanSuffix::kLf)) == "lf");
  CHECK(!ParseScanSuffix("tab").ok());
}

TEST_CASE("scanner: SerialScanner on a fake port delivers codes, flushes fragments and reports a disconnect") {
  auto owned = std::make_unique<FakeSerialPort>();
  FakeSerialPort* port = owned.get();
  Codes got;
  ScannerOptions o = With(ScanSuffix::kCr);
  SerialScanner s(std::move(owned), o, [&](const std::string& c) { got.push_back(c); });
  port->PushInput("6901");
  port->PushInput("234567892\r77");
  REQUIRE(s.Poll(100).ok());
  CHECK(got == Codes{"6901234567892"});
  CHECK(s.stats().fragments_dropped == 1);  // "77" and then silence
  port->PushInput("88\r");
  port->Disconnect();
  Status st = s.Poll(100);
  CHECK(got == Codes{"6901234567892", "88"});
  CHECK(st.code() == Status::Code::kIoError);
  CHECK(!s.connected());
  Status after = s.Poll(10);
  CHECK(after.code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("scanner: SerialScanner reopens the port through its opener after a disconnect") {
  int opens = 0;
  std::vector<FakeSerialPort*> ports;
  SerialPortOpener opener = [&]() -> Result<std::unique_ptr<SerialPort>> {
    ++opens;
    if (opens == 2) return Status::NotFound("serial port fake does not exist");  // still unplugged
    auto p = std::make_unique<FakeSerialPort>();
    p->PushInput(opens == 1 ? "111\r" : "333\r");
    if (opens == 1) p->Disconnect();
    ports.push_back(p.get());
    return std::unique_ptr<SerialPort>(std::move(p));
  };
  ScannerOptions o = With(ScanSuffix::kCr);
  o.reconnect_interval_ms = 0;
  Codes got;
  SerialScanner s(opener, o, [&](const std::string& c) { got.push_back(c); });
  CHECK(s.Poll(10).code() == Status::Code::kIoError);  // opened, read 111, then the unplug
  CHECK(s.Poll(10).IsNotFound());                        // reopening fails
  CHECK(s.Poll(10).ok());                                // back
  CHECK(got == Codes{"111", "333"});
  CHECK(s.stats().disconnects == 1);
  CHECK(s.stats().reconnects >= 1);
}

// ---- against a pseudo-terminal playing the scanner

TEST_CASE("scanner: pty scanner sends codes in delayed pieces with garbage between them") {
  auto dev = PtyDevice::Open();
  REQUIRE(dev.ok());
  auto port = PosixSerialPort::Open((*dev)->port_path(), SerialOptions{9600});
  REQUIRE(port.ok());
  ScannerOptions o = With(ScanSuffix::kCrLf);
  o.inter_byte_timeout_ms = 400;
  Codes got;
  SerialScanner s(std::move(*port), o, [&](const std::string& c) { got.push_back(c); });
  std::jthread device([&] {
    for (std::string_view piece : {"\x00\xff"sv, "69012"sv, "3456"sv, "7892\r"sv, "\n\x1b"sv, "2000012"sv, "345678\r\n"sv}) {
      (void)(*dev)->Write(piece);
      std::this_thread::sleep_for(milliseconds(25));
    }
  });
  for (int i = 0; i < 40 && got.size() < 2; ++i) REQUIRE(s.Poll(100).ok());
  CHECK(got == Codes{"6901234567892", "2000012345678"});
}

TEST_CASE("scanner: pty scanner that goes quiet mid-code, then hangs up, then is plugged in again") {
  auto first = PtyDevice::Open();
  REQUIRE(first.ok());
  auto second = PtyDevice::Open();
  REQUIRE(second.ok());
  int opens = 0;
  SerialPortOpener opener = [&]() -> Result<std::unique_ptr<SerialPort>> {
    ++opens;
    return PosixSerialPort::Open((opens == 1 ? *first : *second)->port_path(), SerialOptions{9600});
  };
  ScannerOptions o = With(ScanSuffix::kCr);
  o.inter_byte_timeout_ms = 100;
  o.reconnect_interval_ms = 50;
  Codes got;
  SerialScanner s(opener, o, [&](const std::string& c) { got.push_back(c); });
  REQUIRE(s.Poll(10).ok());  // opens the first port
  REQUIRE((*first)->Write("690123").ok());
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(s.Poll(50).ok());
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(took < 2000);
  CHECK(got.empty());
  CHECK(s.stats().fragments_dropped == 1);

  (*first)->Hangup();
  Status st = Status::Ok();
  for (int i = 0; i < 20 && st.ok(); ++i) st = s.Poll(50);
  CHECK(st.code() == Status::Code::kIoError);
  CHECK(st.message().find("disconnected") != std::string::npos);

  for (int i = 0; i < 20 && !s.connected(); ++i) (void)s.Poll(50);
  REQUIRE(s.connected());
  REQUIRE((*second)->Write("42\r").ok());
  for (int i = 0; i < 20 && got.empty(); ++i) REQUIRE(s.Poll(50).ok());
  CHECK(got == Codes{"42"});
  CHECK(s.stats().reconnects == 1);
}

}  // namespace linli
