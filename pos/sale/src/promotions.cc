#include "linli/pos/promotions.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "linli/pos/money.h"
#include "linli/pos/text.h"

namespace linli {
namespace {

using nlohmann::json;

struct TypeName {
  PromotionType type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {PromotionType::kPercentOff, "percent_off"},
    {PromotionType::kFixedPrice, "fixed_price"},
    {PromotionType::kMemberPrice, "member_price"},
    {PromotionType::kNthItemPercent, "nth_item_percent"},
    {PromotionType::kBundlePrice, "bundle_price"},
    {PromotionType::kBuyXGetY, "buy_x_get_y"},
};

constexpr const char* kKnownFields[] = {
    "id",
    "name",
    "type",
    "skus",
    "categories",
    "buy_skus",
    "buy_categories",
    "get_skus",
    "get_categories",
    "percent",
    "get_percent",
    "price",
    "nth",
    "qty",
    "buy_qty",
    "get_qty",
    "members_only",
    "window",
    "starts",
    "ends",
};

// Builds the messages of one promotion: "promotion #2 (id "P2"): field ...".
class Errors {
 public:
  Errors(size_t index, std::string id) : index_(index), id_(std::move(id)) {}
  void set_id(std::string id) { id_ = std::move(id); }

  Status Field(const std::string& field, const json& value, const std::string& what) const {
    return Status::InvalidArgument(Where() + ": field \"" + field + "\" value " + value.dump() +
                                   " " + what);
  }
  Status General(const std::string& what) const {
    return Status::InvalidArgument(Where() + ": " + what);
  }

 private:
  std::string Where() const {
    std::string w = "promotion #" + std::to_string(index_);
    if (!id_.empty()) w += " (id \"" + id_ + "\")";
    return w;
  }
  size_t index_;
  std::string id_;
};

Result<std::string> GetString(const json& obj, const char* field, const Errors& err) {
  const json& v = obj.at(field);
  if (!v.is_string()) return err.Field(field, v, "is not a string; write it in double quotes");
  return v.get<std::string>();
}

Result<std::vector<std::string>> GetStringList(const json& obj, const char* field,
                                               const Errors& err) {
  std::vector<std::string> out;
  if (!obj.contains(field)) return out;
  const json& v = obj.at(field);
  if (!v.is_array()) {
    return err.Field(field, v, "is not a list; write it like [\"A001\", \"A002\"]");
  }
  for (const json& e : v) {
    if (!e.is_string() || e.get<std::string>().empty()) {
      return err.Field(field, v, "has an entry that is not a non-empty string");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

// An integer field with a lower bound; `required` fields must be present.
Result<int64_t> GetInt(const json& obj, const char* field, int64_t min, const Errors& err) {
  if (!obj.contains(field)) {
    return err.General("field \"" + std::string(field) +
                       "\" is missing; write a whole number of at least " + std::to_string(min));
  }
  const json& v = obj.at(field);
  if (!v.is_number_integer()) {
    return err.Field(field, v, "is not a whole number; write e.g. " + std::to_string(min));
  }
  const int64_t n = v.get<int64_t>();
  if (n < min)
    return err.Field(field, v, "is too small; it must be at least " + std::to_string(min));
  if (n > 1000000) return err.Field(field, v, "is too large");
  return n;
}

// A percent as an integer 0–100 or a string with up to two decimals; result in
// basis points, above 0. Absent → `fallback` when given, else an error.
Result<int64_t> GetPercent(const json& obj, const char* field, std::optional<int64_t> fallback,
                           const Errors& err) {
  if (!obj.contains(field)) {
    if (fallback) return *fallback;
    return err.General("field \"" + std::string(field) +
                       "\" is missing; write a percent such as 50 or \"12.5\"");
  }
  const json& v = obj.at(field);
  int64_t bp = 0;
  if (v.is_number_integer()) {
    const int64_t n = v.get<int64_t>();
    if (n < 0 || n > 100) return err.Field(field, v, "is not between 0 and 100");
    bp = n * 100;
  } else if (v.is_string()) {
    auto r = ParsePercentBp(v.get<std::string>());
    if (!r.ok()) return err.Field(field, v, "is not a percent (" + r.status().message() + ")");
    bp = *r;
  } else {
    return err.Field(
        field, v, "is not a percent; write a whole number such as 50 or a string such as \"12.5\"");
  }
  if (bp <= 0) return err.Field(field, v, "must be more than 0");
  return bp;
}

Result<int64_t> GetPrice(const json& obj, const char* field, const Errors& err) {
  if (!obj.contains(field)) {
    return err.General("field \"" + std::string(field) +
                       "\" is missing; write a yuan amount as a string such as \"2.50\"");
  }
  const json& v = obj.at(field);
  if (!v.is_string()) {
    return err.Field(field, v, "is not a string; write money in quotes such as \"2.50\"");
  }
  auto r = ParseYuan(v.get<std::string>());
  if (!r.ok()) return err.Field(field, v, "is not an amount (" + r.status().message() + ")");
  return r->fen();
}

// "HH:MM" → minutes; "24:00" allowed only when allow_24.
Result<int> ParseHhMm(const json& v, const char* field, bool allow_24, const Errors& err) {
  const std::string what = "is not a time; write \"HH:MM\" such as \"17:00\"";
  if (!v.is_string()) return err.Field(field, v, what);
  const std::string s = v.get<std::string>();
  if (s.size() != 5 || s[2] != ':') return err.Field(field, v, what);
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return err.Field(field, v, what);
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return err.Field(field, v, what);
  return h * 60 + m;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Result<std::string> GetDate(const json& obj, const char* field, const Errors& err) {
  const json& v = obj.at(field);
  const std::string what = "is not a date; write \"YYYY-MM-DD\" such as \"2026-11-01\"";
  if (!v.is_string()) return err.Field(field, v, what);
  const std::string s = v.get<std::string>();
  int y = 0, mo = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3) {
    return err.Field(field, v, what);
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !IsLeap(y))) {
    return err.Field(field, v, what);
  }
  return s;
}

Result<TimeWindow> GetWindow(const json& obj, const Errors& err) {
  const json& v = obj.at("window");
  if (!v.is_object()) {
    return err.Field(
        "window", v,
        "is not an object; write {\"days\": [1,2,3,4,5], \"from\": \"17:00\", \"to\": \"19:00\"}");
  }
  TimeWindow w;
  for (const auto& [key, value] : v.items()) {
    if (key != "days" && key != "from" && key != "to") {
      return err.General("unknown field \"window." + key + "\"; a window has days, from and to");
    }
  }
  if (v.contains("days")) {
    const json& days = v.at("days");
    if (!days.is_array()) return err.Field("window.days", days, "is not a list such as [1, 2, 3]");
    std::set<int> seen;
    for (const json& d : days) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > 7) {
        return err.Field("window.days", days,
                         "has an entry that is not a weekday number 1 (Monday) to 7 (Sunday)");
      }
      seen.insert(d.get<int>());
    }
    if (seen.empty()) {
      return err.Field("window.days", days, "is empty; list weekdays 1–7 or leave \"days\" out");
    }
    w.days.assign(seen.begin(), seen.end());
  }
  if (v.contains("from")) {
    auto r = ParseHhMm(v.at("from"), "window.from", false, err);
    if (!r.ok()) return r.status();
    w.from_minute = *r;
  }
  if (v.contains("to")) {
    auto r = ParseHhMm(v.at("to"), "window.to", true, err);
    if (!r.ok()) return r.status();
    w.to_minute = *r;
  }
  if (w.from_minute == w.to_minute) {
    return err.Field("window", v, "is empty (from equals to); widen the range");
  }
  return w;
}

json TargetToJson(const std::vector<std::string>& v) { return json(v); }

std::string FormatHhMm(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

const char* PromotionTypeName(PromotionType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "?";
}

Result<PromotionType> ParsePromotionType(std::string_view text) {
  for (const auto& t : kTypeNames) {
    if (text == t.name) return t.type;
  }
  return Status::InvalidArgument(
      "promotion type \"" + std::string(text) +
      "\" is unknown; use percent_off, fixed_price, member_price, nth_item_percent, "
      "bundle_price or buy_x_get_y");
}

bool IsPerUnitPromotion(PromotionType type) {
  switch (type) {
    case PromotionType::kPercentOff:
    case PromotionType::kFixedPrice:
    case PromotionType::kMemberPrice:
      return true;
    case PromotionType::kNthItemPercent:
    case PromotionType::kBundlePrice:
    case PromotionType::kBuyXGetY:
      return false;
  }
  return false;
}

bool PromotionTarget::Matches(std::string_view sku, std::string_view category) const {
  for (const auto& s : skus) {
    if (s == sku) return true;
  }
  if (category.empty()) return false;
  for (const auto& c : categories) {
    if (c == category) return true;
  }
  return false;
}

void SavePromotion(Database& db, const Promotion& promo, bool active, const std::string& updated_at) {
  db.Cached(
        "INSERT INTO promotions (id, body, active, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET body = excluded.body, active = excluded.active, "
        "updated_at = excluded.updated_at")
      .Bind(1, promo.id)
      .Bind(2, PromotionToJson(promo).dump())
      .Bind(3, active ? 1 : 0)
      .Bind(4, updated_at)
      .Run();
}

Result<LocalTime> ToLocalTime(int64_t unix_ms, const std::string& time_zone) {
  Result<ZonedTime> t = ToZonedTime(unix_ms, time_zone);
  if (!t.ok()) return t.status();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t->year, t->month, t->day);
  LocalTime out;
  out.date = buf;
  out.iso_weekday = t->iso_weekday;
  out.minute_of_day = t->hour * 60 + t->minute;
  return out;
}

bool PromotionActive(const Promotion& promo, const LocalTime& when, bool member) {
  if ((promo.members_only || promo.type == PromotionType::kMemberPrice) && !member) return false;
  // "YYYY-MM-DD" strings compare in date order.
  if (!promo.starts.empty() && when.date < promo.starts) return false;
  if (!promo.ends.empty() && when.date > promo.ends) return false;
  if (promo.window) {
    const TimeWindow& w = *promo.window;
    if (!w.days.empty() &&
        std::find(w.days.begin(), w.days.end(), when.iso_weekday) == w.days.end()) {
      return false;
    }
    const int m = when.minute_of_day;
    const bool inside = w.from_minute < w.to_minute
                            ? (m >= w.from_minute && m < w.to_minute)
                            : (m >= w.from_minute || m < w.to_minute);  // wraps midnight
    if (!inside) return false;
  }
  return true;
}

Result<Promotion> ParsePromotion(const json& obj, size_t index) {
  Errors err(index, "");
  if (!obj.is_object()) {
    return err.General("is not an object; write {\"id\": ..., \"type\": ..., ...}");
  }
  Promotion p;
  if (!obj.contains("id"))
    return err.General("field \"id\" is missing; give every promotion an id");
  {
    auto id = GetString(obj, "id", err);
    if (!id.ok()) return id.status();
    if (id->empty()) return err.Field("id", obj.at("id"), "is empty; give the promotion an id");
    p.id = *id;
    err.set_id(p.id);
  }
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    if (std::find_if(std::begin(kKnownFields), std::end(kKnownFields),
                     [&](const char* f) { return key == f; }) == std::end(kKnownFields)) {
      return err.General("unknown field \"" + key +
                         "\"; check its spelling (see docs/promotions.md)");
    }
  }
  if (!obj.contains("type")) {
    return err.General(
        "field \"type\" is missing; use one of percent_off, fixed_price, "
        "member_price, nth_item_percent, bundle_price, buy_x_get_y");
  }
  {
    auto t = GetString(obj, "type", err);
    if (!t.ok()) return t.status();
    auto type = ParsePromotionType(*t);
    if (!type.ok())
      return err.Field("type", obj.at("type"),
                       "is unknown; use percent_off, "
                       "fixed_price, member_price, nth_item_percent, "
                       "bundle_price or buy_x_get_y");
    p.type = *type;
  }
  if (std::string why = ControlCharProblem(p.id); !why.empty()) return err.Field("id", obj.at("id"), why);
  p.name = p.id;
  if (obj.contains("name")) {
    auto n = GetString(obj, "name", err);
    if (!n.ok()) return n.status();
    // The name prints on receipts: a control character would be a command.
    if (std::string why = ControlCharProblem(*n); !why.empty()) return err.Field("name", obj.at("name"), why);
    if (!n->empty()) p.name = *n;
  }

  auto list = [&](const char* field, std::vector<std::string>* out) -> Status {
    auto r = GetStringList(obj, field, err);
    if (!r.ok()) return r.status();
    *out = std::move(r).value();
    return Status::Ok();
  };
  // Fields that belong to other types are refused: they would be ignored.
  auto refuse = [&](std::initializer_list<const char*> fields) -> Status {
    for (const char* f : fields) {
      if (obj.contains(f)) {
        return err.General("field \"" + std::string(f) + "\" does not apply to type " +
                           PromotionTypeName(p.type) + "; remove it");
      }
    }
    return Status::Ok();
  };

  if (p.type == PromotionType::kBuyXGetY) {
    LINLI_RETURN_IF_ERROR(refuse({"skus", "categories", "percent", "price", "nth", "qty"}));
    LINLI_RETURN_IF_ERROR(list("buy_skus", &p.target.skus));
    LINLI_RETURN_IF_ERROR(list("buy_categories", &p.target.categories));
    LINLI_RETURN_IF_ERROR(list("get_skus", &p.get_target.skus));
    LINLI_RETURN_IF_ERROR(list("get_categories", &p.get_target.categories));
    if (p.target.empty()) {
      return err.General("names no goods to buy; list \"buy_skus\" and/or \"buy_categories\"");
    }
    if (p.get_target.empty()) p.get_target = p.target;
    auto buy = GetInt(obj, "buy_qty", 1, err);
    if (!buy.ok()) return buy.status();
    auto get = GetInt(obj, "get_qty", 1, err);
    if (!get.ok()) return get.status();
    auto pct = GetPercent(obj, "get_percent", 10000, err);
    if (!pct.ok()) return pct.status();
    p.buy_qty = *buy;
    p.get_qty = *get;
    p.percent_bp = *pct;
  } else {
    LINLI_RETURN_IF_ERROR(refuse({"buy_skus", "buy_categories", "get_skus", "get_categories",
                                  "buy_qty", "get_qty", "get_percent"}));
    LINLI_RETURN_IF_ERROR(list("skus", &p.target.skus));
    LINLI_RETURN_IF_ERROR(list("categories", &p.target.categories));
    if (p.target.empty()) {
      return err.General("names no goods; list \"skus\" and/or \"categories\"");
    }
    switch (p.type) {
      case PromotionType::kPercentOff: {
        LINLI_RETURN_IF_ERROR(refuse({"price", "nth", "qty"}));
        auto pct = GetPercent(obj, "percent", std::nullopt, err);
        if (!pct.ok()) return pct.status();
        p.percent_bp = *pct;
        break;
      }
      case PromotionType::kFixedPrice:
      case PromotionType::kMemberPrice: {
        LINLI_RETURN_IF_ERROR(refuse({"percent", "nth", "qty"}));
        auto price = GetPrice(obj, "price", err);
        if (!price.ok()) return price.status();
        p.price_fen = *price;
        break;
      }
      case PromotionType::kNthItemPercent: {
        LINLI_RETURN_IF_ERROR(refuse({"price", "qty"}));
        auto nth = GetInt(obj, "nth", 2, err);
        if (!nth.ok()) return nth.status();
        auto pct = GetPercent(obj, "percent", std::nullopt, err);
        if (!pct.ok()) return pct.status();
        p.nth = *nth;
        p.percent_bp = *pct;
        break;
      }
      case PromotionType::kBundlePrice: {
        LINLI_RETURN_IF_ERROR(refuse({"percent", "nth"}));
        auto qty = GetInt(obj, "qty", 2, err);
        if (!qty.ok()) return qty.status();
        auto price = GetPrice(obj, "price", err);
        if (!price.ok()) return price.status();
        p.qty = *qty;
        p.price_fen = *price;
        break;
      }
      case PromotionType::kBuyXGetY:
        break;  // handled above
    }
  }

  if (obj.contains("members_only")) {
    const json& v = obj.at("members_only");
    if (!v.is_boolean()) return err.Field("members_only", v, "is not true or false");
    p.members_only = v.get<bool>();
  }
  if (p.type == PromotionType::kMemberPrice) p.members_only = true;
  if (obj.contains("window")) {
    auto w = GetWindow(obj, err);
    if (!w.ok()) return w.status();
    p.window = *w;
  }
  if (obj.contains("starts")) {
    auto d = GetDate(obj, "starts", err);
    if (!d.ok()) return d.status();
    p.starts = *d;
  }
  if (obj.contains("ends")) {
    auto d = GetDate(obj, "ends", err);
    if (!d.ok()) return d.status();
    p.ends = *d;
  }
  if (!p.starts.empty() && !p.ends.empty() && p.ends < p.starts) {
    return err.General("ends \"" + p.ends + "\" is before starts \"" + p.starts +
                       "\"; swap or correct the dates");
  }
  return p;
}

Result<std::vector<Promotion>> ParsePromotions(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument(
        "the promotions file is not valid JSON; check for a missing comma, quote or bracket");
  }
  const json* list = &doc;
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      if (key != "promotions") {
        return Status::InvalidArgument("unknown top-level field \"" + key +
                                       "\"; the file is {\"promotions\": [ ... ]}");
      }
    }
    if (!doc.contains("promotions")) {
      return Status::InvalidArgument(
          "the promotions file has no \"promotions\" list; write {\"promotions\": [ ... ]}");
    }
    list = &doc.at("promotions");
  }
  if (!list->is_array()) {
    return Status::InvalidArgument("\"promotions\" is not a list; write {\"promotions\": [ ... ]}");
  }
  std::vector<Promotion> out;
  std::set<std::string> ids;
  size_t index = 0;
  for (const json& obj : *list) {
    ++index;
    auto p = ParsePromotion(obj, index);
    if (!p.ok()) return p.status();
    if (!ids.insert(p->id).second) {
      return Status::InvalidArgument("promotion #" + std::to_string(index) + " (id \"" + p->id +
                                     "\"): the id is used by an earlier promotion; ids must be "
                                     "unique");
    }
    out.push_back(std::move(p).value());
  }
  return out;
}

json PromotionToJson(const Promotion& p) {
  json j;
  j["id"] = p.id;
  j["name"] = p.name;
  j["type"] = PromotionTypeName(p.type);
  auto percent = [](int64_t bp) -> json {
    if (bp % 100 == 0) return bp / 100;
    return FormatPercentBp(bp);
  };
  auto price = [](int64_t fen) { return FormatYuan(Money::Fen(fen)); };
  if (p.type == PromotionType::kBuyXGetY) {
    if (!p.target.skus.empty()) j["buy_skus"] = TargetToJson(p.target.skus);
    if (!p.target.categories.empty()) j["buy_categories"] = TargetToJson(p.target.categories);
    if (!p.get_target.skus.empty()) j["get_skus"] = TargetToJson(p.get_target.skus);
    if (!p.get_target.categories.empty()) {
      j["get_categories"] = TargetToJson(p.get_target.categories);
    }
    j["buy_qty"] = p.buy_qty;
    j["get_qty"] = p.get_qty;
    j["get_percent"] = percent(p.percent_bp);
  } else {
    if (!p.target.skus.empty()) j["skus"] = TargetToJson(p.target.skus);
    if (!p.target.categories.empty()) j["categories"] = TargetToJson(p.target.categories);
    switch (p.type) {
      case PromotionType::kPercentOff:
        j["percent"] = percent(p.percent_bp);
        break;
      case PromotionType::kFixedPrice:
      case PromotionType::kMemberPrice:
        j["price"] = price(p.price_fen);
        break;
      case PromotionType::kNthItemPercent:
        j["nth"] = p.nth;
        j["percent"] = percent(p.percent_bp);
        break;
      case PromotionType::kBundlePrice:
        j["qty"] = p.qty;
        j["price"] = price(p.price_fen);
        break;
      case PromotionType::kBuyXGetY:
        break;
    }
  }
  if (p.members_only && p.type != PromotionType::kMemberPrice) j["members_only"] = true;
  if (p.window) {
    json w;
    if (!p.window->days.empty()) w["days"] = p.window->days;
    w["from"] = FormatHhMm(p.window->from_minute);
    w["to"] = FormatHhMm(p.window->to_minute);
    j["window"] = w;
  }
  if (!p.starts.empty()) j["starts"] = p.starts;
  if (!p.ends.empty()) j["ends"] = p.ends;
  return j;
}

Result<FeedPromotion> ParseFeedPromotion(const json& data, const std::string& key) {
  if (!data.is_object()) return Status::InvalidArgument("promotion " + key + " is not a JSON object");
  auto text = [&](const char* k) {
    return data.contains(k) && data[k].is_string() ? data[k].get<std::string>() : std::string();
  };
  const std::string id = !text("id").empty() ? text("id") : !text("code").empty() ? text("code") : key;
  if (id.empty()) return Status::InvalidArgument("a promotion needs \"code\"");
  FeedPromotion out;
  if (data.contains("active")) {
    if (!data["active"].is_boolean()) {
      return Status::InvalidArgument("promotion " + id + ": field \"active\" must be true or false");
    }
    out.active = data["active"].get<bool>();
  }
  json body = data;
  body.erase("code");
  body.erase("active");
  body["id"] = id;
  auto p = ParsePromotion(body, 1);
  if (!p.ok()) return p.status();
  out.promotion = std::move(*p);
  return out;
}

}  // namespace linli
