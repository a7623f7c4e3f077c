#include "linli/pos/till_script.h"

#include "linli/pos/checkout.h"
#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/pos/store_config.h"

namespace linli {
namespace {

// Reads an integer field; InvalidArgument naming the field otherwise.
Result<int64_t> IntField(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) return Status::InvalidArgument(std::string("missing \"") + name + "\"");
  const auto& v = j[name];
  if (!v.is_number_integer()) {
    return Status::InvalidArgument(std::string("\"") + name + "\" must be a whole number, got " + v.dump());
  }
  return v.get<int64_t>();
}

std::string StrField(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) return "";
  return j[name].get<std::string>();
}

// qty (whole pieces) or qty_milli; default one piece.
Result<int64_t> Quantity(const nlohmann::json& j) {
  if (j.contains("qty_milli")) return IntField(j, "qty_milli");
  if (j.contains("qty")) {
    auto q = IntField(j, "qty");
    if (!q.ok()) return q.status();
    // Whole pieces, scaled by 1000 below: past this the product would overflow.
    constexpr int64_t kMaxPieces = 1'000'000'000;
    if (*q > kMaxPieces || *q < -kMaxPieces) {
      return Status::InvalidArgument("qty " + std::to_string(*q) + " is out of range; at most " +
                                     std::to_string(kMaxPieces) + " pieces");
    }
    return *q * 1000;
  }
  return int64_t{1000};
}

std::optional<Approval> ApprovalOf(const nlohmann::json& j) {
  const std::string pin = StrField(j, "manager_pin");
  if (pin.empty()) return std::nullopt;
  return Approval{pin, StrField(j, "manager"), StrField(j, "reason")};
}

Result<Discount> DiscountOf(const nlohmann::json& j) {
  if (j.contains("percent")) {
    if (j["percent"].is_string()) {
      auto bp = ParsePercentBp(j["percent"].get<std::string>());
      if (!bp.ok()) return bp.status();
      return Discount::PercentBp(*bp);
    }
    auto p = IntField(j, "percent");
    if (!p.ok()) return p.status();
    return Discount::PercentBp(*p * 100);
  }
  auto a = IntField(j, "amount_fen");
  if (!a.ok()) return Status::InvalidArgument("give \"percent\" or \"amount_fen\"");
  return Discount::AmountFen(*a);
}

class Runner {
 public:
  Runner(Database& db, const Clock& clock, PaymentGateway* gateway, const TillScriptOptions& opts)
      : db_(db), clock_(clock), gateway_(gateway), opts_(opts) {}

  TillScriptResult Run(const nlohmann::json& script) {
    TillScriptResult out;
    try {
      out.status = RunAll(script, out);
    } catch (const nlohmann::json::exception& e) {
      // A field of an unexpected JSON type that slipped past the checks must
      // stop the run with a message, not take the till down.
      out.status = Status::InvalidArgument(std::string("the script has a field of the wrong type: ") + e.what());
    }
    return out;
  }

 private:
  Status RunAll(const nlohmann::json& script, TillScriptResult& out) {
    if (!script.is_object()) return Status::InvalidArgument("the script must be a JSON object");
    const std::string cashier = StrField(script, "cashier");
    const std::string pin = StrField(script, "pin");
    if (cashier.empty()) return Status::InvalidArgument("the script has no \"cashier\"");
    auto user = Authenticate(db_, cashier, pin);
    if (!user.ok()) return Status::PermissionDenied("cashier " + cashier + ": " + user.status().message());
    user_ = *user;
    if (gateway_) payments_ = std::make_unique<PaymentService>(db_, *gateway_, clock_);
    const auto& sales = script.contains("sales") ? script["sales"] : nlohmann::json::array();
    if (!sales.is_array()) return Status::InvalidArgument("\"sales\" must be a list");
    for (size_t i = 0; i < sales.size(); ++i) {
      const auto& entry = sales[i];
      const std::string where = "sale " + std::to_string(i + 1);
      Result<CommittedSale> done = Status::InvalidArgument("");
      if (entry.contains("actions")) {
        Status st = RunSale(entry["actions"], where, done);
        if (!st.ok()) return st;
      } else if (entry.contains("refund")) {
        done = Refund(entry["refund"]);
        if (!done.ok()) return Status(Prefix(done.status(), where + " (refund " + entry["refund"].dump() + ")"));
      } else if (entry.contains("void_last")) {
        auto approval = ApprovalOf(entry["void_last"]);
        done = VoidLastSale(db_, clock_, user_, approval.value_or(Approval{}), gateway_);
        if (!done.ok()) return Status(Prefix(done.status(), where + " (void_last)"));
      } else {
        return Status::InvalidArgument(where + ": expected \"actions\", \"refund\" or \"void_last\", got " + entry.dump());
      }
      receipts_.push_back(done->receipt_no);
      nlohmann::json j = done->ToJson();
      if (opts_.receipt_columns > 0) {
        auto model = BuildReceipt(db_, *done);
        if (model.ok()) j["receipt"] = RenderReceiptText(*model, opts_.receipt_columns);
      }
      out.completed.push_back(j);
    }
    return Status::Ok();
  }

  static Status Prefix(const Status& st, const std::string& where) {
    switch (st.code()) {
      case Status::Code::kNotFound: return Status::NotFound(where + ": " + st.message());
      case Status::Code::kPermissionDenied: return Status::PermissionDenied(where + ": " + st.message());
      case Status::Code::kFailedPrecondition: return Status::FailedPrecondition(where + ": " + st.message());
      case Status::Code::kUnavailable: return Status::Unavailable(where + ": " + st.message());
      case Status::Code::kIoError: return Status::IoError(where + ": " + st.message());
      case Status::Code::kCorruption: return Status::Corruption(where + ": " + st.message());
      case Status::Code::kOk:
      case Status::Code::kInvalidArgument:
      case Status::Code::kAlreadyExists:
        break;
    }
    return Status::InvalidArgument(where + ": " + st.message());
  }

  Result<std::string> ResolveReceipt(const std::string& ref) {
    if (ref == "$last") {
      if (receipts_.empty()) return Status::InvalidArgument("\"$last\": no receipt yet in this script");
      return receipts_.back();
    }
    if (!ref.empty() && ref[0] == '$') {
      const size_t n = std::strtoul(ref.c_str() + 1, nullptr, 10);
      if (n == 0 || n > receipts_.size()) return Status::InvalidArgument("\"" + ref + "\": no such receipt in this script");
      return receipts_[n - 1];
    }
    return ref;
  }

  Result<CommittedSale> Refund(const nlohmann::json& r) {
    RefundRequest req;
    auto no = ResolveReceipt(StrField(r, "receipt_no"));
    if (!no.ok()) return no.status();
    req.receipt_no = *no;
    if (r.contains("lines")) {
      for (const auto& l : r["lines"]) {
        auto line = IntField(l, "line");
        if (!line.ok()) return line.status();
        auto qty = Quantity(l);
        if (!qty.ok()) return qty.status();
        req.lines.push_back({static_cast<int>(*line), *qty});
      }
    }
    if (r.contains("to_cash")) {
      // r.value() would throw on a non-boolean and end the whole run.
      if (!r["to_cash"].is_boolean()) {
        return Status::InvalidArgument("\"to_cash\" must be true or false, got " + r["to_cash"].dump());
      }
      req.to_cash = r["to_cash"].get<bool>();
    }
    req.approval = ApprovalOf(r);
    req.reason = StrField(r, "reason");
    return RefundSale(db_, clock_, user_, req, gateway_);
  }

  Status RunSale(const nlohmann::json& actions, const std::string& where, Result<CommittedSale>& done) {
    if (!actions.is_array()) return Status::InvalidArgument(where + ": \"actions\" must be a list");
    if (!checkout_) {
      checkout_ = std::make_unique<Checkout>(db_, clock_, user_, payments_.get());
      LINLI_RETURN_IF_ERROR(checkout_->Init());
    }
    for (size_t i = 0; i < actions.size(); ++i) {
      Status st = Apply(actions[i]);
      if (!st.ok()) {
        // The sale in progress is abandoned, never committed.
        (void)checkout_->Clear();
        return Prefix(st, where + ", action " + std::to_string(i + 1) + " " + actions[i].dump());
      }
    }
    done = checkout_->Commit();
    if (!done.ok()) {
      (void)checkout_->Clear();
      return Prefix(done.status(), where + ", at the end");
    }
    return Status::Ok();
  }

  Status Apply(const nlohmann::json& a) {
    if (!a.is_object() || a.size() < 1) return Status::InvalidArgument("an action must be an object");
    Checkout& c = *checkout_;
    if (a.contains("scan")) {
      if (!a["scan"].is_string()) return Status::InvalidArgument("\"scan\" must be a string");
      int64_t count = 1;
      if (a.contains("qty")) {
        auto q = IntField(a, "qty");
        if (!q.ok()) return q.status();
        count = *q;
      }
      return c.Scan(a["scan"].get<std::string>(), count).status();
    }
    if (a.contains("sku")) {
      auto q = Quantity(a);
      if (!q.ok()) return q.status();
      return c.AddSku(StrField(a, "sku"), *q).status();
    }
    if (a.contains("plu")) {
      auto q = Quantity(a);
      if (!q.ok()) return q.status();
      return c.AddPlu(a["plu"].is_string() ? a["plu"].get<std::string>() : a["plu"].dump(), *q).status();
    }
    if (a.contains("set_qty")) {
      auto line = IntField(a["set_qty"], "line");
      if (!line.ok()) return line.status();
      auto q = Quantity(a["set_qty"]);
      if (!q.ok()) return q.status();
      return c.SetQty(static_cast<int>(*line), *q);
    }
    if (a.contains("void_line")) {
      auto line = IntField(a, "void_line");
      if (!line.ok()) return line.status();
      return c.VoidLine(static_cast<int>(*line));
    }
    if (a.contains("member")) return c.AttachMember(StrField(a, "member"));
    if (a.contains("discount_line")) {
      const auto& d = a["discount_line"];
      auto line = IntField(d, "line");
      if (!line.ok()) return line.status();
      auto disc = DiscountOf(d);
      if (!disc.ok()) return disc.status();
      return c.DiscountLine(static_cast<int>(*line), *disc, ApprovalOf(d));
    }
    if (a.contains("discount_order")) {
      auto disc = DiscountOf(a["discount_order"]);
      if (!disc.ok()) return disc.status();
      return c.DiscountOrder(*disc, ApprovalOf(a["discount_order"]));
    }
    if (a.contains("override_price")) {
      const auto& o = a["override_price"];
      auto line = IntField(o, "line");
      if (!line.ok()) return line.status();
      auto price = IntField(o, "price_fen");
      if (!price.ok()) return price.status();
      // Every override says why, with one of the store's codes (override_reasons).
      LINLI_RETURN_IF_ERROR(CheckOverrideReason(db_, StrField(o, "reason")));
      return c.OverridePrice(static_cast<int>(*line), *price, ApprovalOf(o));
    }
    if (a.contains("round")) {
      const auto& r = a["round"];
      auto rule = ParseCashRounding(r.is_string() ? r.get<std::string>() : StrField(r, "rule"));
      if (!rule.ok()) return rule.status();
      return c.SetCashRounding(*rule, r.is_object() ? ApprovalOf(r) : ApprovalOf(a));
    }
    if (a.contains("suspend")) {
      auto id = c.Suspend(a["suspend"].is_string() ? a["suspend"].get<std::string>() : "");
      if (!id.ok()) return id.status();
      suspended_.push_back(*id);
      return Status::Ok();
    }
    if (a.contains("resume")) {
      int64_t id = 0;
      if (a["resume"].is_number_integer()) {
        id = a["resume"].get<int64_t>();
      } else {
        if (suspended_.empty()) return Status::InvalidArgument("nothing was suspended in this script");
        id = suspended_.back();
      }
      Status st = c.Resume(id);
      if (st.ok() && !suspended_.empty() && suspended_.back() == id) suspended_.pop_back();
      return st;
    }
    if (a.contains("clear")) return c.Clear();
    if (a.contains("pay")) return Pay(a["pay"]);
    return Status::InvalidArgument("unknown action; see `linli sell --help` for the script format");
  }

  Status Pay(const nlohmann::json& p) {
    Checkout& c = *checkout_;
    const std::string method = StrField(p, "method");
    if (method == "cash") {
      auto amount = IntField(p, "amount_fen");
      if (!amount.ok()) return amount.status();
      return c.PayCash(*amount);
    }
    if (method == "card") {
      auto amount = IntField(p, "amount_fen");
      if (!amount.ok()) return amount.status();
      return c.PayCard(*amount, StrField(p, "reference"));
    }
    if (method == "payment_code") {
      std::optional<int64_t> amount;
      if (p.contains("amount_fen")) {
        auto a = IntField(p, "amount_fen");
        if (!a.ok()) return a.status();
        amount = *a;
      }
      auto r = c.PayByCode(StrField(p, "code"), amount);
      if (!r.ok()) return r.status();
      switch (r->outcome) {
        case PaymentOutcome::kApproved: return Status::Ok();
        case PaymentOutcome::kUnknown: return c.ResolvePendingPayments();
        case PaymentOutcome::kOffline: return Status::Unavailable(r->message);
        case PaymentOutcome::kDeclined:
        case PaymentOutcome::kCancelled:
        case PaymentOutcome::kReversed:
          break;
      }
      return Status::FailedPrecondition(r->message);
    }
    return Status::InvalidArgument("pay method \"" + method + "\" is unknown; use cash, payment_code or card");
  }

  Database& db_;
  const Clock& clock_;
  PaymentGateway* gateway_;
  TillScriptOptions opts_;
  User user_;
  std::unique_ptr<PaymentService> payments_;
  std::unique_ptr<Checkout> checkout_;
  std::vector<std::string> receipts_;
  std::vector<int64_t> suspended_;
};

}  // namespace

Result<nlohmann::json> ParseTillScript(std::string_view text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is where the parser stopped, as the header promises.
    return Status::InvalidArgument("the script is not valid JSON at byte " + std::to_string(e.byte) + ": " +
                                   e.what());
  } catch (const nlohmann::json::out_of_range& e) {
    // A number literal too large for a double, such as 9E999.
    return Status::InvalidArgument(std::string("the script has a number out of range; write amounts in fen as "
                                               "whole numbers: ") + e.what());
  }
}

TillScriptResult RunTillScript(Database& db, const Clock& clock, PaymentGateway* gateway,
                               const nlohmann::json& script, const TillScriptOptions& opts) {
  return Runner(db, clock, gateway, opts).Run(script);
}

}  // namespace linli
