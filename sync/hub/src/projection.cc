#include "linli/hub/projection.h"

#include <nlohmann/json.hpp>

namespace linli::hub {
namespace {

using json = nlohmann::json;

int64_t IntField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) {
    throw std::invalid_argument(std::string("payload lacks integer \"") + key + "\"");
  }
  return it->get<int64_t>();
}
std::string StrField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    throw std::invalid_argument(std::string("payload lacks string \"") + key + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

Result<EventEffects> EffectsOf(const std::string& type, int type_version,
                               const std::string& payload) {
  EventEffects fx;
  if (type_version != 1) return fx;  // only v1 shapes are known; the caller checked
  try {
    const json p = json::parse(payload);
    if (type == "sale" || type == "refund" || type == "void") {
      const bool out = type == "sale";
      const std::string date = StrField(p, "business_date");
      fx.receipt_date = date;
      fx.refund = !out;
      auto lines = p.find("lines");
      if (lines == p.end() || !lines->is_array()) throw std::invalid_argument("payload lacks \"lines\"");
      for (const json& l : *lines) {
        const std::string sku = StrField(l, "sku");
        const int64_t qty = IntField(l, "qty_milli");
        const int64_t total = IntField(l, "total_fen");
        const int64_t tax = l.contains("tax_fen") ? IntField(l, "tax_fen") : 0;
        fx.skus.push_back(sku);
        fx.stock.push_back({sku, out ? -qty : qty});
        SalesDelta s{date, sku, 0, 0, out ? tax : -tax, out ? qty : -qty};
        (out ? s.sales_fen : s.refunds_fen) = total;
        fx.sales.push_back(s);
      }
      if (auto t = p.find("tenders"); t != p.end() && t->is_array()) {
        for (const json& tj : *t) {
          const int64_t amount = IntField(tj, "amount_fen");
          fx.tenders.push_back({date, StrField(tj, "method"), out ? amount : -amount});
        }
      }
    } else if (type == "stock_movement") {
      const std::string sku = StrField(p, "sku");
      fx.skus.push_back(sku);
      fx.stock.push_back({sku, IntField(p, "qty_milli")});
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(type + "@" + std::to_string(type_version) + ": " + e.what());
  }
  return fx;
}

}  // namespace linli::hub
