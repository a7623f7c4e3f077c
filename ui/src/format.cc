#include "linli/ui/format.h"

#include <cctype>

#include "linli/pos/clock.h"
#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/ui/i18n.h"

namespace linli::ui {

std::string Yuan(int64_t fen) {
  if (fen < 0) return "-¥" + FormatYuan(Money::Fen(-fen));
  return "¥" + FormatYuan(Money::Fen(fen));
}

std::string YuanPlain(int64_t fen) { return FormatYuan(Money::Fen(fen)); }

std::string QtyText(int64_t qty_milli, SaleUnit unit) {
  if (unit == SaleUnit::kKg) {
    // Grams as kg with three decimals: 1234 → "1.234 kg".
    std::string g = std::to_string(qty_milli % 1000);
    while (g.size() < 3) g.insert(g.begin(), '0');
    return std::to_string(qty_milli / 1000) + "." + g + " kg";
  }
  return FormatMilli(qty_milli);
}

std::string AgeText(int64_t ms) {
  if (ms < 0) ms = 0;
  const int64_t s = ms / 1000;
  if (s < 60) return TrF("time.seconds", s);
  const int64_t m = s / 60;
  if (m < 60) return TrF("time.minutes", m);
  const int64_t h = m / 60;
  if (h < 24) return TrF("time.hours_minutes", h, m % 60);
  return TrF("time.days_hours", h / 24, h % 24);
}

std::string LocalTime(const std::string& utc, const std::string& time_zone) {
  const int64_t ms = ParseUtc(utc);
  if (ms < 0) return utc;
  return FormatLocal(ms, time_zone, "yyyy-MM-dd HH:mm");
}

int64_t KeypadToFen(std::string_view typed) {
  auto m = ParseYuan(typed);
  if (!m.ok()) return -1;
  return m->fen();
}

int64_t ParseGrams(std::string_view typed) {
  std::string t;
  for (char c : typed) {
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  bool kg = false;
  if (t.size() > 2 && t.ends_with("kg")) {
    kg = true;
    t.resize(t.size() - 2);
  } else if (t.size() > 1 && t.ends_with("g")) {
    t.resize(t.size() - 1);
  }
  if (t.empty()) return -1;
  if (kg) {
    auto milli = ParseMilli(t);
    return milli.ok() && *milli > 0 ? *milli : -1;
  }
  int64_t g = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return -1;
    g = g * 10 + (c - '0');
    if (g > 1000000000) return -1;
  }
  return g > 0 ? g : -1;
}

std::string ReceiptNoFromScan(std::string_view scanned) {
  std::string s(scanned);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  if (s.starts_with("LINLI1|")) {
    auto qr = ParseReceiptQr(s);  // the one reader of the format (receipt.h)
    return qr.ok() ? qr->receipt_no : std::string();
  }
  return s;
}

}  // namespace linli::ui
