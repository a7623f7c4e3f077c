#include "linli/pos/receipt.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/money.h"
#include "linli/pos/text.h"

namespace linli {

namespace {

// Indent for rows that belong to the line or block above them.
constexpr std::string_view kIndent = "  ";

// Truncation can stop right after a space; receipts carry no trailing spaces.
std::string TrimRight(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}


std::string Yuan(int64_t fen) { return FormatYuan(Money::Fen(fen)); }

// 1234 → "1.234", 1200 → "1.200", -50 → "-0.050". Weights keep three
// decimals so a column of weights reads the same way on every line.
std::string Kilograms(int64_t grams) {
  const bool negative = grams < 0;
  // Unsigned so that INT64_MIN does not overflow on negation.
  const uint64_t g = negative ? 0 - static_cast<uint64_t>(grams) : static_cast<uint64_t>(grams);
  std::string frac = std::to_string(g % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return (negative ? "-" : "") + std::to_string(g / 1000) + "." + frac;
}

std::string SignedInt(int64_t v) { return (v > 0 ? "+" : "") + std::to_string(v); }

const char* DefaultTenderLabel(TenderMethod m) {
  switch (m) {
    case TenderMethod::kCash: return "现金";
    case TenderMethod::kPaymentCode: return "付款码";
    case TenderMethod::kCard: return "刷卡";
    case TenderMethod::kStoredValue: return "储值";
    case TenderMethod::kVoucher: return "券";
    case TenderMethod::kOther: return "其他";
  }
  return "其他";
}

std::string HashPrefix(const std::string& hash) {
  return hash.substr(0, std::min(hash.size(), kReceiptHashPrefixLen));
}

// Accumulates lines, each checked against the width.
class Writer {
 public:
  explicit Writer(int columns) : columns_(columns) {}

  void Line(std::string_view text) {
    out_ += TrimRight(TruncateToWidth(text, columns_));
    out_ += '\n';
  }
  void Rule() { Line(std::string(static_cast<size_t>(columns_), '-')); }
  void Center(std::string_view text) { Line(CenterText(text, columns_)); }

  // Label left, value right. When both do not fit on one line the label gets
  // its own line and the value goes right-aligned on the next, so a receipt
  // number or an amount is cut only if it is wider than the paper itself.
  void LeftRight(std::string_view left, std::string_view right) {
    const int wl = DisplayWidth(left);
    const int wr = DisplayWidth(right);
    if (wl == 0 || wl + 1 + wr <= columns_) {
      Line(AlignLeftRight(left, right, columns_));
    } else {
      Line(left);
      Line(AlignLeftRight("", right, columns_));
    }
  }

  void Adjustment(const ReceiptAdjustment& a) {
    const std::string label = std::string(kIndent) + a.label;
    if (a.amount_fen.has_value()) {
      LeftRight(label, Yuan(*a.amount_fen));
    } else {
      Line(label);
    }
  }

  int columns() const { return columns_; }
  std::string Take() { return std::move(out_); }

 private:
  const int columns_;
  std::string out_;
};

std::string QtyText(const ReceiptLine& line) {
  std::string s(kIndent);
  if (line.unit == ReceiptUnit::kKilogram) {
    s += Kilograms(line.qty_milli) + "kg x " + Yuan(line.unit_price_fen) + "/kg";
  } else {
    s += FormatMilli(line.qty_milli) + " x " + Yuan(line.unit_price_fen);
  }
  return s;
}

std::string QrField(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '|', '-');
  return out;
}

constexpr std::string_view kQrMagic = "LINLI1";

// A field as an error message shows it: control bytes and non-ASCII as
// \xNN, and cut at 40 bytes, so hostile input cannot garble a terminal or
// flood a log.
std::string Shown(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > 40) out += "…";
  return out;
}

Status QrProblem(const std::string& why) {
  return Status::InvalidArgument(why).WithKey("pos.receipt_qr_bad", {{"why", why}});
}

// Store codes as `linli init` and the hub accept them; receipt numbers are
// the store code and digits, '-', 'E' (sale_writer.cc).
std::string CodeProblem(const char* zh, const char* field, std::string_view v, size_t max) {
  const bool ok = !v.empty() && v.size() <= max && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  });
  if (ok) return {};
  return std::string(zh) + "字段 " + field + " 应为 1–" + std::to_string(max) + " 位字母、数字、- 或 _：\"" + Shown(v) +
         "\" / " + field + " must be 1-" + std::to_string(max) + " letters, digits, - or _: \"" + Shown(v) + "\"";
}

// "2026-11-21T07:30:00.000Z": digits where FormatUtc puts them. ParseUtc is
// lenient about the rest; the round trip through FormatUtc catches the
// out-of-range values it rolls over.
bool TimeShapeOk(const std::string& t) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (t.size() != kShape.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (kShape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != kShape[i]) return false;
  }
  return true;
}

}  // namespace

std::string MaskPhone(std::string_view phone) {
  std::string kept;
  for (char c : phone) {
    if ((c >= '0' && c <= '9') || c == '*') kept += c;
  }
  if (kept.size() == 13 && kept.compare(0, 2, "86") == 0) kept.erase(0, 2);
  if (kept.size() < 7) return std::string(kept.size(), '*');
  return kept.substr(0, 3) + std::string(kept.size() - 7, '*') + kept.substr(kept.size() - 4);
}

std::string FormatReceiptQr(const ReceiptQr& qr) {
  std::string s = std::string(kQrMagic) + "|";
  s += QrField(qr.store_code) + "|";
  s += QrField(qr.receipt_no) + "|";
  s += std::to_string(qr.total_fen) + "|";
  s += FormatUtc(qr.time_ms) + "|";
  s += QrField(qr.hash_prefix);
  return s;
}

std::string ReceiptQrPayload(const ReceiptModel& r) {
  return FormatReceiptQr({r.store_code, r.receipt_no, r.total_fen, r.time_ms, HashPrefix(r.journal_hash)});
}

Result<ReceiptQr> ParseReceiptQr(std::string_view text) {
  if (text.size() > kMaxReceiptQrLen) {
    return QrProblem("二维码内容过长（" + std::to_string(text.size()) + " 字节，最多 " +
                     std::to_string(kMaxReceiptQrLen) + "）/ the QR text is " + std::to_string(text.size()) +
                     " bytes; a receipt's is at most " + std::to_string(kMaxReceiptQrLen));
  }
  const size_t fields = static_cast<size_t>(std::count(text.begin(), text.end(), '|')) + 1;
  const std::string_view magic = text.substr(0, text.find('|'));
  if (magic != kQrMagic) {
    return QrProblem("不是邻里小票二维码（应以 LINLI1| 开头）：\"" + Shown(magic) +
                     "\" / not a Linli receipt QR (it starts with LINLI1|): \"" + Shown(magic) + "\"");
  }
  if (fields != 6) {
    return QrProblem("小票二维码应有 6 个以 | 分隔的字段，这里有 " + std::to_string(fields) +
                     " 个 / a receipt QR has 6 fields separated by |; this one has " + std::to_string(fields));
  }
  std::vector<std::string_view> f;
  for (size_t start = 0; f.size() < 6;) {
    const size_t bar = text.find('|', start);
    f.push_back(text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    start = bar + 1;
  }
  ReceiptQr qr;
  if (std::string why = CodeProblem("门店编码", "store_code", f[1], 32); !why.empty()) return QrProblem(why);
  if (std::string why = CodeProblem("单号", "receipt_no", f[2], 64); !why.empty()) return QrProblem(why);
  qr.store_code = f[1];
  qr.receipt_no = f[2];
  const std::string_view total = f[3];
  const bool digits = !total.empty() && total.size() <= 12 &&
                      std::all_of(total.begin(), total.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || (total.size() > 1 && total[0] == '0')) {
    return QrProblem("金额字段 total_fen 应为以分计的整数（不带符号、不以 0 开头、最多 12 位）：\"" + Shown(total) +
                     "\" / total_fen must be whole fen in plain digits (no sign, no leading zero, at most 12): \"" +
                     Shown(total) + "\"");
  }
  for (char c : total) qr.total_fen = qr.total_fen * 10 + (c - '0');
  const std::string time(f[4]);
  const int64_t ms = TimeShapeOk(time) ? ParseUtc(time) : -1;
  if (ms < 0 || FormatUtc(ms) != time) {
    return QrProblem("时间字段应为 UTC 时间，如 2026-11-21T07:30:00.000Z：\"" + Shown(time) +
                     "\" / the time must be a UTC time such as 2026-11-21T07:30:00.000Z: \"" + Shown(time) + "\"");
  }
  qr.time_ms = ms;
  const std::string_view hash = f[5];
  const bool hex = std::all_of(hash.begin(), hash.end(),
                               [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!hex || (!hash.empty() && hash.size() != kReceiptHashPrefixLen)) {
    return QrProblem("验证码字段应为空或 " + std::to_string(kReceiptHashPrefixLen) + " 位小写十六进制：\"" + Shown(hash) +
                     "\" / the hash prefix must be empty or " + std::to_string(kReceiptHashPrefixLen) +
                     " lowercase hex digits: \"" + Shown(hash) + "\"");
  }
  qr.hash_prefix = hash;
  return qr;
}

std::string RenderReceiptText(const ReceiptModel& r, int columns) {
  Writer w(columns);
  const bool refund = r.kind == ReceiptKind::kRefund;

  // Header.
  w.Center(r.store_name);
  for (const std::string& h : r.header_lines) w.Center(h);
  switch (r.kind) {
    case ReceiptKind::kSale: break;
    case ReceiptKind::kRefund: w.Center("退货单"); break;
    case ReceiptKind::kVoid: w.Center("作废单"); break;
  }
  if (r.reprint) w.Center("** 重打印 **");
  if (!r.disagreements.empty()) {
    w.Center("!! 与日志不符 !!");
    for (const std::string& d : r.disagreements) w.Line(d);
    w.Center("不可作为凭证");
  }
  w.Rule();

  // Who, when, which.
  w.LeftRight("门店", r.store_code);
  w.LeftRight("单号", r.receipt_no);
  if (!r.original_receipt_no.empty()) w.LeftRight("原单号", r.original_receipt_no);
  w.LeftRight("时间", FormatLocal(r.time_ms, r.time_zone, "yyyy-MM-dd HH:mm"));
  std::string cashier = r.cashier_id;
  if (!r.cashier_name.empty()) cashier += (cashier.empty() ? "" : " ") + r.cashier_name;
  w.LeftRight("收银员", cashier);
  w.Rule();

  // Items.
  for (const ReceiptLine& line : r.lines) {
    w.Line(line.name);
    w.LeftRight(QtyText(line), Yuan(line.gross_fen));
    for (const ReceiptAdjustment& a : line.adjustments) w.Adjustment(a);
  }
  w.Rule();

  // Totals.
  w.LeftRight("小计", Yuan(r.subtotal_fen));
  for (const ReceiptAdjustment& a : r.promotions) w.Adjustment(a);
  if (r.discount_fen != 0) w.LeftRight("优惠", Yuan(-r.discount_fen));
  if (r.rounding_fen != 0) w.LeftRight("抹零", Yuan(-r.rounding_fen));
  w.LeftRight(refund ? "应退" : "应收", Yuan(r.total_fen));

  // Payment.
  if (!r.tenders.empty() || r.change_fen != 0) {
    w.Rule();
    int64_t tendered = 0;
    bool cash = false;
    for (const ReceiptTender& t : r.tenders) {
      const std::string label =
          t.provider.empty() ? std::string(DefaultTenderLabel(t.method)) : t.provider;
      w.LeftRight(label, Yuan(t.amount_fen));
      if (!t.reference.empty()) w.Line(std::string(kIndent) + "参考号 " + t.reference);
      tendered += t.amount_fen;
      cash = cash || t.method == TenderMethod::kCash;
    }
    w.LeftRight(refund ? "实退" : "实收", Yuan(tendered));
    if (r.change_fen != 0 || (cash && !refund)) w.LeftRight("找零", Yuan(r.change_fen));
  }

  // Tax contained in the prices. The rate is padded so that the 税额 labels
  // of all rows line up ("13%", "9%", "6.5%").
  if (!r.taxes.empty()) {
    w.Rule();
    for (const ReceiptTax& t : r.taxes) {
      w.LeftRight("税率 " + PadRight(FormatPercentBp(t.rate_bp) + "%", 5) + " 税额", Yuan(t.tax_fen));
    }
  }

  if (r.member.has_value()) {
    w.Rule();
    w.LeftRight("会员", MaskPhone(r.member->phone));
    w.LeftRight("本次积分", SignedInt(r.member->points_earned));
    w.LeftRight("积分余额", std::to_string(r.member->points_balance));
  }

  if (!r.journal_hash.empty() || !r.footer_lines.empty()) w.Rule();
  if (!r.journal_hash.empty()) w.LeftRight("验证", HashPrefix(r.journal_hash));
  for (const std::string& f : r.footer_lines) w.Center(f);
  return w.Take();
}

}  // namespace linli
