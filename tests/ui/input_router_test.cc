// Scanner bursts versus a person typing.
#include <doctest/doctest.h>

#include "linli/ui/input_router.h"

namespace linli::ui {
namespace {

using Kind = RoutedInput::Kind;

// Feeds `s` with `gap_ms` between characters from t, returns the time of the last.
int64_t Feed(InputRouter& r, const std::string& s, int64_t t, int64_t gap_ms) {
  for (char c : s) {
    t += gap_ms;
    r.OnChar(static_cast<unsigned char>(c), t);
  }
  return t;
}

TEST_CASE("a scanner burst ending in Enter is one scan, nothing reaches the widget") {
  InputRouter r;
  int64_t t = Feed(r, "6901234567892", 1000, 4);
  CHECK(r.holding());
  r.OnEnter(t + 6);
  auto out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0] == RoutedInput{Kind::kScan, "6901234567892"});
  CHECK(!r.holding());
}

TEST_CASE("a person typing digits and Enter is text then Enter") {
  InputRouter r;
  int64_t t = 1000;
  for (char c : std::string("6901")) {
    t += 150;
    r.OnChar(static_cast<unsigned char>(c), t);
    r.Poll(t + 40);  // frames pass between keystrokes
  }
  r.OnEnter(t + 200);
  auto out = r.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == RoutedInput{Kind::kText, "6901"});
  CHECK(out[1].kind == Kind::kEnter);
}

TEST_CASE("held characters are released after max_gap_ms without input") {
  InputRouter r;
  r.OnChar('5', 1000);
  r.Poll(1020);
  CHECK(r.Take().empty());  // still possibly a scan
  r.Poll(1031);
  auto out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0] == RoutedInput{Kind::kText, "5"});
}

TEST_CASE("a slow Enter after a fast burst is typing") {
  InputRouter r;
  int64_t t = Feed(r, "12345678", 0, 5);
  r.OnEnter(t + 300);
  auto out = r.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == RoutedInput{Kind::kText, "12345678"});
  CHECK(out[1].kind == Kind::kEnter);
}

TEST_CASE("too short a burst is not a scan (a fast double tap and Enter)") {
  InputRouter r;
  int64_t t = Feed(r, "12", 0, 10);
  r.OnEnter(t + 10);
  auto out = r.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == RoutedInput{Kind::kText, "12"});
  CHECK(out[1].kind == Kind::kEnter);
}

TEST_CASE("typing, then a scan arriving: the typed part stays text, the scan is a scan") {
  InputRouter r;
  r.OnChar('5', 0);
  r.Poll(100);
  int64_t t = Feed(r, "2100123015368", 500, 3);
  r.OnEnter(t + 3);
  auto out = r.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == RoutedInput{Kind::kText, "5"});
  CHECK(out[1] == RoutedInput{Kind::kScan, "2100123015368"});
}

TEST_CASE("a gap inside a burst splits it: the first part is typing") {
  InputRouter r;
  int64_t t = Feed(r, "123", 0, 5);
  t = Feed(r, "4567890", t + 200, 5);  // 200 ms pause, then fast
  r.OnEnter(t + 5);
  auto out = r.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == RoutedInput{Kind::kText, "123"});
  CHECK(out[1] == RoutedInput{Kind::kScan, "4567890"});
}

TEST_CASE("a receipt QR with letters and punctuation scans whole") {
  InputRouter r;
  const std::string qr = "LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d";
  int64_t t = Feed(r, qr, 0, 2);
  r.OnEnter(t + 2);
  auto out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0] == RoutedInput{Kind::kScan, qr});
}

TEST_CASE("another key releases held characters first, keeping the order of edits") {
  InputRouter r;
  r.OnChar('a', 0);
  r.OnChar('b', 5);
  r.OnOtherKey(8);
  auto out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0] == RoutedInput{Kind::kText, "ab"});
}

TEST_CASE("non-ASCII (an input method's Chinese) passes straight through as text") {
  InputRouter r;
  r.OnChar(U'可', 0);
  r.OnChar(U'乐', 3);
  auto out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0] == RoutedInput{Kind::kText, "可乐"});
}

TEST_CASE("Enter with nothing held is a plain Enter, thresholds are options") {
  InputRouter r(InputRouter::Options{50, 8});
  int64_t t = Feed(r, "1234567", 0, 40);  // 40 ms gaps: a scanner under this option
  r.OnEnter(t + 40);
  auto out = r.Take();
  REQUIRE(out.size() == 2);  // 7 < min_length 8: typing
  CHECK(out[0].kind == Kind::kText);
  r.OnEnter(1000);
  out = r.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == Kind::kEnter);
}

}  // namespace
}  // namespace linli::ui
