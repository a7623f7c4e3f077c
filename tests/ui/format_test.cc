#include <doctest/doctest.h>

#include "linli/ui/format.h"
#include "linli/ui/i18n.h"
#include "linli/ui/replay.h"

namespace linli::ui {
namespace {

TEST_CASE("money for the screen") {
  CHECK(Yuan(1230) == "¥12.30");
  CHECK(Yuan(-5) == "-¥0.05");
  CHECK(Yuan(0) == "¥0.00");
  CHECK(YuanPlain(350) == "3.50");
}

TEST_CASE("quantities: pieces and weighed goods") {
  CHECK(QtyText(3000, SaleUnit::kPiece) == "3");
  CHECK(QtyText(1500, SaleUnit::kPiece) == "1.5");
  CHECK(QtyText(1234, SaleUnit::kKg) == "1.234 kg");
  CHECK(QtyText(50, SaleUnit::kKg) == "0.050 kg");
}

TEST_CASE("keypad amounts are exact fen") {
  CHECK(KeypadToFen("50") == 5000);
  CHECK(KeypadToFen("12.5") == 1250);
  CHECK(KeypadToFen("0.05") == 5);
  CHECK(KeypadToFen("") == -1);
  CHECK(KeypadToFen("1.234") == -1);
  CHECK(KeypadToFen("abc") == -1);
}

TEST_CASE("grams typed or in kg") {
  CHECK(ParseGrams("350") == 350);
  CHECK(ParseGrams("350g") == 350);
  CHECK(ParseGrams("1.2kg") == 1200);
  CHECK(ParseGrams("0.35 KG") == 350);
  CHECK(ParseGrams("0") == -1);
  CHECK(ParseGrams("x") == -1);
}

TEST_CASE("receipt numbers from a receipt's QR or barcode") {
  CHECK(ReceiptNoFromScan("LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d") ==
        "S001-20261121-0001");
  CHECK(ReceiptNoFromScan("LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d\r\n") ==
        "S001-20261121-0001");
  // The strict reader (ParseReceiptQr): a QR that is not a receipt's names no receipt.
  CHECK(ReceiptNoFromScan("LINLI1|S001|S001-20261121-0001|10130") == "");
  CHECK(ReceiptNoFromScan("LINLI1|S001|S001-20261121-0001|-5|2026-11-21T07:30:00.000Z|") == "");
  CHECK(ReceiptNoFromScan("S001-20261121-0002\r") == "S001-20261121-0002");
}

TEST_CASE("ages in plain words, in the current language") {
  Localizer& l = Lang();
  l.SetLanguage(Language::kEn);
  CHECK(AgeText(45000) == "45 s");
  CHECK(AgeText(12 * 60000) == "12 min");
  CHECK(AgeText((3 * 60 + 5) * 60000LL) == "3 h 5 min");
  CHECK(AgeText((50 * 60) * 60000LL) == "2 d 2 h");
  l.SetLanguage(Language::kZhCn);
  CHECK(AgeText(45000) == "45 秒");
}

TEST_CASE("replay scripts") {
  auto e = ParseReplay("# sign in\ntype 1001\nkey Enter\nscan 6901234567892\n\nclick pay.quick.0\nwait\nscreenshot a.png\nquit\n");
  REQUIRE(e.ok());
  REQUIRE(e->size() == 7);
  CHECK((*e)[0].kind == ReplayEvent::Kind::kType);
  CHECK((*e)[0].arg == "1001");
  CHECK((*e)[0].line == 2);
  CHECK((*e)[4].kind == ReplayEvent::Kind::kWait);
  CHECK((*e)[4].arg == "3");
  CHECK((*e)[6].kind == ReplayEvent::Kind::kQuit);
  auto bad = ParseReplay("type 1\nfly away\n");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("line 2") != std::string::npos);
  CHECK(!ParseReplay("scan\n").ok());
}

// Issue 12: staff saw "开班于 2026-12-03T11:25:49.711Z".
TEST_CASE("times people see are in the store's zone, not UTC") {
  CHECK(LocalTime("2026-12-03T11:25:49.711Z", "Asia/Shanghai") == "2026-12-03 19:25");
  CHECK(LocalTime("2026-12-03T17:00:00.000Z", "Asia/Shanghai") == "2026-12-04 01:00");
  CHECK(LocalTime("2026-12-03T11:25:49.711Z", "Asia/Urumqi") == "2026-12-03 17:25");
  CHECK(LocalTime("not a time", "Asia/Shanghai") == "not a time");
}

}  // namespace
}  // namespace linli::ui
