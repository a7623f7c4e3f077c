// Receipt checks at the hub (issue 11: "a sale deleted from an offline till
// after its receipt was printed leaves no trace at the till; the customer's
// paper is the anchor"): CheckReceipt over a real SQLite hub, GET /v1/verify
// over loopback, its per-source limit, and the limiter itself.
#include <doctest/doctest.h>

#include "hub_fixture.h"
#include "linli/hub/rate_limit.h"
#include "linli/hub/receipt_check.h"
#include "linli/pos/receipt.h"

namespace linli::hub::testing {
namespace {

// A receipt event as the store writes it (events.h).
json Receipt(const std::string& receipt_no, int64_t total_fen, const std::string& original = "") {
  events::ReceiptEvent e;
  e.sale_uuid = "uuid-" + receipt_no;
  e.receipt_no = receipt_no;
  e.business_date = "2026-11-21";
  e.cashier = "1001";
  e.lines.push_back({1, "L001", 1000, total_fen, total_fen, 0, 0, total_fen, 0, 0,
                     original.empty() ? std::nullopt : std::optional<int64_t>(1)});
  e.subtotal_fen = total_fen;
  e.total_fen = total_fen;
  e.tenders.push_back({"cash", total_fen, std::nullopt, std::nullopt});
  if (!original.empty()) e.original_receipt_no = original;
  return e.ToJson();
}

// The QR the till printed for this event.
ReceiptQr QrOf(const std::string& store, const std::string& receipt_no, int64_t total, const JournalEntry& e) {
  return {store, receipt_no, total, ParseUtc(e.occurred_at), HexEncode(e.hash).substr(0, kReceiptHashPrefixLen)};
}

// A hub with store S001's till enrolled and one sale of 10.13 pushed.
struct SyncedStore {
  HubFixture f{/*insecure_http=*/true};
  TestDevice till;
  JournalEntry sale;
  ReceiptQr qr;

  SyncedStore() {
    REQUIRE(f.Enroll(till, f.token_a_) == 200);
    sale = till.Next("sale", Receipt("S001-20261121-0001", 1013));
    auto r = f.Push(till, {sale});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    qr = QrOf("S001", "S001-20261121-0001", 1013, sale);
  }
  sync::ReceiptVerdict Check(const ReceiptQr& q) {
    auto v = CheckReceipt(*f.store_, q);
    REQUIRE(v.ok());
    return *v;
  }
};

TEST_CASE("receipt check: a synced sale's own QR matches, with the store and the hub's record") {
  SyncedStore s;
  const sync::ReceiptVerdict v = s.Check(s.qr);
  CHECK(v.result == sync::kVerifyMatch);
  CHECK(v.differs.empty());
  CHECK(v.store_name == "幸福路店");
  CHECK(v.kind == "sale");
  CHECK(v.total_fen == 1013);
  CHECK(v.time == s.sale.occurred_at);
  CHECK(v.hash_prefix == s.qr.hash_prefix);
  CHECK(v.refunded_fen == 0);
  CHECK_FALSE(v.last_sync.empty());
  CHECK(v.message.find("小票核验通过") == 0);  // Chinese first
  CHECK(v.message.find("¥10.13") != std::string::npos);
  CHECK(v.message_en.find("verified") != std::string::npos);
  // The QR as printed parses to the same thing the check was given.
  auto parsed = ParseReceiptQr(FormatReceiptQr(s.qr));
  REQUIRE(parsed.ok());
  CHECK(s.Check(*parsed).result == sync::kVerifyMatch);
}

TEST_CASE("receipt check: an altered total, time or hash is a mismatch naming what differs") {
  SyncedStore s;
  ReceiptQr q = s.qr;
  q.total_fen = 113;  // 10.13 → 1.13
  sync::ReceiptVerdict v = s.Check(q);
  CHECK(v.result == sync::kVerifyMismatch);
  CHECK(v.differs == std::vector<std::string>{"total"});
  CHECK(v.total_fen == 1013);
  CHECK(v.message.find("小票核验不符") == 0);
  CHECK(v.message.find("¥1.13") != std::string::npos);

  q = s.qr;
  q.time_ms += sync::kReceiptTimeToleranceMs + 1;
  CHECK(s.Check(q).differs == std::vector<std::string>{"time"});
  q.time_ms = s.qr.time_ms + sync::kReceiptTimeToleranceMs;  // within the tolerance
  CHECK(s.Check(q).result == sync::kVerifyMatch);

  q = s.qr;
  q.hash_prefix[0] = q.hash_prefix[0] == '0' ? '1' : '0';
  CHECK(s.Check(q).differs == std::vector<std::string>{"hash"});
  q.hash_prefix.clear();  // a QR without a hash proves nothing
  CHECK(s.Check(q).differs == std::vector<std::string>{"hash"});

  q = s.qr;
  q.total_fen = 1;
  q.hash_prefix = "000000000000";
  CHECK(s.Check(q).differs == std::vector<std::string>{"total", "hash"});
}

TEST_CASE("receipt check: not held is 'not yet synced' before the store's last sync and 'missing' after it") {
  SyncedStore s;
  // A receipt printed before the last sync that never reached the hub: the
  // sale was deleted from the till after printing (the case).
  ReceiptQr gone = s.qr;
  gone.receipt_no = "S001-20261121-0002";
  gone.time_ms = s.qr.time_ms - 3600'000;
  sync::ReceiptVerdict v = s.Check(gone);
  CHECK(v.result == sync::kVerifyUnknown);
  CHECK(v.reason == sync::kUnknownMissing);
  CHECK_FALSE(v.last_sync.empty());
  CHECK(v.message.find("已同步过") != std::string::npos);

  // One printed after the last sync may simply be on its way.
  ReceiptQr later = gone;
  later.time_ms = SystemClock().NowMs() + 3600'000;
  v = s.Check(later);
  CHECK(v.result == sync::kVerifyUnknown);
  CHECK(v.reason == sync::kUnknownNotYetSynced);
  CHECK(v.last_sync == s.Check(gone).last_sync);

  // A store that never synced: never "missing".
  ReceiptQr other = gone;
  other.store_code = "S002";
  other.receipt_no = "S002-20261121-0001";
  v = s.Check(other);
  CHECK(v.reason == sync::kUnknownNotYetSynced);
  CHECK(v.last_sync.empty());
  CHECK(v.message.find("从未同步") != std::string::npos);

  // No such store at all.
  other.store_code = "NOPE";
  v = s.Check(other);
  CHECK(v.reason == sync::kUnknownNoStore);
  CHECK(v.message.find("NOPE") != std::string::npos);

  // The number is looked up in the QR's store only: S001's receipt number
  // under another store's code is not S001's receipt.
  ReceiptQr elsewhere = s.qr;
  elsewhere.store_code = "S002";
  CHECK(s.Check(elsewhere).result == sync::kVerifyUnknown);
}

TEST_CASE("receipt check: a refunded or voided sale still matches, and says how much went back") {
  SyncedStore s;
  auto refund = s.till.Next("refund", Receipt("S001-20261121-0003", 400, "S001-20261121-0001"));
  auto r = s.f.Push(s.till, {refund});
  REQUIRE(r);
  REQUIRE(r->status == 200);
  sync::ReceiptVerdict v = s.Check(s.qr);
  CHECK(v.result == sync::kVerifyMatch);
  CHECK(v.refunded_fen == 400);
  CHECK(v.refunds == std::vector<std::string>{"S001-20261121-0003"});
  CHECK_FALSE(v.voided);
  CHECK(v.message.find("已退款 ¥4.00") != std::string::npos);
  // The refund's own receipt is checkable too.
  const sync::ReceiptVerdict rv = s.Check(QrOf("S001", "S001-20261121-0003", 400, refund));
  CHECK(rv.result == sync::kVerifyMatch);
  CHECK(rv.kind == "refund");

  auto voided = s.till.Next("void", Receipt("S001-20261121-0004", 613, "S001-20261121-0001"));
  REQUIRE(s.f.Push(s.till, {voided})->status == 200);
  v = s.Check(s.qr);
  CHECK(v.voided);
  CHECK(v.refunded_fen == 1013);
  CHECK(v.message.find("已作废") != std::string::npos);
}

TEST_CASE("receipt check: a sale event whose payload is not JSON is kept flagged and never breaks ingest or a check") {
  SyncedStore s;
  JournalEntry bad = s.till.Next("sale", json::object());
  bad.payload = "not json {";
  bad.hash = ComputeJournalHash(s.till.id, bad);
  bad.signature = *Ed25519Sign(s.till.key.private_key, bad.hash);
  s.till.head = bad.hash;
  auto r = s.f.Push(s.till, {bad});
  REQUIRE(r);
  CHECK(r->status != 500);
  CHECK(s.Check(s.qr).result == sync::kVerifyMatch);
}

// ---- GET /v1/verify

std::string Query(const std::string& qr) { return std::string(sync::kPathVerify) + "?q=" + httplib::detail::encode_query_param(qr); }

TEST_CASE("GET /v1/verify: no login; the answer is JSON with a stable result and Chinese-first text") {
  SyncedStore s;
  auto c = s.f.Client();
  auto r = c->Get(Query(FormatReceiptQr(s.qr)).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Cache-Control") == "no-store");
  json j = json::parse(r->body);
  CHECK(j["result"] == "match");
  CHECK(j["total_fen"] == 1013);
  CHECK(j["store_code"] == "S001");
  CHECK(j["message"].get<std::string>().find("小票核验通过") == 0);
  // Only what the paper shows: no lines, SKUs, tenders or devices.
  CHECK(r->body.find("L001") == std::string::npos);
  CHECK(r->body.find(s.till.id) == std::string::npos);
  CHECK(r->body.find("cash") == std::string::npos);
  auto back = sync::ReceiptVerdict::FromJson(j);
  REQUIRE(back.ok());
  CHECK(back->result == sync::kVerifyMatch);

  ReceiptQr altered = s.qr;
  altered.total_fen = 1;
  r = c->Get(Query(FormatReceiptQr(altered)).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["result"] == "mismatch");
  CHECK(json::parse(r->body)["differs"] == json::array({"total"}));
}

TEST_CASE("GET /v1/verify: bad QR text is 400 naming the field, Chinese first; one q only") {
  SyncedStore s;
  auto c = s.f.Client();
  auto r = c->Get(Query("LINLI1|S001|S001-20261121-0001|10.13|2026-11-21T07:30:00.000Z|").c_str());
  REQUIRE(r);
  CHECK(r->status == 400);
  json j = json::parse(r->body);
  CHECK(j["error"] == sync::kErrBadRequest);
  CHECK(j["field"] == "q");
  CHECK(j["message"].get<std::string>().find("金额") == 0);
  CHECK(j["message"].get<std::string>().find("total_fen") != std::string::npos);
  r = c->Get(sync::kPathVerify);
  REQUIRE(r);
  CHECK(r->status == 400);
  ReceiptQr other = s.qr;
  other.total_fen = 1;  // (httplib folds a repeated identical pair into one)
  r = c->Get((Query(FormatReceiptQr(s.qr)) + "&q=" + httplib::detail::encode_query_param(FormatReceiptQr(other))).c_str());
  REQUIRE(r);
  CHECK(r->status == 400);
  r = c->Get(Query(std::string(500, '|')).c_str());
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["message"].get<std::string>().find("过长") != std::string::npos);
}

TEST_CASE("GET /v1/verify: limited per source address, 429 with Retry-After, other endpoints unaffected") {
  SyncedStore s;
  ServerOptions opts;
  opts.port = 0;
  opts.insecure_http = true;
  opts.verify_per_minute = 3;
  HubServer limited(*s.f.store_, s.f.clock_, opts);
  REQUIRE(limited.Start().ok());
  httplib::Client c("http://127.0.0.1:" + std::to_string(limited.port()));
  const std::string target = Query(FormatReceiptQr(s.qr));
  for (int i = 0; i < 3; ++i) {
    auto r = c.Get(target.c_str());
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  auto r = c.Get(target.c_str());
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(json::parse(r->body)["error"] == sync::kErrTooMany);
  int64_t retry = 0;
  REQUIRE_NOTHROW(retry = std::stoll(r->get_header_value(sync::kHeaderRetryAfter)));
  CHECK(retry >= 1);
  CHECK(retry <= 60);
  // Bad input is counted too (it is the cost that is limited).
  r = c.Get((std::string(sync::kPathVerify) + "?q=x").c_str());
  REQUIRE(r);
  CHECK(r->status == 429);
  r = c.Get(sync::kPathHealth);
  REQUIRE(r);
  CHECK(r->status == 200);
  limited.Stop();
}

// ---- the limiter

TEST_CASE("rate limiter: a window per source, Retry-After to its end, and a fixed-size table that forgets the oldest") {
  RateLimiter l(/*capacity=*/3, /*limit=*/2, /*window_ms=*/60'000);
  CHECK(l.Admit("a", 1'000) == 0);
  CHECK(l.Admit("a", 2'000) == 0);
  CHECK(l.Admit("a", 11'000) == 50'000);  // window started at 1 s
  CHECK(l.Admit("a", 60'999) == 1);
  CHECK(l.Admit("a", 61'000) == 0);       // a new window
  CHECK(l.Admit("b", 61'000) == 0);       // sources are counted apart
  CHECK(l.Admit("b", 61'000) == 0);
  CHECK(l.Admit("b", 61'000) > 0);
  // Many sources: the table stays at its capacity, the least recent go.
  for (int i = 0; i < 10'000; ++i) CHECK(l.Admit("spray-" + std::to_string(i), 62'000) == 0);
  CHECK(l.size() == 3);
  CHECK(l.Admit("b", 62'000) == 0);  // b was forgotten: a fresh window
  // A refused request does not extend the window; a clock going back resets.
  RateLimiter one(1, 1, 1'000);
  CHECK(one.Admit("x", 5'000) == 0);
  CHECK(one.Admit("x", 5'500) == 500);
  CHECK(one.Admit("x", 5'900) == 100);
  CHECK(one.Admit("x", 4'000) == 0);
}

}  // namespace
}  // namespace linli::hub::testing
