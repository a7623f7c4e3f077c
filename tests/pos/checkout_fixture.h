// Shared set-up for the checkout, sales and till-script tests: a store with a
// small catalog, users, a member, a sandbox gateway behind a counting wrapper.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/journal.h"
#include "linli/pos/payments.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "testing.h"

namespace linli::checkout_testing {

// 2026-11-21T07:30:00Z (15:30 in Shanghai).
inline constexpr int64_t kT0 = 1795246200000;

// Counts every gateway call so tests can prove nothing is sent twice.
class CountingGateway final : public PaymentGateway {
 public:
  explicit CountingGateway(PaymentGateway& inner) : inner_(inner) {}
  GatewayReply Pay(const PayRequest& r) override {
    ++pay_calls;
    return inner_.Pay(r);
  }
  QueryReply Query(const std::string& key) override {
    ++query_calls;
    return inner_.Query(key);
  }
  UndoReply Cancel(const std::string& key) override {
    ++cancel_calls;
    return inner_.Cancel(key);
  }
  UndoReply Reverse(const std::string& key) override {
    ++reverse_calls;
    return inner_.Reverse(key);
  }
  UndoReply Refund(const std::string& key, const std::string& refund_key, int64_t amount_fen) override {
    ++refund_calls;
    refunded_fen += amount_fen;
    return inner_.Refund(key, refund_key, amount_fen);
  }
  int pay_calls = 0, query_calls = 0, cancel_calls = 0, reverse_calls = 0, refund_calls = 0;
  int64_t refunded_fen = 0;

 private:
  PaymentGateway& inner_;
};

// Payment codes the classifier recognises, ending in `last`.
inline std::string Wechat(char last) { return std::string("13456789012345678") + last; }
inline std::string Alipay(char last) { return std::string("28001234567890123") + last; }
inline std::string UnionPay(char last) { return std::string("621234567890123456") + last; }

// A 13-digit GTIN with a correct check digit.
inline std::string Gtin13(const std::string& body12) { return body12 + GtinCheckDigit(body12); }
// A 13-digit price-embedded label "21" + PLU(5) + amount(5) + check.
inline std::string ScaleLabel(const std::string& plu5, int64_t amount_fen) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%05lld", static_cast<long long>(amount_fen));
  std::string body = "21" + plu5 + buf;
  return body + GtinCheckDigit(body);
}

inline const std::string kBiscuitBarcode = Gtin13("690100000001");

// A001 可乐 3.50 (unit + case of 24), A002 水 2.00, K001 苹果 12.80/kg PLU 123
// (9%), B001 饼干 5.00 (6%), C001 糖 0.01, D001 米 59.90 (0%).
inline std::string CatalogCsv() {
  return "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
         "A001,6901234567892|06901234567892*24,可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n"
         "A002,6920202888883,农夫山泉 550ml,饮料,pcs,2,1.20,13,\n"
         "K001,,散装苹果,水果,kg,12.80,8.00,9,123\n"
         "B001," + kBiscuitBarcode + ",饼干,零食,pcs,5.00,3.00,6,\n"
         "C001,,水果糖,零食,pcs,0.01,0.00,13,\n"
         "D001,,大米 5kg,粮油,pcs,59.90,40.00,0,\n";
}

struct Store {
  linli::testing::TempDir dir;
  std::string path;
  std::unique_ptr<Database> db;
  FakeClock clock{kT0};
  SandboxGateway sandbox;
  CountingGateway gateway{sandbox};
  std::unique_ptr<PaymentService> payments;
  User cashier{"1001", "张三", Role::kCashier};
  User manager{"2001", "李店长", Role::kManager};
  User owner{"3001", "王老板", Role::kOwner};

  explicit Store(const std::string& code = "S001") {
    path = linli::testing::MakeStore(dir, code);
    db = std::move(OpenStore(path)).value();
    auto r = ImportCatalogCsv(*db, CatalogCsv(), {}, clock);
    REQUIRE(r.ok());
    REQUIRE(r->written);
    REQUIRE(AddUser(*db, cashier, "1234", clock).ok());
    REQUIRE(AddUser(*db, manager, "9999", clock).ok());
    REQUIRE(AddUser(*db, owner, "8888", clock).ok());
    REQUIRE(AddMember(*db, "13800138000", "张阿姨", clock).ok());
    payments = std::make_unique<PaymentService>(*db, gateway, clock);
  }

  // Closes the database and opens it again, as after a restart.
  void Reopen() {
    payments.reset();
    db.reset();
    db = std::move(OpenStore(path)).value();
    payments = std::make_unique<PaymentService>(*db, gateway, clock);
  }

  std::unique_ptr<Checkout> NewCheckout(const User& u) {
    auto c = std::make_unique<Checkout>(*db, clock, u, payments.get());
    REQUIRE(c->Init().ok());
    return c;
  }

  int64_t Int(const std::string& sql) {
    Statement s = db->Prepare(sql);
    REQUIRE(s.Step());
    return s.IsNull(0) ? 0 : s.Int(0);
  }
  std::string Text(const std::string& sql) {
    Statement s = db->Prepare(sql);
    REQUIRE(s.Step());
    return s.IsNull(0) ? std::string() : s.Text(0);
  }
  int64_t Count(const std::string& table) { return Int("SELECT count(*) FROM " + table); }
  int64_t Stock(const std::string& sku) {
    return Int("SELECT COALESCE((SELECT h.qty_milli FROM stock_on_hand h JOIN products p ON p.id = h.product_id "
               "WHERE p.sku = '" + sku + "'), 0)");
  }
  int64_t MovementSum(const std::string& sku) {
    return Int("SELECT COALESCE(SUM(m.qty_milli), 0) FROM stock_movements m JOIN products p ON p.id = m.product_id "
               "WHERE p.sku = '" + sku + "'");
  }
  int64_t Points(const std::string& phone) {
    return Int("SELECT points FROM members WHERE phone = '" + phone + "'");
  }
};

inline Approval Mgr(const std::string& reason = "") { return Approval{"9999", "", reason}; }

}  // namespace linli::checkout_testing
