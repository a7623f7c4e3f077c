// The typed journal events (pos/journal/include/linli/pos/events.h): strict
// decoding, byte-exact re-encoding, effects, and compatibility with a journal
// written before the types existed (tests/golden/journal_v1, made by its
// `make` script with the binaries of commit 05587ac).
#include "linli/pos/events.h"

#include <doctest/doctest.h>

#include <map>

#include "linli/pos/canonical_json.h"
#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "journal_fixture.h"
#include "testing.h"

namespace linli {
namespace {

using json = nlohmann::json;
using namespace events;

const std::string& kFixtureDir = testing::kJournalFixtureDir;

struct Fixture {
  std::string device_id;
  std::string public_key;
  std::vector<JournalEntry> entries;
};

Fixture LoadFixture() {
  Fixture f;
  const json dev = json::parse(testing::ReadFile(kFixtureDir + "device.json"));
  f.device_id = dev.at("device_id").get<std::string>();
  f.public_key = testing::FixtureUnhex(dev.at("public_key").get<std::string>());
  f.entries = testing::JournalFixtureEntries();
  return f;
}

// A full sale payload as the store writes it, for the strictness cases.
json SalePayload() {
  return {{"sale_uuid", "u1"},
          {"receipt_no", "S001-20261121-0001"},
          {"business_date", "2026-11-21"},
          {"cashier", "1001"},
          {"lines",
           {{{"line", 1}, {"sku", "YL0001"}, {"qty_milli", 2000}, {"unit_price_fen", 350},
             {"gross_fen", 700}, {"discount_fen", 0}, {"rounding_fen", 0}, {"total_fen", 700},
             {"tax_rate_bp", 1300}, {"tax_fen", 81}}}},
          {"subtotal_fen", 700},
          {"discount_fen", 0},
          {"rounding_fen", 0},
          {"total_fen", 700},
          {"tax_fen", 81},
          {"tenders", {{{"method", "cash"}, {"amount_fen", 700}}}},
          {"change_fen", 300},
          {"shift", 4}};
}

std::string Bytes(const json& j) { return *CanonicalJson(j); }

}  // namespace

TEST_CASE("events: the fixture journal written before typed events still verifies, link by link") {
  const Fixture f = LoadFixture();
  REQUIRE(f.entries.size() == 15);
  std::string prev = JournalGenesisHash();
  for (const JournalEntry& e : f.entries) {
    CAPTURE(e.seq);
    CHECK(e.prev_hash == prev);
    CHECK(ComputeJournalHash(f.device_id, e) == e.hash);
    CHECK(Ed25519Verify(f.public_key, e.hash, e.signature));
    prev = e.hash;
  }
}

TEST_CASE("events: every fixture payload decodes strictly and re-encodes byte for byte") {
  const Fixture f = LoadFixture();
  std::map<std::string, int> seen;
  for (const JournalEntry& e : f.entries) {
    CAPTURE(e.seq);
    CAPTURE(e.payload);
    REQUIRE(IsKnownType(e.type, e.type_version));
    auto decoded = Decode(e.type, e.type_version, e.payload);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    auto again = Encode(*decoded);
    REQUIRE(again.ok());
    CHECK(*again == e.payload);
    ++seen[e.type];
  }
  // The fixture holds every type the journal had before typed events: the
  // seven that came before product_edit@1 (the last of kAllTypes).
  CHECK(seen.size() == 7);
  CHECK(std::string(std::rbegin(kAllTypes)->type) == "product_edit");
}

TEST_CASE("events: the fixture's stock effects sum to the stock the old store recorded") {
  const Fixture f = LoadFixture();
  std::map<std::string, int64_t> stock;
  for (const JournalEntry& e : f.entries) {
    auto fx = EffectsOf(e.type, e.type_version, e.payload);
    REQUIRE(fx.ok());
    for (const StockDelta& d : fx->stock) stock[d.sku] += d.qty_milli;
  }
  std::string expected = testing::ReadFile(kFixtureDir + "store_stock.txt");
  std::string got;
  for (const auto& [sku, qty] : stock) got += sku + "|" + std::to_string(qty) + "\n";
  CHECK(got == expected);
}

TEST_CASE("events: a sale moves stock out, a refund and a void put it back, with signed money") {
  auto sale = SaleEvent::FromPayload(Bytes(SalePayload()));
  REQUIRE(sale.ok());
  const EventEffects s = sale->Effects();
  REQUIRE(s.stock.size() == 1);
  CHECK(s.stock[0].sku == "YL0001");
  CHECK(s.stock[0].qty_milli == -2000);
  CHECK(s.stock[0].reason == MovementReason::kSale);
  REQUIRE(s.sales.size() == 1);
  CHECK(s.sales[0].sales_fen == 700);
  CHECK(s.sales[0].refunds_fen == 0);
  CHECK(s.sales[0].tax_fen == 81);
  CHECK(s.sales[0].qty_milli == 2000);
  REQUIRE(s.tenders.size() == 1);
  CHECK(s.tenders[0].amount_fen == 700);
  REQUIRE(s.cash.size() == 1);
  CHECK(s.cash[0].shift_id == 4);
  CHECK(s.cash[0].amount_fen == 700);
  CHECK_FALSE(s.refund);
  CHECK(s.receipt_date == "2026-11-21");

  for (const char* type : {"refund", "void"}) {
    CAPTURE(type);
    auto fx = EffectsOf(type, 1, Bytes(SalePayload()));
    REQUIRE(fx.ok());
    CHECK(fx->stock[0].qty_milli == 2000);
    CHECK(fx->stock[0].reason == (std::string(type) == "refund" ? MovementReason::kRefund : MovementReason::kVoid));
    CHECK(fx->sales[0].sales_fen == 0);
    CHECK(fx->sales[0].refunds_fen == 700);
    CHECK(fx->sales[0].tax_fen == -81);
    CHECK(fx->sales[0].qty_milli == -2000);
    CHECK(fx->tenders[0].amount_fen == -700);
    CHECK(fx->cash[0].amount_fen == -700);
    CHECK(fx->refund);
  }
}

TEST_CASE("events: a decode error names the type and the field by its JSON path") {
  json p = SalePayload();
  p["lines"][0].erase("qty_milli");
  auto r = SaleEvent::FromPayload(Bytes(p));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message() == "sale@1: $.lines[0].qty_milli is missing");

  p = SalePayload();
  p["tenders"][0]["amount_fen"] = "700";
  r = SaleEvent::FromPayload(Bytes(p));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "sale@1: $.tenders[0].amount_fen must be an integer");

  p = SalePayload();
  p["colour"] = "red";
  auto refund = RefundEvent::FromPayload(Bytes(p));
  REQUIRE_FALSE(refund.ok());
  CHECK(refund.status().message() == "refund@1: $.colour is not a field of this event");

  p = SalePayload();
  p["points"] = 5;  // points without the member they belong to
  r = SaleEvent::FromPayload(Bytes(p));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "sale@1: $.member is missing");

  r = SaleEvent::FromPayload("[1,2]");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "sale@1: $ must be an object");

  r = SaleEvent::FromPayload("{\"sale_uuid\":");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "sale@1: payload is not valid JSON");
}

TEST_CASE("events: stock and cash events refuse values outside their vocabulary") {
  auto m = StockMovementEvent::FromPayload(R"({"qty_milli":1000,"reason":"receiving","sku":"A"})");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "stock_movement@1: $.reason \"receiving\" is not a movement reason");

  m = StockMovementEvent::FromPayload(R"({"qty_milli":1000,"reason":"receive","sku":""})");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "stock_movement@1: $.sku must not be empty");

  auto c = CashMovementEvent::FromPayload(
      R"({"amount_fen":5,"kind":"steal","movement_id":1,"occurred_at":"t","reason":"r","shift_id":1,"user_id":"u"})");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "cash_movement@1: $.kind \"steal\" must be pay_in or pay_out");

  auto unknown = Decode("parcel_in", 1, "{}");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() == "unknown event type parcel_in@1");
  CHECK_FALSE(IsKnownType("sale", 2));
}

TEST_CASE("events: the drawer's effects: float in, pay-in in, pay-out out, close moves nothing") {
  ShiftOpenEvent open;
  open.shift_id = 3;
  open.user_id = "1001";
  open.float_fen = 20000;
  open.opened_at = "2026-11-21T01:00:00.000Z";
  REQUIRE(open.Effects().cash.size() == 1);
  CHECK(open.Effects().cash[0].amount_fen == 20000);
  auto round = ShiftOpenEvent::FromPayload(*open.ToPayload());
  REQUIRE(round.ok());
  CHECK(*round->ToPayload() == *open.ToPayload());

  CashMovementEvent out;
  out.shift_id = 3;
  out.kind = "pay_out";
  out.amount_fen = 1250;
  CHECK(out.Effects().cash[0].amount_fen == -1250);
  out.kind = "pay_in";
  CHECK(out.Effects().cash[0].amount_fen == 1250);

  ShiftCloseEvent close;
  const EventEffects none = close.Effects();
  CHECK(none.stock.empty());
  CHECK(none.sales.empty());
  CHECK(none.tenders.empty());
  CHECK(none.cash.empty());
}

TEST_CASE("events: optional fields are absent exactly when unset, so a round trip keeps the bytes") {
  SaleEvent e;
  e.sale_uuid = "u";
  e.receipt_no = "R";
  e.business_date = "2026-11-21";
  e.cashier = "1001";
  e.tenders.push_back({"payment_code", 100, std::string("wechat"), std::nullopt});
  const std::string bytes = *e.ToPayload();
  CHECK(bytes.find("reference") == std::string::npos);
  CHECK(bytes.find("\"provider\":\"wechat\"") != std::string::npos);
  CHECK(bytes.find("member") == std::string::npos);
  CHECK(bytes.find("shift") == std::string::npos);
  auto back = SaleEvent::FromPayload(bytes);
  REQUIRE(back.ok());
  CHECK(*back->ToPayload() == bytes);

  // An empty optional string is not the same as an absent one.
  e.approved_by = "";
  const std::string with_empty = *e.ToPayload();
  CHECK(with_empty != bytes);
  CHECK(*SaleEvent::FromPayload(with_empty)->ToPayload() == with_empty);
}

}  // namespace linli
