#include "linli/pos/barcode.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

namespace linli {
namespace {

using nlohmann::json;

// Longer inputs are never a code we know; refusing them early keeps a stuck
// scanner or a pasted paragraph from walking every rule.
constexpr size_t kMaxCodeLength = 64;

// Bounds for configured layouts. No scale prints a label shorter than an
// EAN-8 or longer than a GS1-128 payload a till could key in; a numeric field
// of up to 12 digits cannot overflow int64.
constexpr int kMinLayoutLength = 8;
constexpr int kMaxLayoutLength = 32;
constexpr int kMaxNumericFieldLength = 12;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }

// ASCII only on purpose: std::isalnum follows the C locale, and a full-width
// digit from an IME must not pass for a barcode digit.
bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

std::string_view Trim(std::string_view s) {
  // Keyboard-wedge scanners end a read with Enter (CR, LF or both) or Tab, and
  // copy-paste brings spaces; none of them is ever part of a code.
  constexpr std::string_view kBlank = " \t\r\n";
  const size_t b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(kBlank);
  return s.substr(b, e - b + 1);
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Two leading digits as a number, for the "starts 10–15" style rules.
int LeadingTwo(std::string_view digits) { return (digits[0] - '0') * 10 + (digits[1] - '0'); }

int64_t DigitsValue(std::string_view digits) {
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// ---- Scale layouts ----------------------------------------------------------

// Every message says where ("scale_layouts[1].amount") so a shopkeeper editing
// the config can find the spot, and ends with what a correct value looks like.
std::string Where(size_t index, std::string_view field) {
  std::string w = "scale_layouts[" + std::to_string(index) + "]";
  if (!field.empty()) {
    w += ".";
    w += field;
  }
  return w;
}

Status LayoutError(size_t index, std::string_view field, const std::string& what) {
  return Status::InvalidArgument(Where(index, field) + ": " + what);
}

// Reads a whole number within [lo, hi]; floats and strings are refused rather
// than rounded, since "7.5" as a digit position is a typo, not a position.
Status ReadInt(const json& v, size_t index, std::string_view field, int lo, int hi, int* out) {
  if (!v.is_number_integer()) {
    return LayoutError(index, field,
                       "must be a whole number from " + std::to_string(lo) + " to " +
                           std::to_string(hi) + ", got " + v.dump());
  }
  const int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) {
    return LayoutError(index, field,
                       "must be from " + std::to_string(lo) + " to " + std::to_string(hi) +
                           ", got " + std::to_string(n));
  }
  *out = static_cast<int>(n);
  return Status::Ok();
}

// A digit field is [position, length], 0-based, and must end before the
// label's own check digit (the last digit), which no field may claim.
Status ReadField(const json& v, size_t index, std::string_view field, int code_length,
                 int max_len, DigitField* out) {
  const std::string example = " (0-based position, digit count), e.g. [7,5]";
  if (!v.is_array() || v.size() != 2) {
    return LayoutError(index, field, "must be [position, length]" + example + ", got " + v.dump());
  }
  const std::string f(field);
  LINLI_RETURN_IF_ERROR(ReadInt(v[0], index, f + "[0] (position)", 0, code_length - 2, &out->pos));
  LINLI_RETURN_IF_ERROR(ReadInt(v[1], index, f + "[1] (length)", 1, max_len, &out->len));
  if (out->pos + out->len > code_length - 1) {
    return LayoutError(index, field,
                       "digits " + std::to_string(out->pos) + ".." +
                           std::to_string(out->pos + out->len - 1) +
                           " run into the check digit at position " +
                           std::to_string(code_length - 1) +
                           "; shorten the field or move it left");
  }
  return Status::Ok();
}

bool Overlap(const DigitField& a, const DigitField& b) {
  return a.pos < b.pos + b.len && b.pos < a.pos + a.len;
}

Status ParseOneLayout(const json& o, size_t index, ScaleLayout* out) {
  if (!o.is_object()) {
    return LayoutError(index, "",
                       "must be an object like {\"name\":\"13-amount\",\"length\":13,"
                       "\"prefixes\":[\"20\"],\"plu\":[2,5],\"amount\":[7,5]}, got " +
                           o.dump());
  }
  // Unknown keys are refused: a misspelt "wieght" would otherwise silently
  // drop the weight and every label would ring up without it.
  static const std::set<std::string> kKnown = {"name",   "length", "prefixes",
                                               "plu",    "amount", "weight"};
  for (const auto& [key, value] : o.items()) {
    if (!kKnown.count(key)) {
      return LayoutError(index, key,
                         "is not a layout field; use name, length, prefixes, plu, amount, weight");
    }
  }

  if (!o.contains("name") || !o["name"].is_string() || o["name"].get<std::string>().empty()) {
    return LayoutError(index, "name", "must be a non-empty string, e.g. \"13-amount\"");
  }
  out->name = o["name"].get<std::string>();

  if (!o.contains("length")) {
    return LayoutError(index, "length", "is missing; give the total digit count, e.g. 13");
  }
  LINLI_RETURN_IF_ERROR(
      ReadInt(o["length"], index, "length", kMinLayoutLength, kMaxLayoutLength, &out->length));

  if (!o.contains("prefixes") || !o["prefixes"].is_array() || o["prefixes"].empty()) {
    return LayoutError(index, "prefixes",
                       "must be a non-empty list of leading digits, e.g. [\"20\",\"21\"]");
  }
  out->prefixes.clear();
  for (size_t i = 0; i < o["prefixes"].size(); ++i) {
    const json& p = o["prefixes"][i];
    const std::string field = "prefixes[" + std::to_string(i) + "]";
    if (!p.is_string() || !AllDigits(p.get_ref<const std::string&>())) {
      return LayoutError(index, field, "must be a string of digits, e.g. \"20\", got " + p.dump());
    }
    const std::string& s = p.get_ref<const std::string&>();
    if (static_cast<int>(s.size()) >= out->length) {
      return LayoutError(index, field,
                         "\"" + s + "\" is as long as the whole label; use the leading 1-3 digits");
    }
    out->prefixes.push_back(s);
  }

  if (!o.contains("plu")) {
    return LayoutError(index, "plu", "is missing; give [position, length], e.g. [2,5]");
  }
  LINLI_RETURN_IF_ERROR(ReadField(o["plu"], index, "plu", out->length, out->length - 1, &out->plu));

  out->amount.reset();
  out->weight.reset();
  // null is accepted as "not printed" so a config can spell the absence out.
  if (o.contains("amount") && !o["amount"].is_null()) {
    DigitField f;
    LINLI_RETURN_IF_ERROR(
        ReadField(o["amount"], index, "amount", out->length, kMaxNumericFieldLength, &f));
    out->amount = f;
  }
  if (o.contains("weight") && !o["weight"].is_null()) {
    DigitField f;
    LINLI_RETURN_IF_ERROR(
        ReadField(o["weight"], index, "weight", out->length, kMaxNumericFieldLength, &f));
    out->weight = f;
  }
  if (!out->amount && !out->weight) {
    return LayoutError(index, "amount",
                       "a layout needs \"amount\" (fen) or \"weight\" (grams) or both, e.g. "
                       "\"amount\":[7,5]");
  }

  // Two fields reading the same digits is always a config slip.
  struct Named {
    const char* name;
    const DigitField* field;
  };
  std::vector<Named> fields = {{"plu", &out->plu}};
  if (out->amount) fields.push_back({"amount", &*out->amount});
  if (out->weight) fields.push_back({"weight", &*out->weight});
  for (size_t a = 0; a < fields.size(); ++a) {
    for (size_t b = a + 1; b < fields.size(); ++b) {
      if (Overlap(*fields[a].field, *fields[b].field)) {
        return LayoutError(index, fields[b].name,
                           std::string("overlaps \"") + fields[a].name +
                               "\"; each digit may belong to one field only");
      }
    }
  }
  return Status::Ok();
}

// Prefix and length pick the layout; the first match in config order wins so
// a store can put a narrower layout ahead of a broader one.
const ScaleLayout* MatchLayout(std::string_view digits,
                               const std::vector<ScaleLayout>& layouts) {
  for (const ScaleLayout& l : layouts) {
    if (static_cast<int>(digits.size()) != l.length) continue;
    for (const std::string& p : l.prefixes) {
      if (digits.starts_with(p)) return &l;
    }
  }
  return nullptr;
}

// ---- Payment codes ----------------------------------------------------------

// Payment-code prefixes and lengths as the wallets publish them for
// merchant-scanned (付款码) payments. They are tenders and must never be looked
// up as products.
const char* PaymentProvider(std::string_view digits) {
  const size_t n = digits.size();
  if (n < 2) return nullptr;
  const int lead = LeadingTwo(digits);
  if (n == 18 && lead >= 10 && lead <= 15) return "wechat";
  if (n >= 16 && n <= 24 && lead >= 25 && lead <= 30) return "alipay";
  if (n == 19 && lead == 62) return "unionpay";
  return nullptr;
}

// ---- Waybills ---------------------------------------------------------------

enum class Shape {
  kDigits,  // prefix, then only digits
  kAlnum,   // prefix, then letters and digits
  kUpuS10,  // UPU S10: 2 letters, 8 digits, mod-11 check digit, "CN"
};

struct WaybillRule {
  const char* courier;
  const char* prefix;  // fixed leading characters, upper case
  int min_len;         // total length, prefix included
  int max_len;
  Shape shape;
};

// Waybill formats as printed on Chinese couriers' labels. They overlap, so a
// code collects every courier whose rule matches and the caller (the drop-off
// batch) settles it. The order here only breaks ties in Specificity.
constexpr WaybillRule kWaybillRules[] = {
    // SF Express: "SF" + 12-13 digits on current labels (SF1234567890123).
    {"sf", "SF", 14, 15, Shape::kDigits},
    // YTO: "YT" + 12-13 digits (YT1234567890123).
    {"yto", "YT", 14, 15, Shape::kDigits},
    // J&T: "JT" + 13 digits (JT5123456789012).
    {"jt", "JT", 15, 15, Shape::kDigits},
    // JD Logistics: JDV/JDX/JD0 + 12-13 digits for ordinary, express and
    // third-party parcels...
    {"jd", "JDV", 15, 16, Shape::kDigits},
    {"jd", "JDX", 15, 16, Shape::kDigits},
    {"jd", "JD0", 15, 16, Shape::kDigits},
    // ...and looser "JD" + letters/digits for the other series (JDVA0123…).
    {"jd", "JD", 13, 18, Shape::kAlnum},
    // EMS / China Post international and registered items: UPU S10 with a
    // verified check digit, e.g. EA123456785CN.
    {"ems", "", 13, 13, Shape::kUpuS10},
    // STO: 15 digits starting 773 on current labels.
    {"sto", "773", 15, 15, Shape::kDigits},
    // STO: 12-13 digits on older series, each with its own leading digits.
    {"sto", "268", 12, 13, Shape::kDigits},
    {"sto", "368", 12, 13, Shape::kDigits},
    {"sto", "468", 12, 13, Shape::kDigits},
    {"sto", "568", 12, 13, Shape::kDigits},
    {"sto", "668", 12, 13, Shape::kDigits},
    {"sto", "868", 12, 13, Shape::kDigits},
    {"sto", "968", 12, 13, Shape::kDigits},
    {"sto", "77", 12, 13, Shape::kDigits},
    {"sto", "88", 12, 13, Shape::kDigits},
    // Yunda: 13 digits with these leading pairs (4312…, 3100…, 1202…).
    {"yunda", "31", 13, 13, Shape::kDigits},
    {"yunda", "43", 13, 13, Shape::kDigits},
    {"yunda", "46", 13, 13, Shape::kDigits},
    {"yunda", "10", 13, 13, Shape::kDigits},
    {"yunda", "12", 13, 13, Shape::kDigits},
    {"yunda", "19", 13, 13, Shape::kDigits},
    // EMS domestic: 13 digits starting 1 (1100…, 1012…) or 98 (parcels).
    {"ems", "98", 13, 13, Shape::kDigits},
    {"ems", "1", 13, 13, Shape::kDigits},
    // ZTO: 12 digits starting 7, 5, 6 or 2 on older series; 14-15 digits
    // starting 7 on current labels (73100123456789).
    {"zto", "7", 12, 12, Shape::kDigits},
    {"zto", "5", 12, 12, Shape::kDigits},
    {"zto", "6", 12, 12, Shape::kDigits},
    {"zto", "2", 12, 12, Shape::kDigits},
    {"zto", "7", 14, 15, Shape::kDigits},
    // Weak, prefix-free rules, ranked last: SF's older 12-digit numbers and
    // Yunda's 15-digit series.
    {"sf", "", 12, 12, Shape::kDigits},
    {"yunda", "", 15, 15, Shape::kDigits},
};

// UPU S10 check digit over the 8 serial digits (weights 8 6 4 2 3 5 9 7).
char S10CheckDigit(std::string_view serial) {
  static constexpr int kWeights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (serial[i] - '0') * kWeights[i];
  int check = 11 - sum % 11;
  if (check == 10) check = 0;
  if (check == 11) check = 5;
  return static_cast<char>('0' + check);
}

bool Matches(const WaybillRule& r, std::string_view code) {
  const int n = static_cast<int>(code.size());
  if (n < r.min_len || n > r.max_len) return false;
  switch (r.shape) {
    case Shape::kUpuS10:
      return IsUpper(code[0]) && IsUpper(code[1]) && AllDigits(code.substr(2, 9)) &&
             code.substr(11) == "CN" && S10CheckDigit(code.substr(2, 8)) == code[10];
    case Shape::kDigits:
      return code.starts_with(r.prefix) && AllDigits(code.substr(std::strlen(r.prefix)));
    case Shape::kAlnum: {
      const std::string_view rest = code.substr(std::strlen(r.prefix));
      return code.starts_with(r.prefix) && std::all_of(rest.begin(), rest.end(), IsAlnum);
    }
  }
  return false;
}

// How much a match says about the courier. Letters on a label are chosen by
// the courier and say far more than any run of digits, so any lettered rule
// outranks every digit rule; within each group, every fixed character narrows
// the field; a verified check digit is worth a little more still.
int Specificity(const WaybillRule& r) {
  if (r.shape == Shape::kUpuS10) return 100 + 10 * 2 + 5;  // lettered, fixed "CN", checked
  const std::string_view p = r.prefix;
  const bool lettered = std::any_of(p.begin(), p.end(), IsAlpha);
  return (lettered ? 100 : 0) + 10 * static_cast<int>(p.size());
}

// Couriers whose rules match code (upper case), best first, each once.
std::vector<std::string> WaybillCandidates(std::string_view code) {
  struct Hit {
    const char* courier;
    int score;
  };
  std::vector<Hit> hits;
  for (const WaybillRule& r : kWaybillRules) {
    if (!Matches(r, code)) continue;
    const int score = Specificity(r);
    auto it = std::find_if(hits.begin(), hits.end(),
                           [&](const Hit& h) { return std::strcmp(h.courier, r.courier) == 0; });
    if (it == hits.end()) {
      hits.push_back({r.courier, score});
    } else {
      it->score = std::max(it->score, score);
    }
  }
  // Stable, so equal scores keep table order.
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return a.score > b.score; });
  std::vector<std::string> out;
  out.reserve(hits.size());
  for (const Hit& h : hits) out.emplace_back(h.courier);
  return out;
}

const char* KindName(BarcodeKind k) {
  switch (k) {
    case BarcodeKind::kGtin: return "gtin";
    case BarcodeKind::kPriceEmbedded: return "price_embedded";
    case BarcodeKind::kPaymentCode: return "payment_code";
    case BarcodeKind::kWaybill: return "waybill";
    case BarcodeKind::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace

// ---- GTIN -------------------------------------------------------------------

char GtinCheckDigit(std::string_view body) {
  // Weights run 3, 1, 3, … from the digit next to the check digit, so one rule
  // serves every GTIN length (and scale labels, which borrow it).
  int sum = 0;
  int weight = 3;
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::optional<GtinCheck> CheckGtin(std::string_view code) {
  if (!AllDigits(code)) return std::nullopt;
  GtinCheck g;
  switch (code.size()) {
    case 8: g.format = "ean8"; break;
    case 12: g.format = "upca"; break;
    case 13: g.format = "ean13"; break;
    case 14: g.format = "gtin14"; break;
    default: return std::nullopt;
  }
  g.expected = GtinCheckDigit(code.substr(0, code.size() - 1));
  g.valid = g.expected == code.back();
  return g;
}

// ---- Scale layouts ----------------------------------------------------------

std::vector<ScaleLayout> DefaultScaleLayouts() {
  // Must stay equal to the JSON seeded by schema/store/0002; a test compares them.
  const std::vector<std::string> prefixes = {"20", "21", "22", "23", "24"};
  ScaleLayout amount13;
  amount13.name = "13-amount";
  amount13.length = 13;
  amount13.prefixes = prefixes;
  amount13.plu = {2, 5};
  amount13.amount = DigitField{7, 5};

  ScaleLayout both18;
  both18.name = "18-amount-weight";
  both18.length = 18;
  both18.prefixes = prefixes;
  both18.plu = {2, 5};
  both18.amount = DigitField{7, 5};
  both18.weight = DigitField{12, 5};
  return {amount13, both18};
}

Result<std::vector<ScaleLayout>> ParseScaleLayouts(const json& j) {
  if (!j.is_array()) {
    return Status::InvalidArgument(
        "scale_layouts: must be a JSON list of layouts, e.g. [{\"name\":\"13-amount\","
        "\"length\":13,\"prefixes\":[\"20\"],\"plu\":[2,5],\"amount\":[7,5]}]");
  }
  // An empty list is allowed: a store without scales turns labels off so
  // 20–24 codes are read as ordinary GTINs.
  std::vector<ScaleLayout> layouts;
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    ScaleLayout l;
    LINLI_RETURN_IF_ERROR(ParseOneLayout(j[i], i, &l));
    if (!names.insert(l.name).second) {
      return LayoutError(i, "name", "\"" + l.name + "\" is used by an earlier layout; pick another");
    }
    layouts.push_back(std::move(l));
  }
  return layouts;
}

Result<std::vector<ScaleLayout>> LoadScaleLayouts(Database& db) {
  std::optional<std::string> text;
  Status st = Guard([&] {
    Statement s = db.Prepare("SELECT value FROM store_config WHERE key = 'scale_layouts'");
    if (s.Step()) text = s.Text(0);
  });
  if (!st.ok()) return st;
  if (!text) return DefaultScaleLayouts();

  const json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument(
        "store_config \"scale_layouts\" is not valid JSON; fix it or delete the key to use "
        "the default layouts");
  }
  Result<std::vector<ScaleLayout>> layouts = ParseScaleLayouts(j);
  if (!layouts.ok()) {
    return Status::InvalidArgument("store_config \"scale_layouts\": " +
                                   layouts.status().message());
  }
  return layouts;
}

// ---- Classification ---------------------------------------------------------

// The order, and why:
//   0. Trim blanks and line ends; empty, over-long or anything with a
//      character other than ASCII letters and digits is unknown.
//   1. Codes with letters can only be waybills (no GTIN, label or payment
//      code has letters).
//   All digits:
//   2. A configured scale layout whose length and prefix match: the store
//      said so, and 20–24 (the defaults) is GS1's in-store range anyway.
//   3. Payment codes (16–24 digits, never a GTIN length, so order against
//      GTIN does not matter; against labels it does: an 18-digit 20–24 label
//      is a label, an 18-digit 10–15 code is WeChat).
//   4. GTIN lengths 8/12/13/14. A valid check digit keeps it a GTIN even if a
//      waybill rule also matches (6901234567892 is a product). An invalid one
//      that matches a waybill rule is a waybill: EAN/UPC symbologies verify
//      the check digit in the scanner, so an invalid 12-14 digit read came
//      from a Code 128 label, which is what couriers print. Otherwise it is an
//      invalid GTIN, reported with the expected check digit.
//   5. Any other digit string: waybill rules, else unknown.
BarcodeClass ClassifyBarcode(std::string_view raw, const std::vector<ScaleLayout>& layouts) {
  BarcodeClass c;
  const std::string_view code = Trim(raw);
  c.code = std::string(code);
  if (code.empty() || code.size() > kMaxCodeLength ||
      !std::all_of(code.begin(), code.end(), IsAlnum)) {
    return c;
  }

  if (!AllDigits(code)) {
    c.candidates = WaybillCandidates(ToUpper(code));
    if (!c.candidates.empty()) c.kind = BarcodeKind::kWaybill;
    return c;
  }

  if (const ScaleLayout* l = MatchLayout(code, layouts)) {
    c.kind = BarcodeKind::kPriceEmbedded;
    c.layout = l->name;
    c.plu = std::string(code.substr(l->plu.pos, l->plu.len));
    if (l->amount) c.amount_fen = DigitsValue(code.substr(l->amount->pos, l->amount->len));
    if (l->weight) c.weight_g = DigitsValue(code.substr(l->weight->pos, l->weight->len));
    c.label_check_ok = GtinCheckDigit(code.substr(0, code.size() - 1)) == code.back();
    return c;
  }

  if (const char* provider = PaymentProvider(code)) {
    c.kind = BarcodeKind::kPaymentCode;
    c.provider = provider;
    return c;
  }

  std::vector<std::string> waybill = WaybillCandidates(code);
  if (std::optional<GtinCheck> g = CheckGtin(code)) {
    if (g->valid || waybill.empty()) {
      c.kind = BarcodeKind::kGtin;
      c.gtin = std::move(g);
      return c;
    }
  }
  if (!waybill.empty()) {
    c.kind = BarcodeKind::kWaybill;
    c.candidates = std::move(waybill);
  }
  return c;
}

json BarcodeClass::ToJson() const {
  json j = {{"kind", KindName(kind)}, {"code", code}};
  switch (kind) {
    case BarcodeKind::kGtin:
      if (gtin) {
        j["format"] = gtin->format;
        j["valid"] = gtin->valid;
        if (!gtin->valid) j["expected_check_digit"] = std::string(1, gtin->expected);
      }
      break;
    case BarcodeKind::kPriceEmbedded:
      j["layout"] = layout;
      j["plu"] = plu;
      if (amount_fen) j["amount_fen"] = *amount_fen;
      if (weight_g) j["weight_g"] = *weight_g;
      j["valid"] = label_check_ok;
      // Same shape as a GTIN so the till can say which digit it wanted.
      if (!label_check_ok && code.size() >= 2) {
        j["expected_check_digit"] =
            std::string(1, GtinCheckDigit(std::string_view(code).substr(0, code.size() - 1)));
      }
      break;
    case BarcodeKind::kPaymentCode:
      j["provider"] = provider;
      break;
    case BarcodeKind::kWaybill:
      j["candidates"] = candidates;
      break;
    case BarcodeKind::kUnknown:
      break;
  }
  return j;
}

}  // namespace linli
