#include "linli/payments/wechat_format.h"

#include <expat.h>

#include <cctype>
#include <limits>
#include <memory>

#include "linli/pos/crypto.h"

namespace linli::payments::wechat {

const std::vector<std::string> kBillColumns = {
    "交易时间", "公众账号ID", "商户号",   "特约商户号", "设备号",   "微信订单号", "商户订单号",
    "用户标识", "交易类型",   "交易状态", "付款银行",   "货币种类", "应结订单金额", "代金券金额",
    "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称",
    "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注"};
const std::vector<std::string> kBillSummaryColumns = {
    "总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额",
    "申请退款总金额"};

const char* SignTypeName(SignType t) {
  switch (t) {
    case SignType::kMd5: return "MD5";
    case SignType::kHmacSha256: return "HMAC-SHA256";
  }
  return "MD5";
}

std::optional<SignType> ParseSignType(std::string_view s) {
  if (s == "MD5" || s == "md5") return SignType::kMd5;
  if (s == "HMAC-SHA256" || s == "hmac-sha256") return SignType::kHmacSha256;
  return std::nullopt;
}

std::string StringToSign(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (name == "sign" || value.empty()) continue;
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string Sign(const Params& params, std::string_view api_key, SignType type) {
  std::string text = StringToSign(params);
  text += "&key=";
  text += api_key;
  std::string hex = type == SignType::kMd5 ? Md5Hex(text) : HmacSha256Hex(api_key, text);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

bool VerifySign(const Params& params, std::string_view api_key, SignType type) {
  auto it = params.find("sign");
  if (it == params.end() || it->second.empty()) return false;
  const std::string want = Sign(params, api_key, type);
  const std::string& got = it->second;
  if (got.size() != want.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(got[i] ^ want[i]);
  return diff == 0;
}

std::string EncodeXml(const Params& params) {
  std::string out = "<xml>";
  for (const auto& [name, value] : params) {
    out += '<' + name + "><![CDATA[";
    // "]]>" would end the section: close it after "]]" and reopen before ">".
    size_t from = 0;
    for (size_t at; (at = value.find("]]>", from)) != std::string::npos; from = at + 2) {
      out.append(value, from, at + 2 - from);
      out += "]]><![CDATA[";
    }
    out.append(value, from, std::string::npos);
    out += "]]></" + name + '>';
  }
  out += "</xml>";
  return out;
}

namespace {

struct ParserFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

// What the expat callbacks build. depth 1 is <xml>, depth 2 a parameter.
struct XmlState {
  XML_Parser parser = nullptr;
  Params params;
  int depth = 0;
  std::string name;   // the parameter being read
  std::string value;
  std::string error;  // set once: the first problem found

  void Fail(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void OnStart(void* user, const XML_Char* name, const XML_Char** /*attrs*/) {
  auto* st = static_cast<XmlState*>(user);
  ++st->depth;
  if (st->depth == 1) {
    if (std::string_view(name) != "xml") st->Fail(std::string("the root element is <") + name + ">, not <xml>");
  } else if (st->depth == 2) {
    st->name = name;
    st->value.clear();
  } else {
    st->Fail(std::string("element <") + name + "> nests inside <" + st->name + ">");
  }
}

void OnEnd(void* user, const XML_Char* /*name*/) {
  auto* st = static_cast<XmlState*>(user);
  if (st->depth == 2) {
    if (!st->params.emplace(st->name, st->value).second) st->Fail("parameter <" + st->name + "> appears twice");
  }
  --st->depth;
}

void OnText(void* user, const XML_Char* s, int len) {
  auto* st = static_cast<XmlState*>(user);
  if (st->depth == 2) st->value.append(s, static_cast<size_t>(len));
  // Text between parameters (whitespace) is not part of any value.
}

void OnDoctype(void* user, const XML_Char* /*name*/, const XML_Char* /*sysid*/, const XML_Char* /*pubid*/,
               int /*has_internal_subset*/) {
  static_cast<XmlState*>(user)->Fail("a DOCTYPE is not allowed in a WeChat Pay message");
}

}  // namespace

Result<Params> DecodeXml(std::string_view text) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::InvalidArgument("the WeChat Pay message is too large");
  }
  std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreate("UTF-8"));
  if (!parser) return Status::IoError("out of memory creating an XML parser");
  XmlState st;
  st.parser = parser.get();
  XML_SetUserData(parser.get(), &st);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  const XML_Status rc = XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE);
  if (!st.error.empty()) return Status::InvalidArgument("not a WeChat Pay message: " + st.error);
  if (rc != XML_STATUS_OK) {
    return Status::InvalidArgument(std::string("not a WeChat Pay message: ") +
                                   XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                                   std::to_string(XML_GetCurrentLineNumber(parser.get())));
  }
  return std::move(st.params);
}

std::string MerchantNo(std::string_view key) {
  std::string plain;
  bool usable = !key.empty();
  for (char c : key) {
    if (c == '-') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) usable = false;
    plain += c;
  }
  if (usable && !plain.empty() && plain.size() <= 32) return plain;
  return HexEncode(Sha256(key)).substr(0, 32);
}

std::optional<int64_t> ParseYuan(std::string_view yuan) {
  if (yuan.empty()) return std::nullopt;
  const size_t dot = yuan.find('.');
  std::string_view whole = yuan.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : yuan.substr(dot + 1);
  if (whole.empty() || whole.size() > 15) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return std::nullopt;
  int64_t fen = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    fen = fen * 10 + (c - '0');
  }
  fen *= 100;
  int64_t scale = 10;
  for (char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    fen += (c - '0') * scale;
    scale /= 10;
  }
  return fen;
}

std::string FormatYuan(int64_t fen) {
  const bool negative = fen < 0;
  // Magnitude as unsigned so INT64_MIN does not overflow.
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(mag % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return (negative ? "-" : "") + std::to_string(mag / 100) + "." + cents;
}

// ---- Statement ---------------------------------------------------------------

namespace {

// The fields of one CSV line, each without its leading back-quote. The
// statement quotes nothing else (a comma inside a field is not produced).
std::vector<std::string> SplitBillLine(std::string_view line) {
  std::vector<std::string> fields;
  size_t from = 0;
  while (true) {
    const size_t comma = line.find(',', from);
    std::string_view f = line.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    if (!f.empty() && f.front() == '`') f.remove_prefix(1);
    fields.emplace_back(f);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return fields;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t from = 0;
  while (from < text.size()) {
    size_t nl = text.find('\n', from);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(from, nl - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    from = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Column index by name, for one header line.
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) : header_(header) {}
  int Find(const std::string& name) const {
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  size_t size() const { return header_.size(); }

 private:
  std::vector<std::string> header_;
};

}  // namespace

Result<Bill> ParseBill(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::vector<std::string_view> lines = SplitLines(text);
  if (lines.empty()) return Status::Corruption("the WeChat Pay statement is empty");
  const Columns cols(SplitBillLine(lines[0]));
  const int c_time = cols.Find("交易时间"), c_out_trade = cols.Find("商户订单号"), c_state = cols.Find("交易状态");
  const int c_settle = cols.Find("应结订单金额");
  if (c_time < 0 || c_out_trade < 0 || c_state < 0 || c_settle < 0) {
    return Status::Corruption("the WeChat Pay statement's first line is not its header (交易时间, 商户订单号, "
                              "交易状态 and 应结订单金额 are needed)");
  }
  auto col = [&](const std::vector<std::string>& f, const char* name) -> std::string {
    const int i = cols.Find(name);
    return i < 0 ? std::string() : f[static_cast<size_t>(i)];
  };

  Bill bill;
  size_t n = 1;
  for (; n < lines.size(); ++n) {
    const std::vector<std::string> f = SplitBillLine(lines[n]);
    if (!f.empty() && f[0] == kBillSummaryColumns[0]) break;  // the summary header
    const std::string where = "line " + std::to_string(n + 1) + " of the WeChat Pay statement";
    if (f.size() != cols.size()) {
      return Status::Corruption(where + " has " + std::to_string(f.size()) + " fields, the header " +
                                std::to_string(cols.size()));
    }
    BillRow r;
    r.trade_time = col(f, "交易时间");
    r.appid = col(f, "公众账号ID");
    r.mch_id = col(f, "商户号");
    r.sub_mch_id = col(f, "特约商户号");
    r.device_info = col(f, "设备号");
    r.transaction_id = col(f, "微信订单号");
    r.out_trade_no = col(f, "商户订单号");
    r.trade_type = col(f, "交易类型");
    r.trade_state = col(f, "交易状态");
    r.fee_type = col(f, "货币种类");
    r.refund_id = col(f, "微信退款单号");
    r.out_refund_no = col(f, "商户退款单号");
    r.refund_status = col(f, "退款状态");
    r.body = col(f, "商品名称");
    r.fee_yuan = col(f, "手续费");
    r.rate = col(f, "费率");
    struct Amount {
      const char* name;
      int64_t* out;
      bool required;
    };
    for (const Amount& a : {Amount{"应结订单金额", &r.settlement_fen, true}, Amount{"代金券金额", &r.coupon_fen, false},
                            Amount{"退款金额", &r.refund_fen, false}, Amount{"订单金额", &r.order_fen, false},
                            Amount{"申请退款金额", &r.refund_applied_fen, false}}) {
      const std::string v = col(f, a.name);
      if (v.empty() && !a.required) continue;  // an absent column or an empty field
      auto fen = ParseYuan(v);
      if (!fen) return Status::Corruption(where + ": " + a.name + " \"" + v + "\" is not an amount in yuan");
      *a.out = *fen;
    }
    bill.rows.push_back(std::move(r));
  }
  if (n + 1 >= lines.size()) {
    return Status::Corruption("the WeChat Pay statement has no summary (总交易单数 …): it may be cut short");
  }
  const Columns sum_cols(SplitBillLine(lines[n]));
  const std::vector<std::string> s = SplitBillLine(lines[n + 1]);
  if (s.size() != sum_cols.size()) return Status::Corruption("the WeChat Pay statement's summary line is malformed");
  auto sum = [&](const char* name) -> std::string {
    const int i = sum_cols.Find(name);
    return i < 0 ? std::string() : s[static_cast<size_t>(i)];
  };
  const std::string count = sum("总交易单数");
  if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos || count.size() > 12) {
    return Status::Corruption("the WeChat Pay statement's 总交易单数 \"" + count + "\" is not a count");
  }
  bill.summary.count = std::stoll(count);
  for (auto [name, out] : {std::pair{"应结订单总金额", &bill.summary.settlement_total_fen},
                           std::pair{"退款总金额", &bill.summary.refund_total_fen},
                           std::pair{"订单总金额", &bill.summary.order_total_fen}}) {
    const std::string v = sum(name);
    if (v.empty() && sum_cols.Find(name) < 0) continue;
    auto fen = ParseYuan(v);
    if (!fen) return Status::Corruption(std::string("the WeChat Pay statement's ") + name + " \"" + v + "\" is not an amount");
    *out = *fen;
  }
  bill.summary.fee_total_yuan = sum("手续费总金额");
  if (bill.summary.count != static_cast<int64_t>(bill.rows.size())) {
    return Status::Corruption("the WeChat Pay statement lists " + std::to_string(bill.rows.size()) +
                              " rows but its summary counts " + count + ": it may be cut short; download it again");
  }
  return bill;
}

}  // namespace linli::payments::wechat
