#include "linli/pos/pricing.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/promotions.h"
#include "linli/pos/rounding.h"

namespace linli {
namespace {

CartLine Pcs(int no, const std::string& sku, int64_t price_fen, int64_t pieces,
             const std::string& category = "", int64_t rate_bp = 1300) {
  CartLine l;
  l.line_no = no;
  l.product_id = no;
  l.sku = sku;
  l.name = sku;
  l.category = category;
  l.unit = SaleUnit::kPiece;
  l.unit_price_fen = price_fen;
  l.qty_milli = pieces * 1000;
  l.tax_rate_bp = rate_bp;
  return l;
}

CartLine Kg(int no, const std::string& sku, int64_t price_per_kg_fen, int64_t grams,
            const std::string& category = "") {
  CartLine l = Pcs(no, sku, price_per_kg_fen, 1, category, 900);
  l.unit = SaleUnit::kKg;
  l.qty_milli = grams;
  return l;
}

std::vector<Promotion> Promos(const std::string& json) {
  auto r = ParsePromotions(json);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

PricedCart Price(const Cart& cart, const std::vector<Promotion>& promos = {}) {
  auto r = PriceCart(cart, promos);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// Friday 2026-11-20 18:00 in Asia/Shanghai (UTC+8).
const int64_t kFriday1800 = ParseUtc("2026-11-20T10:00:00.000Z");

// The invariants every priced cart keeps.
void CheckInvariants(const PricedCart& p) {
  int64_t sum = 0, gross = 0, discount = 0, rounding = 0, tax = 0;
  for (const PricedLine& l : p.lines) {
    CHECK(l.total_fen >= 0);
    CHECK(l.discount_fen == l.promo_discount_fen + l.line_discount_fen + l.order_discount_fen);
    CHECK(l.total_fen == l.gross_fen - l.discount_fen - l.rounding_fen);
    CHECK(l.tax_fen == IncludedTaxFen(l.total_fen, l.tax_rate_bp));
    sum += l.total_fen;
    gross += l.gross_fen;
    discount += l.discount_fen;
    rounding += l.rounding_fen;
    tax += l.tax_fen;
  }
  CHECK(sum == p.total_fen);
  CHECK(gross == p.subtotal_fen);
  CHECK(discount == p.discount_fen);
  CHECK(rounding == p.rounding_fen);
  CHECK(tax == p.tax_fen);
  CHECK(p.total_fen == p.subtotal_fen - p.discount_fen - p.rounding_fen);
  int64_t promo_sum = 0;
  for (const auto& a : p.promotions) promo_sum += a.discount_fen;
  CHECK(promo_sum == p.promo_discount_fen);
  int64_t by_rate_total = 0, by_rate_tax = 0;
  for (const auto& t : p.tax_by_rate) {
    by_rate_total += t.total_fen;
    by_rate_tax += t.tax_fen;
  }
  CHECK(by_rate_total == p.total_fen);
  CHECK(by_rate_tax == p.tax_fen);
}

TEST_CASE("pricing: line gross rounds half up, weighed and by the piece") {
  struct Case {
    SaleUnit unit;
    int64_t price_fen;
    int64_t qty_milli;
    int64_t gross_fen;
  };
  const Case cases[] = {
      {SaleUnit::kKg, 1280, 1234, 1580},  // 1579.52 → 1580
      {SaleUnit::kKg, 1999, 500, 1000},   // 999.5 → 1000 (half up)
      {SaleUnit::kKg, 1999, 499, 998},    // 997.501 → 998
      {SaleUnit::kKg, 1280, 1, 1},        // 1.28 → 1
      {SaleUnit::kPiece, 350, 3000, 1050}, {SaleUnit::kPiece, 333, 1500, 500},  // 499.5 → 500
  };
  for (const Case& c : cases) {
    CAPTURE(c.qty_milli);
    Cart cart;
    CartLine l = Pcs(1, "X", c.price_fen, 1);
    l.unit = c.unit;
    l.qty_milli = c.qty_milli;
    cart.lines = {l};
    PricedCart p = Price(cart);
    CHECK(p.lines[0].gross_fen == c.gross_fen);
    CHECK(p.total_fen == c.gross_fen);
    CheckInvariants(p);
  }
}

TEST_CASE("pricing: a scale label's fixed amount is the gross") {
  Cart cart;
  CartLine l = Kg(1, "PORK", 2800, 1234);  // would be 3455.2 → 3455
  l.label_amount_fen = 3450;
  cart.lines = {l};
  PricedCart p = Price(cart);
  CHECK(p.lines[0].gross_fen == 3450);
  CHECK(p.total_fen == 3450);
}

TEST_CASE("pricing: voided lines are left out") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 300, 2), Pcs(2, "B", 500, 1), Pcs(3, "C", 700, 1)};
  cart.lines[1].voided = true;
  PricedCart p = Price(cart);
  REQUIRE(p.lines.size() == 2);
  CHECK(p.lines[0].line_no == 1);
  CHECK(p.lines[1].line_no == 3);
  CHECK(p.subtotal_fen == 1300);
  CHECK(p.total_fen == 1300);
  CheckInvariants(p);
}

TEST_CASE("pricing: a price override keeps the original and takes no promotion") {
  Cart cart;
  cart.lines = {Pcs(1, "A001", 300, 2), Pcs(2, "A001", 300, 2)};
  cart.lines[1].override_price_fen = 200;
  auto promos =
      Promos(R"({"promotions":[{"id":"P","type":"percent_off","skus":["A001"],"percent":10}]})");
  PricedCart p = Price(cart, promos);
  CHECK(p.lines[0].promo_discount_fen == 60);
  CHECK(p.lines[1].unit_price_fen == 200);
  REQUIRE(p.lines[1].original_unit_price_fen.has_value());
  CHECK(*p.lines[1].original_unit_price_fen == 300);
  CHECK_FALSE(p.lines[0].original_unit_price_fen.has_value());
  CHECK(p.lines[1].gross_fen == 400);
  CHECK(p.lines[1].promo_discount_fen == 0);
  CHECK(p.total_fen == 540 + 400);
  CheckInvariants(p);
}

// One row per promotion type: the cart, the promotion and what it must take off.
TEST_CASE("pricing: every promotion type") {
  struct Case {
    const char* what;
    std::vector<CartLine> lines;
    bool member;
    const char* promo;
    std::vector<int64_t> line_discounts;
    int64_t times;
  };
  const std::vector<Case> cases = {
      {"percent_off by category",
       {Pcs(1, "COLA", 350, 2, "饮料"), Pcs(2, "BREAD", 500, 1, "面包")},
       false,
       R"({"id":"P","type":"percent_off","categories":["饮料"],"percent":10})",
       {70, 0},
       1},
      {"percent_off by string percent",
       {Pcs(1, "COLA", 999, 1)},
       false,
       R"({"id":"P","type":"percent_off","skus":["COLA"],"percent":"12.5"})",
       {125},
       1},
      {"percent_off on a weighed item",
       {Kg(1, "APPLE", 1280, 1234)},
       false,
       R"({"id":"P","type":"percent_off","skus":["APPLE"],"percent":20})",
       {316},
       1},
      {"fixed_price per piece",
       {Pcs(1, "A001", 300, 3)},
       false,
       R"({"id":"P","type":"fixed_price","skus":["A001"],"price":"2.50"})",
       {150},
       1},
      {"fixed_price above the price does nothing",
       {Pcs(1, "A001", 300, 3)},
       false,
       R"({"id":"P","type":"fixed_price","skus":["A001"],"price":"3.50"})",
       {0},
       0},
      {"fixed_price per kg",
       {Kg(1, "APPLE", 1280, 1234)},
       false,
       R"({"id":"P","type":"fixed_price","skus":["APPLE"],"price":"10.00"})",
       {1580 - 1234},
       1},
      {"member_price promo, member",
       {Pcs(1, "EGG", 300, 2)},
       true,
       R"({"id":"P","type":"member_price","skus":["EGG"],"price":"2.50"})",
       {100},
       1},
      {"member_price promo, no member",
       {Pcs(1, "EGG", 300, 2)},
       false,
       R"({"id":"P","type":"member_price","skus":["EGG"],"price":"2.50"})",
       {0},
       0},
      {"second item half price, 3 pieces",
       {Pcs(1, "COLA", 300, 3)},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["COLA"],"nth":2,"percent":50})",
       {150},
       1},
      {"second item half price, 4 pieces over two lines",
       {Pcs(1, "COLA", 300, 1), Pcs(2, "COLA", 300, 3)},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["COLA"],"nth":2,"percent":50})",
       {0, 300},
       2},
      {"second item half price discounts the cheaper piece",
       {Pcs(1, "A", 300, 1), Pcs(2, "B", 500, 1)},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["A","B"],"nth":2,"percent":50})",
       {150, 0},
       1},
      {"third item free",
       {Pcs(1, "A", 200, 7)},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["A"],"nth":3,"percent":100})",
       {400},
       2},
      {"3 for 10 yuan, 4 pieces",
       {Pcs(1, "A", 350, 4)},
       false,
       R"({"id":"P","type":"bundle_price","skus":["A"],"qty":3,"price":"10.00"})",
       {50},
       1},
      {"3 for 10 yuan over mixed prices, shared by price",
       {Pcs(1, "A", 400, 1), Pcs(2, "B", 400, 1), Pcs(3, "C", 300, 1)},
       false,
       R"({"id":"P","type":"bundle_price","skus":["A","B","C"],"qty":3,"price":"10.00"})",
       {37, 36, 27},
       1},
      {"bundle dearer than the pieces does nothing",
       {Pcs(1, "A", 300, 3)},
       false,
       R"({"id":"P","type":"bundle_price","skus":["A"],"qty":3,"price":"10.00"})",
       {0},
       0},
      {"buy 2 get 1 free, same SKU, 5 pieces",
       {Pcs(1, "A", 400, 5)},
       false,
       R"({"id":"P","type":"buy_x_get_y","buy_skus":["A"],"buy_qty":2,"get_qty":1})",
       {400},
       1},
      {"buy 2 get 1 free, same SKU, 6 pieces",
       {Pcs(1, "A", 400, 6)},
       false,
       R"({"id":"P","type":"buy_x_get_y","buy_skus":["A"],"buy_qty":2,"get_qty":1})",
       {800},
       2},
      {"buy 2 beer get peanuts free",
       {Pcs(1, "BEER", 600, 2), Pcs(2, "NUTS", 450, 1)},
       false,
       R"({"id":"P","type":"buy_x_get_y","buy_skus":["BEER"],"buy_qty":2,"get_skus":["NUTS"],"get_qty":1})",
       {0, 450},
       1},
      {"buy 1 get the other 30% off",
       {Pcs(1, "BEER", 600, 1), Pcs(2, "NUTS", 450, 2)},
       false,
       R"({"id":"P","type":"buy_x_get_y","buy_skus":["BEER"],"buy_qty":1,"get_skus":["NUTS"],"get_qty":1,"get_percent":30})",
       {0, 135},
       1},
      {"multi-buy ignores weighed goods",
       {Kg(1, "APPLE", 1000, 2000), Kg(2, "APPLE", 1000, 2000)},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["APPLE"],"nth":2,"percent":50})",
       {0, 0},
       0},
      {"multi-buy ignores fractional pieces",
       {[] {
         CartLine l = Pcs(1, "A", 300, 1);
         l.qty_milli = 2500;
         return l;
       }()},
       false,
       R"({"id":"P","type":"nth_item_percent","skus":["A"],"nth":2,"percent":50})",
       {0},
       0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Cart cart;
    cart.lines = c.lines;
    cart.member = c.member;
    auto promos = Promos(std::string("{\"promotions\":[") + c.promo + "]}");
    PricedCart p = Price(cart, promos);
    REQUIRE(p.lines.size() == c.line_discounts.size());
    int64_t total = 0;
    for (size_t i = 0; i < p.lines.size(); ++i) {
      CAPTURE(i);
      CHECK(p.lines[i].promo_discount_fen == c.line_discounts[i]);
      total += c.line_discounts[i];
    }
    CHECK(p.promo_discount_fen == total);
    if (c.times == 0) {
      CHECK(p.promotions.empty());
    } else {
      REQUIRE(p.promotions.size() == 1);
      CHECK(p.promotions[0].promo_id == "P");
      CHECK(p.promotions[0].discount_fen == total);
      CHECK(p.promotions[0].times == c.times);
    }
    CheckInvariants(p);
  }
}

TEST_CASE("pricing: promotion result lines carry name, discount and lines") {
  Cart cart;
  cart.lines = {Pcs(1, "COLA", 300, 1), Pcs(2, "CHIPS", 800, 1), Pcs(3, "COLA", 300, 1)};
  auto promos = Promos(R"({"promotions":[
    {"id":"P1","name":"可乐第二件半价","type":"nth_item_percent","skus":["COLA"],"nth":2,"percent":50},
    {"id":"P2","name":"薯片九折","type":"percent_off","skus":["CHIPS"],"percent":10}]})");
  PricedCart p = Price(cart, promos);
  REQUIRE(p.promotions.size() == 2);
  CHECK(p.promotions[0].promo_id == "P1");
  CHECK(p.promotions[0].name == "可乐第二件半价");
  CHECK(p.promotions[0].discount_fen == 150);
  CHECK(p.promotions[0].line_nos == std::vector<int>{1, 3});
  CHECK(p.promotions[1].promo_id == "P2");
  CHECK(p.promotions[1].name == "薯片九折");
  CHECK(p.promotions[1].discount_fen == 80);
  CHECK(p.promotions[1].line_nos == std::vector<int>{2});
  CHECK(p.lines[0].promo_ids == std::vector<std::string>{"P1"});
  CHECK(p.lines[2].promo_discount_fen == 150);  // the equal-priced piece picked last
  CHECK(p.total_fen == 1400 - 230);
  CheckInvariants(p);
}

// Two promotions compete for the same units; the customer gets the best mix.
TEST_CASE("pricing: best combination when promotions compete") {
  struct Case {
    const char* what;
    int64_t pieces;
    const char* promos;
    int64_t discount;
    std::vector<std::string> applied;  // promo ids, in result order
  };
  const char* kHalf =
      R"({"id":"HALF","type":"nth_item_percent","skus":["COLA"],"nth":2,"percent":50})";
  const std::vector<Case> cases = {
      // 4 × 3.00: 30% off all = 360 beats second-half-price = 300.
      {"percent beats pairs",
       4,
       R"({"id":"OFF30","type":"percent_off","skus":["COLA"],"percent":30})",
       360,
       {"OFF30"}},
      // 4 × 3.00: 20% off all = 240 loses to pairs = 300.
      {"pairs beat percent",
       4,
       R"({"id":"OFF20","type":"percent_off","skus":["COLA"],"percent":20})",
       300,
       {"HALF"}},
      // 3 × 3.00: a pair at half price (150) plus 10% on the third (30).
      {"mix: pair plus percent on the odd piece",
       3,
       R"({"id":"OFF10","type":"percent_off","skus":["COLA"],"percent":10})",
       180,
       {"HALF", "OFF10"}},
      // 6 × 3.00: buy 2 get 1 free (600) beats pairs (450).
      {"two multi-buys: b2g1 beats pairs",
       6,
       R"({"id":"B2G1","type":"buy_x_get_y","buy_skus":["COLA"],"buy_qty":2,"get_qty":1})",
       600,
       {"B2G1"}},
      // 5 × 3.00: b2g1 once (300) + one pair (150) = 450 beats pairs ×2 (300).
      {"two multi-buys mixed",
       5,
       R"({"id":"B2G1","type":"buy_x_get_y","buy_skus":["COLA"],"buy_qty":2,"get_qty":1})",
       450,
       {"B2G1", "HALF"}},
      // 4 × 3.00: 3 for 7.50 (150, one piece left over) loses to two pairs (300).
      {"bundle loses to pairs",
       4,
       R"({"id":"B3","type":"bundle_price","skus":["COLA"],"qty":3,"price":"7.50"})",
       300,
       {"HALF"}},
      // A tie between two multi-buys (2 for 4.50 vs half price: both 150 a pair): smaller id.
      {"tie goes to the smaller id",
       2,
       R"({"id":"AAA","type":"bundle_price","skus":["COLA"],"qty":2,"price":"4.50"})",
       150,
       {"AAA"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Cart cart;
    cart.lines = {Pcs(1, "COLA", 300, c.pieces)};
    auto promos = Promos(std::string("{\"promotions\":[") + kHalf + "," + c.promos + "]}");
    PricedCart p = Price(cart, promos);
    CHECK(p.promo_discount_fen == c.discount);
    std::vector<std::string> ids;
    for (const auto& a : p.promotions) ids.push_back(a.promo_id);
    CHECK(ids == c.applied);
    CheckInvariants(p);
  }
}

TEST_CASE("pricing: equal per-unit offers go to the smaller id") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 1000, 1, "饮料")};
  auto promos = Promos(R"({"promotions":[
    {"id":"PB","type":"percent_off","skus":["A"],"percent":10},
    {"id":"PA","type":"fixed_price","categories":["饮料"],"price":"9.00"}]})");
  PricedCart p = Price(cart, promos);
  REQUIRE(p.promotions.size() == 1);
  CHECK(p.promotions[0].promo_id == "PA");
  CHECK(p.promo_discount_fen == 100);
}

TEST_CASE("pricing: the product member price applies only with a member") {
  struct Case {
    bool member;
    int64_t discount;
    const char* id;
  };
  const Case cases[] = {{false, 0, ""}, {true, 100, kProductMemberPriceId}};
  for (const Case& c : cases) {
    CAPTURE(c.member);
    Cart cart;
    cart.member = c.member;
    cart.lines = {Pcs(1, "MILK", 550, 2)};
    cart.lines[0].member_price_fen = 500;
    PricedCart p = Price(cart);
    CHECK(p.promo_discount_fen == c.discount);
    if (c.discount) {
      REQUIRE(p.promotions.size() == 1);
      CHECK(p.promotions[0].promo_id == c.id);
      CHECK(p.promotions[0].name == kProductMemberPriceName);
    } else {
      CHECK(p.promotions.empty());
    }
  }
}

TEST_CASE("pricing: member price competes with a promotion for the same unit") {
  // Member price 5.00 on 5.50 (50 a piece) vs 第二件半价 (275 a pair): 3 pieces
  // → one pair at half price + member price on the third = 325.
  Cart cart;
  cart.member = true;
  cart.lines = {Pcs(1, "MILK", 550, 3)};
  cart.lines[0].member_price_fen = 500;
  auto promos = Promos(
      R"({"promotions":[{"id":"HALF","type":"nth_item_percent","skus":["MILK"],"nth":2,"percent":50}]})");
  PricedCart p = Price(cart, promos);
  CHECK(p.promo_discount_fen == 325);
  REQUIRE(p.promotions.size() == 2);
  CHECK(p.promotions[0].promo_id == "HALF");
  CHECK(p.promotions[1].promo_id == kProductMemberPriceId);
  CheckInvariants(p);
}

TEST_CASE("pricing: members-only promotions") {
  auto promos = Promos(R"({"promotions":[
    {"id":"M","type":"percent_off","skus":["A"],"percent":20,"members_only":true}]})");
  for (bool member : {false, true}) {
    CAPTURE(member);
    Cart cart;
    cart.member = member;
    cart.lines = {Pcs(1, "A", 1000, 1)};
    CHECK(Price(cart, promos).promo_discount_fen == (member ? 200 : 0));
  }
}

TEST_CASE("pricing: time windows in the store's zone") {
  auto promos = Promos(R"({"promotions":[
    {"id":"HAPPY","type":"percent_off","categories":["饮料"],"percent":10,
     "window":{"days":[1,2,3,4,5],"from":"17:00","to":"19:00"}},
    {"id":"NIGHT","type":"percent_off","skus":["NOODLE"],"percent":50,
     "window":{"from":"22:00","to":"02:00"}},
    {"id":"NOV","type":"fixed_price","skus":["CAKE"],"price":"10.00",
     "starts":"2026-11-01","ends":"2026-11-20"}]})");
  struct Case {
    const char* utc;  // Shanghai is UTC+8
    const char* zone;
    int64_t beer, noodle, cake;
  };
  const Case cases[] = {
      {"2026-11-20T10:00:00.000Z", "Asia/Shanghai", 100, 0, 200},  // Fri 18:00
      {"2026-11-20T09:00:00.000Z", "Asia/Shanghai", 100, 0, 200},  // Fri 17:00, inclusive
      {"2026-11-20T08:59:59.999Z", "Asia/Shanghai", 0, 0, 200},    // Fri 16:59
      {"2026-11-20T11:00:00.000Z", "Asia/Shanghai", 0, 0, 200},    // Fri 19:00, exclusive
      {"2026-11-21T10:00:00.000Z", "Asia/Shanghai", 0, 0, 0},      // Sat 18:00, after ends
      {"2026-11-20T17:30:00.000Z", "Asia/Shanghai", 0, 400, 0},    // Sat 01:30, wraps midnight
      {"2026-11-20T14:30:00.000Z", "Asia/Shanghai", 0, 400, 200},  // Fri 22:30
      {"2026-10-31T15:59:00.000Z", "Asia/Shanghai", 0, 400, 0},  // Sat Oct 31 23:59, before starts
      {"2026-10-31T16:00:00.000Z", "Asia/Shanghai", 0, 400, 200},  // Sun Nov 1 00:00
      {"2026-11-20T10:00:00.000Z", "UTC", 0, 0, 200},              // Fri 10:00 in UTC
  };
  for (const Case& c : cases) {
    CAPTURE(c.utc);
    CAPTURE(c.zone);
    Cart cart;
    cart.sale_time_ms = ParseUtc(c.utc);
    cart.time_zone = c.zone;
    cart.lines = {Pcs(1, "BEER", 1000, 1, "饮料"), Pcs(2, "NOODLE", 800, 1),
                  Pcs(3, "CAKE", 1200, 1)};
    PricedCart p = Price(cart, promos);
    CHECK(p.lines[0].promo_discount_fen == c.beer);
    CHECK(p.lines[1].promo_discount_fen == c.noodle);
    CHECK(p.lines[2].promo_discount_fen == c.cake);
  }
}

TEST_CASE("pricing: an unknown time zone is an error when a promotion has a window") {
  Cart cart;
  cart.sale_time_ms = kFriday1800;
  cart.time_zone = "Mars/Olympus";
  cart.lines = {Pcs(1, "A", 100, 1)};
  auto windowed = Promos(R"({"promotions":[{"id":"W","type":"percent_off","skus":["A"],
      "percent":10,"window":{"from":"17:00","to":"19:00"}}]})");
  auto r = PriceCart(cart, windowed);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("Mars/Olympus") != std::string::npos);
  CHECK(PriceCart(cart, {}).ok());
}

TEST_CASE("pricing: line discounts come after promotions") {
  struct Case {
    Discount d;
    int64_t line_discount;
  };
  const Case cases[] = {
      {Discount::PercentBp(1000), 54},  // 10% of 5.40
      {Discount::PercentBp(10000), 540},
      {Discount::AmountFen(100), 100},
      {Discount::AmountFen(540), 540},
  };
  auto promos =
      Promos(R"({"promotions":[{"id":"P","type":"percent_off","skus":["A"],"percent":10}]})");
  for (const Case& c : cases) {
    CAPTURE(c.line_discount);
    Cart cart;
    cart.lines = {Pcs(1, "A", 300, 2)};
    cart.lines[0].line_discount = c.d;
    PricedCart p = Price(cart, promos);
    CHECK(p.lines[0].promo_discount_fen == 60);
    CHECK(p.lines[0].line_discount_fen == c.line_discount);
    CHECK(p.total_fen == 540 - c.line_discount);
    CheckInvariants(p);
  }
  Cart cart;
  cart.lines = {Pcs(1, "A", 300, 2)};
  cart.lines[0].line_discount = Discount::AmountFen(541);
  auto r = PriceCart(cart, promos);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("line 1") != std::string::npos);
  CHECK(r.status().message().find("¥5.40") != std::string::npos);
}

TEST_CASE("pricing: an order discount is shared by largest remainder") {
  struct Case {
    const char* what;
    std::vector<int64_t> prices;
    Discount d;
    std::vector<int64_t> shares;
  };
  const std::vector<Case> cases = {
      {"1.00 over 3.33/3.33/3.34", {333, 333, 334}, Discount::AmountFen(100), {33, 33, 34}},
      {"0.02 over three equal lines: ties by line number",
       {100, 100, 100},
       Discount::AmountFen(2),
       {1, 1, 0}},
      {"0.10 over 0.01/0.01/9.98", {1, 1, 998}, Discount::AmountFen(10), {0, 0, 10}},
      {"0.05 over 1/2/3/4", {100, 200, 300, 400}, Discount::AmountFen(5), {1, 1, 1, 2}},
      {"10% of 9.99 is 1.00", {333, 333, 333}, Discount::PercentBp(1000), {34, 33, 33}},
      {"the whole total", {123, 456}, Discount::AmountFen(579), {123, 456}},
      {"a free line gets nothing", {0, 500}, Discount::AmountFen(100), {0, 100}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Cart cart;
    for (size_t i = 0; i < c.prices.size(); ++i) {
      cart.lines.push_back(Pcs(static_cast<int>(i + 1), "S" + std::to_string(i), c.prices[i], 1));
    }
    cart.order_discount = c.d;
    PricedCart p = Price(cart);
    int64_t sum = 0;
    for (size_t i = 0; i < c.shares.size(); ++i) {
      CAPTURE(i);
      CHECK(p.lines[i].order_discount_fen == c.shares[i]);
      sum += c.shares[i];
    }
    CHECK(p.order_discount_fen == sum);
    CheckInvariants(p);
  }
}

TEST_CASE("pricing: an order discount larger than the total is an error") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 300, 1)};
  cart.order_discount = Discount::AmountFen(301);
  auto r = PriceCart(cart, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().find("¥3.01") != std::string::npos);
  CHECK(r.status().message().find("¥3.00") != std::string::npos);
}

TEST_CASE("pricing: cash rounding rules") {
  struct Case {
    int64_t total;
    CashRounding rule;
    int64_t rounding;
  };
  const Case cases[] = {
      {1234, CashRounding::kNone, 0},         {1234, CashRounding::kJiaoDown, 4},
      {1234, CashRounding::kYuanDown, 34},    {1234, CashRounding::kJiaoNearest, 4},
      {1235, CashRounding::kJiaoNearest, -5}, {1239, CashRounding::kJiaoNearest, -1},
      {1230, CashRounding::kJiaoDown, 0},     {1200, CashRounding::kYuanDown, 0},
      {99, CashRounding::kYuanDown, 99},      {0, CashRounding::kJiaoNearest, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.total);
    CAPTURE(static_cast<int>(c.rule));
    CHECK(CashRoundingFen(c.total, c.rule) == c.rounding);
    Cart cart;
    // Three lines so the rounding is shared out.
    cart.lines = {Pcs(1, "A", c.total / 3, 1), Pcs(2, "B", c.total / 3, 1),
                  Pcs(3, "C", c.total - 2 * (c.total / 3), 1)};
    cart.cash_rounding = c.rule;
    cart.rounding_cap_fen = 100;
    PricedCart p = Price(cart);
    CHECK(p.rounding_fen == c.rounding);
    CHECK(p.total_fen == c.total - c.rounding);
    CheckInvariants(p);
  }
}

TEST_CASE("pricing: cash rounding over the cap is refused with the cap and amount") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 1234, 1)};
  cart.cash_rounding = CashRounding::kYuanDown;
  cart.rounding_cap_fen = 20;
  auto r = PriceCart(cart, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kPermissionDenied);
  CHECK(r.status().message().find("¥0.34") != std::string::npos);
  CHECK(r.status().message().find("¥0.20") != std::string::npos);
  cart.rounding_cap_fen = 34;  // exactly at the cap is allowed
  CHECK(PriceCart(cart, {}).ok());
}

TEST_CASE("pricing: tax per line and by rate") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 11300, 1, "", 1300), Pcs(2, "B", 1060, 1, "", 600),
                Pcs(3, "C", 999, 1, "", 1300), Pcs(4, "D", 500, 1, "", 0)};
  PricedCart p = Price(cart);
  CHECK(p.lines[0].tax_fen == 1300);
  CHECK(p.lines[1].tax_fen == 60);
  CHECK(p.lines[2].tax_fen == 115);  // 999 × 1300 / 11300 = 114.93 → 115
  CHECK(p.lines[3].tax_fen == 0);
  REQUIRE(p.tax_by_rate.size() == 3);
  CHECK(p.tax_by_rate[0].rate_bp == 0);
  CHECK(p.tax_by_rate[0].total_fen == 500);
  CHECK(p.tax_by_rate[1].rate_bp == 600);
  CHECK(p.tax_by_rate[1].tax_fen == 60);
  CHECK(p.tax_by_rate[2].rate_bp == 1300);
  CHECK(p.tax_by_rate[2].total_fen == 11300 + 999);
  CHECK(p.tax_by_rate[2].tax_fen == 1300 + 115);
  CHECK(p.tax_fen == 1475);
  CheckInvariants(p);
}

TEST_CASE("pricing: tax is on the net after discounts") {
  Cart cart;
  cart.lines = {Pcs(1, "A", 11300, 1, "", 1300)};
  cart.order_discount = Discount::AmountFen(1300);
  PricedCart p = Price(cart);
  CHECK(p.lines[0].total_fen == 10000);
  CHECK(p.lines[0].tax_fen == 1150);  // 10000 × 1300 / 11300 = 1150.44
}

TEST_CASE("pricing: invalid lines are refused and named") {
  struct Case {
    const char* what;
    CartLine line;
    const char* needle;
  };
  CartLine zero_qty = Pcs(7, "A", 100, 1);
  zero_qty.qty_milli = 0;
  CartLine negative_price = Pcs(7, "A", -1, 1);
  CartLine bad_rate = Pcs(7, "A", 100, 1, "", 10001);
  CartLine bad_percent = Pcs(7, "A", 100, 1);
  bad_percent.line_discount = Discount::PercentBp(10001);
  const Case cases[] = {{"zero quantity", zero_qty, "quantity"},
                        {"negative price", negative_price, "price"},
                        {"rate", bad_rate, "tax rate"},
                        {"percent", bad_percent, "percent"}};
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Cart cart;
    cart.lines = {c.line};
    auto r = PriceCart(cart, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("line 7") != std::string::npos);
    CHECK(r.status().message().find(c.needle) != std::string::npos);
  }
  Cart dup;
  dup.lines = {Pcs(1, "A", 100, 1), Pcs(1, "B", 100, 1)};
  CHECK_FALSE(PriceCart(dup, {}).ok());
}

TEST_CASE("pricing: AllocateLargestRemainder") {
  struct Case {
    int64_t amount;
    std::vector<int64_t> weights;
    std::vector<int64_t> shares;
  };
  const std::vector<Case> cases = {
      {100, {333, 333, 334}, {33, 33, 34}},
      {-5, {100, 100}, {-3, -2}},
      {7, {1, 1, 1}, {3, 2, 2}},
      {0, {5, 5}, {0, 0}},
      {10, {0, 0, 3}, {0, 0, 10}},
      {1, {}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.amount);
    CHECK(AllocateLargestRemainder(c.amount, c.weights) == c.shares);
  }
}

// A small deterministic generator (LCG) so the "random" carts never change.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : s_(seed) {}
  int64_t Next(int64_t n) {  // 0 .. n-1
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int64_t>((s_ >> 33) % static_cast<uint64_t>(n));
  }

 private:
  uint64_t s_;
};

TEST_CASE("pricing: property — line totals always sum to the cart total") {
  auto promos = Promos(R"({"promotions":[
    {"id":"P1","type":"nth_item_percent","skus":["S0","S1"],"nth":2,"percent":50},
    {"id":"P2","type":"bundle_price","skus":["S1","S2"],"qty":3,"price":"5.00"},
    {"id":"P3","type":"percent_off","categories":["C1"],"percent":15},
    {"id":"P4","type":"fixed_price","skus":["S3","K0"],"price":"1.99"},
    {"id":"P5","type":"buy_x_get_y","buy_skus":["S2"],"buy_qty":2,"get_skus":["S4"],"get_qty":1},
    {"id":"P6","type":"member_price","categories":["C0"],"price":"0.99"}]})");
  const CashRounding rules[] = {CashRounding::kNone, CashRounding::kJiaoDown,
                                CashRounding::kYuanDown, CashRounding::kJiaoNearest};
  Lcg rng(20261120);
  int priced = 0;
  for (int iter = 0; iter < 500; ++iter) {
    CAPTURE(iter);
    Cart cart;
    cart.member = rng.Next(2) == 1;
    const int n = 1 + static_cast<int>(rng.Next(8));
    for (int i = 0; i < n; ++i) {
      CartLine l;
      if (rng.Next(4) == 0) {
        l = Kg(i + 1, "K" + std::to_string(rng.Next(2)), 1 + rng.Next(5000), 1 + rng.Next(3000),
               "C" + std::to_string(rng.Next(3)));
      } else {
        l = Pcs(i + 1, "S" + std::to_string(rng.Next(5)), rng.Next(2000), 1 + rng.Next(6),
                "C" + std::to_string(rng.Next(3)), rng.Next(3) * 650);
      }
      if (rng.Next(5) == 0) l.member_price_fen = l.unit_price_fen * 9 / 10;
      if (rng.Next(10) == 0) l.override_price_fen = rng.Next(1000);
      if (rng.Next(10) == 0) l.voided = true;
      if (rng.Next(6) == 0) l.line_discount = Discount::PercentBp(rng.Next(10001));
      cart.lines.push_back(l);
    }
    switch (rng.Next(3)) {
      case 0:
        break;
      case 1:
        cart.order_discount = Discount::PercentBp(rng.Next(10001));
        break;
      default:
        cart.order_discount = Discount::AmountFen(rng.Next(300));
        break;
    }
    cart.cash_rounding = rules[rng.Next(4)];
    cart.rounding_cap_fen = 100;
    auto r = PriceCart(cart, promos);
    if (!r.ok()) {
      // Only an order amount over the total may fail here.
      CHECK(r.status().message().find("order discount") != std::string::npos);
      continue;
    }
    ++priced;
    CheckInvariants(*r);
    // Same input, same output.
    auto again = PriceCart(cart, promos);
    REQUIRE(again.ok());
    CHECK(again->total_fen == r->total_fen);
    CHECK(again->promotions.size() == r->promotions.size());
  }
  CHECK(priced > 400);
}

TEST_CASE("pricing: a large search falls back to greedy and stays exact") {
  // Three multi-buys over 300 pieces: (151 × 101 × 101) combinations > bound.
  auto promos = Promos(R"({"promotions":[
    {"id":"G1","type":"nth_item_percent","skus":["A","B"],"nth":2,"percent":50},
    {"id":"G2","type":"bundle_price","skus":["A","C"],"qty":3,"price":"5.00"},
    {"id":"G3","type":"buy_x_get_y","buy_skus":["B","C"],"buy_qty":2,"get_qty":1}]})");
  Cart cart;
  cart.lines = {Pcs(1, "A", 300, 100), Pcs(2, "B", 250, 100), Pcs(3, "C", 200, 100)};
  PricedCart p = Price(cart, promos);
  CheckInvariants(p);
  // Greedy still beats any single promotion on its own.
  CHECK(p.promo_discount_fen > 0);
  int64_t best_single = 0;
  for (const Promotion& one : promos) {
    best_single = std::max(best_single, Price(cart, {one}).promo_discount_fen);
  }
  CHECK(p.promo_discount_fen >= best_single);
}

TEST_CASE("pricing: quick cash suggestions") {
  struct Case {
    int64_t total;
    std::vector<int64_t> want;
  };
  const std::vector<Case> cases = {
      {3780, {3780, 4000, 5000, 10000}},
      {5000, {5000, 6000, 10000}},
      {12345, {12345, 13000, 15000, 20000}},
      {9999, {9999, 10000}},
      {10000, {10000, 11000, 15000, 20000}},
      {1, {1, 1000, 5000, 10000}},
      {0, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.total);
    CHECK(QuickCashSuggestions(c.total) == c.want);
  }
}

TEST_CASE("pricing: change") {
  CHECK(ChangeFen(10000, 3780).value() == 6220);
  CHECK(ChangeFen(3780, 3780).value() == 0);
  auto r = ChangeFen(3000, 3780);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("¥7.80") != std::string::npos);
}

}  // namespace
}  // namespace linli
