#include "linli/pos/money.h"

#include <limits>

namespace linli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Bytes of the UTF-8 character that starts with `lead` (1 for ASCII and for a
// byte that cannot start one).
size_t Utf8Length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  if (b >= 0xF0 && b < 0xF8) return 4;
  if (b >= 0xE0) return b < 0xF0 ? 3 : 1;
  if (b >= 0xC0) return 2;
  return 1;
}

bool ConsumePrefix(std::string_view& s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  s.remove_prefix(p.size());
  return true;
}

// Parses "[-]digits[.digits]" with at most max_decimals decimals into an
// integer scaled by 10^max_decimals. `what` names the kind of value in errors.
Result<int64_t> ParseScaled(std::string_view original, std::string_view s, int max_decimals,
                            Sign sign, const char* what) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(original) + "\" " + why);
  };
  bool negative = false;
  if (ConsumePrefix(s, "-")) {
    if (sign == Sign::kNonNegative) return bad("is negative; a non-negative amount is required");
    negative = true;
  }
  if (s.empty()) return bad("is empty; write a number such as 3.50");
  int64_t whole = 0;
  int64_t frac = 0;
  int int_digits = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  const int64_t kMax = std::numeric_limits<int64_t>::max() / 1000000;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (seen_dot) return bad("has two decimal points");
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') {
      // The whole character, not its first byte: "３" is EF BC 93.
      const std::string ch(s.substr(i, Utf8Length(c)));
      const bool full_width = ch.size() == 3 && ch.compare(0, 2, "\xEF\xBC") == 0 &&
                              (static_cast<unsigned char>(ch[2]) >= 0x90 && static_cast<unsigned char>(ch[2]) <= 0x99);
      return bad("is not a number (unexpected '" + ch + "')" +
                 (full_width ? "; type digits in half-width (半角), e.g. 3 rather than ３" : ""));
    }
    if (!seen_dot) {
      whole = whole * 10 + (c - '0');
      if (whole > kMax) return bad("is too large");
      ++int_digits;
    } else {
      if (frac_digits == max_decimals) {
        return bad("has more than " + std::to_string(max_decimals) + " decimals");
      }
      frac = frac * 10 + (c - '0');
      ++frac_digits;
    }
  }
  if (int_digits == 0 && frac_digits == 0) return bad("has no digits");
  int64_t scale = 1;
  for (int i = 0; i < max_decimals; ++i) scale *= 10;
  for (int i = frac_digits; i < max_decimals; ++i) frac *= 10;
  const int64_t value = whole * scale + frac;
  return negative ? -value : value;
}

std::string FormatScaled(int64_t v, int decimals, bool trim_zeros) {
  const bool negative = v < 0;
  // Work in unsigned to format INT64_MIN without overflow.
  uint64_t a = negative ? (~static_cast<uint64_t>(v) + 1) : static_cast<uint64_t>(v);
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(a / scale);
  std::string frac = std::to_string(a % scale);
  frac.insert(0, decimals - frac.size(), '0');
  if (trim_zeros) {
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
  }
  if (!frac.empty()) out += "." + frac;
  return out;
}

}  // namespace

Result<Money> ParseYuan(std::string_view text, Sign sign) {
  std::string_view s = Trim(text);
  // Accept a currency sign before or after a minus: "¥3.50", "-¥3.50", "￥3.50".
  bool negative = ConsumePrefix(s, "-");
  if (!ConsumePrefix(s, "¥") && !ConsumePrefix(s, "￥")) ConsumePrefix(s, "CNY");
  s = Trim(s);
  if (!negative) negative = ConsumePrefix(s, "-");
  std::string buf = negative ? "-" : "";
  buf += s;
  auto r = ParseScaled(text, buf, 2, sign, "amount");
  if (!r.ok()) return r.status();
  return Money::Fen(*r);
}

std::string FormatYuan(Money m, bool with_symbol) {
  std::string s = FormatScaled(m.fen(), 2, false);
  if (!with_symbol) return s;
  if (s[0] == '-') return "-¥" + s.substr(1);
  return "¥" + s;
}

Result<int64_t> ParseMilli(std::string_view text, Sign sign) {
  return ParseScaled(text, Trim(text), 3, sign, "quantity");
}

std::string FormatMilli(int64_t milli) { return FormatScaled(milli, 3, true); }

Result<int64_t> ParsePercentBp(std::string_view text) {
  std::string_view s = Trim(text);
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  auto r = ParseScaled(text, Trim(s), 2, Sign::kNonNegative, "percent");
  if (!r.ok()) return r.status();
  if (*r > 10000) {
    return Status::InvalidArgument("percent \"" + std::string(text) + "\" is over 100");
  }
  return *r;
}

std::string FormatPercentBp(int64_t bp) { return FormatScaled(bp, 2, true); }

}  // namespace linli
