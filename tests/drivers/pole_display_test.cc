#include "linli/drivers/pole_display.h"

#include <doctest/doctest.h>

#include <string>

#include "linli/pos/text.h"

namespace linli {
namespace {

const std::string kInit = "\x1B\x40\x0C";  // ESC @, FF
std::string At(int x, int y) { return std::string("\x1F\x24") + char(x) + char(y); }
std::string Spaces(int n) { return std::string(static_cast<size_t>(n), ' '); }

PoleDisplayOptions Opts(DisplayEncoding e, DisplayCommandSet c = DisplayCommandSet::kEpson) {
  PoleDisplayOptions o;
  o.encoding = e;
  o.commands = c;
  return o;
}

}  // namespace

TEST_CASE("display: Chinese item and total in GB18030, two lines of exactly 20 columns") {
  FakeSerialPort port;
  PoleDisplay d(&port, Opts(DisplayEncoding::kGb18030));
  REQUIRE(d.ShowItem("可口可乐", 350, 1250).ok());
  // 可口可乐 (8 columns) + 8 spaces + "3.50"; 合计 (4) + 11 spaces + "12.50".
  const std::string expected = kInit + At(1, 1) + "\xbf\xc9\xbf\xda\xbf\xc9\xc0\xd6" + Spaces(8) + "3.50" +
                               At(1, 2) + "\xba\xcf\xbc\xc6" + Spaces(11) + "12.50";
  CHECK(port.written() == expected);

  // The next screen does not initialise again.
  const size_t before = port.written().size();
  REQUIRE(d.ShowThanks(750).ok());
  const std::string thanks = port.written().substr(before);
  CHECK(thanks == At(1, 1) + "\xd0\xbb\xd0\xbb\xbb\xdd\xb9\xcb" + Spaces(12) + At(1, 2) + "\xd5\xd2\xc1\xe3" +
                      Spaces(12) + "7.50");
}

TEST_CASE("display: a long Chinese name is cut on a character boundary, never half a character") {
  FakeSerialPort port;
  PoleDisplay d(&port, Opts(DisplayEncoding::kGb18030));
  // Room for the name: 20 - "3.50" - 1 space = 15 columns → 7 CJK characters (14) + padding.
  REQUIRE(d.ShowItem("东北五常稻花香大米（真空包装）", 350, 350).ok());
  auto screen = d.EncodeScreen("一二三四五六七八九十一", "x");  // 22 columns → 10 characters
  REQUIRE(screen.ok());
  const std::string line1 = screen->substr(4, 20);
  CHECK(line1.size() == 20);  // 10 two-byte characters exactly fill 20 columns
  CHECK(screen->substr(24, 4) == At(1, 2));
  // The item line: 7 characters (14 bytes in GB18030), 2 spaces, "3.50" → 20 bytes.
  const std::string& w = port.written();
  const size_t item_at = kInit.size() + 4;
  CHECK(w.substr(item_at + 14, 6) == "  3.50");
}

TEST_CASE("display: ASCII displays get pinyin, English labels and only printable ASCII") {
  FakeSerialPort port;
  PoleDisplay d(&port, Opts(DisplayEncoding::kAscii));
  REQUIRE(d.ShowItem("可口可乐", 350, 1250).ok());
  const std::string& w = port.written();
  for (size_t i = kInit.size(); i < w.size(); ++i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (c == 0x1F && i + 3 < w.size()) {  // cursor command and its arguments
      i += 3;
      continue;
    }
    CHECK(c >= 0x20);
    CHECK(c < 0x7F);
  }
  CHECK(w.find("ke kou ke le") != std::string::npos);
  CHECK(w.find("TOTAL          12.50") != std::string::npos);
  const size_t before = w.size();
  REQUIRE(d.ShowThanks(0).ok());
  CHECK(port.written().substr(before) == At(1, 1) + "THANK YOU" + Spaces(11) + At(1, 2) + "CHANGE" + Spaces(10) + "0.00");
  const size_t before_total = port.written().size();
  REQUIRE(d.ShowTotal(99900).ok());
  CHECK(port.written().substr(before_total) ==
        At(1, 1) + "PLEASE PAY" + Spaces(10) + At(1, 2) + "TOTAL" + Spaces(9) + "999.00");
}

TEST_CASE("display: CD5220 command set, clear, and control bytes in names cannot become commands") {
  FakeSerialPort port;
  PoleDisplay d(&port, Opts(DisplayEncoding::kAscii, DisplayCommandSet::kCd5220));
  REQUIRE(d.Clear().ok());
  CHECK(port.written() == kInit + "\x0C");
  REQUIRE(d.ShowLines("A\x1B@B", "").ok());
  CHECK(port.written().substr(kInit.size() + 1) ==
        std::string("\x1B\x6C\x01\x01") + "A @B" + Spaces(16) + "\x1B\x6C\x01\x02" + Spaces(20));
  CHECK(!d.ShowLines("\xff\xfe", "x").ok());  // not UTF-8
  CHECK(*ParseDisplayEncoding("ascii") == DisplayEncoding::kAscii);
  CHECK(!ParseDisplayEncoding("big5").ok());
  CHECK(*ParseDisplayCommandSet("cd5220") == DisplayCommandSet::kCd5220);
}

TEST_CASE("display: against a pty, an unplugged display is reported as disconnected") {
  auto dev = PtyDevice::Open();
  REQUIRE(dev.ok());
  auto port = PosixSerialPort::Open((*dev)->port_path(), SerialOptions{9600});
  REQUIRE(port.ok());
  PoleDisplay d(port->get(), Opts(DisplayEncoding::kGb18030));
  REQUIRE(d.ShowTotal(1247).ok());
  std::string got;
  for (int i = 0; i < 50 && got.size() < kInit.size() + 4 + 20 + 4 + 20; ++i) {
    auto r = (*dev)->Read(256, 20);
    REQUIRE(r.ok());
    got += *r;
  }
  CHECK(got == kInit + At(1, 1) + "\xc7\xeb\xb8\xb6\xbf\xee" + Spaces(14) + At(1, 2) + "\xba\xcf\xbc\xc6" + Spaces(11) +
                   "12.47");
  (*dev)->Hangup();
  Status st = d.ShowThanks(0);
  CHECK(st.code() == Status::Code::kIoError);
  CHECK(st.message().find("disconnected") != std::string::npos);
}

}  // namespace linli
