// The hub over real HTTPS on loopback: enrolment, push verification, epochs,
// the change feed, HQ scoping, replay and malformed requests.
#include <map>

#include "hub_fixture.h"

namespace linli::hub::testing {
namespace {

void AddProducts(HubFixture& f, const std::string& token) {
  for (const char* sku : {"H001", "H002"}) {
    auto r = f.HqPost(token, sync::kPathHqProducts,
                      {{"sku", sku}, {"name", std::string("商品") + sku}, {"category", "饮料"}, {"tax_rate_bp", 1300}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
}

TEST_CASE("push: verified events land, hwm and a signed checkpoint follow, duplicates skip, gaps get 409") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  AddProducts(f, alice);
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  CHECK(f.Enroll(dev, f.token_a_) == 401);  // one-time

  std::vector<JournalEntry> batch = {dev.Next("stock_movement", Movement("H001", 10000)),
                                     dev.Next("sale", Sale("H001", 2000, 400)),
                                     dev.Next("shift_open", ShiftOpen(1, 10000))};
  auto res = f.Push(dev, batch);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto pr = *sync::PushResponse::FromJson(json::parse(res->body));
  CHECK(pr.accepted == 3);
  CHECK(pr.checkpoint.seq == 3);
  CHECK(pr.checkpoint.hash_hex == HexEncode(dev.head));
  auto hub_key = *f.store_->Key();
  CHECK(sync::VerifyCheckpoint(pr.checkpoint, hub_key.public_key));

  auto hwm = f.Signed(dev, "GET", sync::kPathHwm);
  REQUIRE(hwm);
  REQUIRE(hwm->status == 200);
  auto h = *sync::HwmResponse::FromJson(json::parse(hwm->body));
  CHECK(h.HeadSeq(1) == 3);

  // The same batch again: all duplicates.
  res = f.Push(dev, batch);
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["duplicates"] == 3);

  // A gap: seq 5 before 4.
  dev.Next("stock_movement", Movement("H001", 1000));
  auto e5 = dev.Next("stock_movement", Movement("H001", 1000));
  res = f.Push(dev, {e5});
  REQUIRE(res->status == 409);
  auto err = json::parse(res->body);
  CHECK(err["error"] == "gap");
  CHECK(err["expected_seq"] == 4);

  // HQ sees stock and sales.
  auto stock = f.HqGet(alice, "/v1/hq/stock?sku=H001");
  REQUIRE(stock->status == 200);
  auto sj = json::parse(stock->body);
  CHECK(sj["total_milli"] == 8000);
  CHECK(sj["stores"][0]["code"] == "S001");
  CHECK(sj["stores"][0]["on_hand_milli"] == 8000);
  CHECK(sj["stores"][0]["last_sync"].is_string());
  auto sales = f.HqGet(alice, "/v1/hq/sales?from=2026-11-01&to=2026-11-30&group=category");
  REQUIRE(sales->status == 200);
  auto rows = json::parse(sales->body)["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["key"] == "饮料");
  CHECK(rows[0]["sales_fen"] == 400);

  // Rebuilt projections equal the live ones.
  auto live = *f.store_->DumpProjections();
  REQUIRE(f.store_->Rebuild().ok());
  CHECK(*f.store_->DumpProjections() == live);
  CHECK(live["proj_stock"].size() == 1);
}

TEST_CASE("push: a bad signature mid-batch is refused; the events before it land, the ones after wait") {
  HubFixture f;
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto e1 = dev.Next("stock_movement", Movement("H001", 5000));
  auto e2 = dev.Next("stock_movement", Movement("H001", 1000));
  auto e3 = dev.Next("stock_movement", Movement("H001", 2000));
  JournalEntry forged = e2;
  forged.signature = *Ed25519Sign(GenerateEd25519()->private_key, e2.hash);  // right hash, someone else's key
  auto res = f.Push(dev, {e1, forged, e3});
  REQUIRE(res->status == 422);
  const json err = json::parse(res->body);
  CHECK(err["error"] == "bad_event");
  CHECK(err["seq"] == 2);
  CHECK(err["message"].get<std::string>().find("seq 2: signature invalid") != std::string::npos);
  auto hwm = f.Signed(dev, "GET", sync::kPathHwm);
  REQUIRE(hwm->status == 200);
  CHECK(sync::HwmResponse::FromJson(json::parse(hwm->body))->HeadSeq(1) == 1);
  // The genuine events then go through.
  res = f.Push(dev, {e2, e3});
  REQUIRE(res->status == 200);
  auto pr = *sync::PushResponse::FromJson(json::parse(res->body));
  CHECK(pr.accepted + pr.flagged == 2);  // flagged: this hub has no catalog, so H001 is unknown
  CHECK(pr.checkpoint.seq == 3);
}

TEST_CASE("push: a tampered event and a fork are refused, quarantined and shown in /v1/hq/stores") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto e1 = dev.Next("stock_movement", Movement("H001", 5000));
  REQUIRE(f.Push(dev, {e1})->status == 200);

  auto e2 = dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry tampered = e2;
  tampered.payload = *CanonicalJson(Movement("H001", 900000));
  auto res = f.Push(dev, {tampered});
  REQUIRE(res->status == 422);
  CHECK(json::parse(res->body)["error"] == "bad_event");
  CHECK(json::parse(res->body)["message"].get<std::string>().find("hash mismatch") != std::string::npos);

  // A validly signed but different seq 2: the genuine one lands first, then
  // the other is a fork.
  REQUIRE(f.Push(dev, {e2})->status == 200);
  TestDevice fork = dev;
  fork.seq = 1;
  fork.head = e1.hash;
  auto other = fork.Next("stock_movement", Movement("H001", 7000));
  res = f.Push(dev, {other});
  REQUIRE(res->status == 409);
  CHECK(json::parse(res->body)["error"] == "fork");

  auto stores = json::parse(f.HqGet(alice, "/v1/hq/stores")->body)["stores"];
  REQUIRE(stores.size() == 2);
  CHECK(stores[0]["code"] == "S001");
  CHECK(stores[0]["forks"] == 1);
  CHECK(stores[0]["quarantined"] == 2);
  CHECK(stores[0]["devices"][0]["epochs"][0]["head_seq"] == 2);
}

TEST_CASE("push: unknown SKUs are kept and flagged and never block the queue") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  AddProducts(f, alice);
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto res = f.Push(dev, {dev.Next("sale", Sale("NOPE", 1000, 100)), dev.Next("sale", Sale("H002", 1000, 300))});
  REQUIRE(res->status == 200);
  auto j = json::parse(res->body);
  CHECK(j["flagged"] == 1);
  CHECK(j["accepted"] == 1);
  auto stores = json::parse(f.HqGet(alice, "/v1/hq/stores")->body)["stores"];
  CHECK(stores[0]["flagged"] == 1);
  CHECK(json::parse(f.HqGet(alice, "/v1/hq/stock?sku=H002")->body)["total_milli"] == -1000);
}

TEST_CASE("push: a restored store starts a new epoch linked to its local head") {
  HubFixture f;
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  std::vector<JournalEntry> first;
  for (int i = 0; i < 5; ++i) first.push_back(dev.Next("stock_movement", Movement("H001", 1000)));
  REQUIRE(f.Push(dev, first)->status == 200);
  // Restored from a backup taken at seq 3: epoch 2 continues from seq 3.
  dev.epoch = 2;
  dev.seq = 3;
  dev.head = first[2].hash;
  auto e4 = dev.Next("stock_movement", Movement("H001", 2000));
  auto res = f.Push(dev, {e4, dev.Next("stock_movement", Movement("H001", 1000))});
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["checkpoint"]["epoch"] == 2);
  auto h = *sync::HwmResponse::FromJson(json::parse(f.Signed(dev, "GET", sync::kPathHwm)->body));
  REQUIRE(h.epochs.size() == 2);
  CHECK(h.HeadSeq(1) == 5);
  CHECK(h.HeadSeq(2) == 5);
  CHECK(h.epochs[1].first_seq == 4);

  // An epoch 3 that links to nothing the hub holds is a fork.
  TestDevice rogue = dev;
  rogue.epoch = 3;
  rogue.seq = 5;
  rogue.head = std::string(32, 'x');
  res = f.Push(dev, {rogue.Next("stock_movement", Movement("H001", 1))});
  CHECK(res->status == 409);
  CHECK(json::parse(res->body)["error"] == "fork");
}

TEST_CASE("auth: store A's key cannot push or pull as store B, revoked stores are refused") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  TestDevice a, b;
  REQUIRE(f.Enroll(a, f.token_a_) == 200);
  REQUIRE(f.Enroll(b, f.token_b_) == 200);
  // A signs a request claiming to be B.
  auto body = PushBody(b.id, {b.Next("stock_movement", Movement("H001", 1000))});
  auto res = f.Signed(a, "POST", sync::kPathPush, body, b.id);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(json::parse(res->body)["error"] == "bad_signature");
  // A pushes B's events under its own name: refused.
  res = f.Signed(a, "POST", sync::kPathPush, body);
  CHECK(res->status == 403);
  res = f.Signed(a, "GET", "/v1/sync/changes?cursor=0", "", b.id);
  CHECK(res->status == 401);

  // B's store config never reaches A.
  REQUIRE(f.HqPost(alice, sync::kPathHqStoreConfig, {{"store", "S002"}, {"key", "receipt_footer"}, {"value", "B"}})->status == 200);
  REQUIRE(f.HqPost(alice, sync::kPathHqCategories, {{"name", "饮料"}})->status == 200);
  auto ca = *sync::ChangesResponse::FromJson(json::parse(f.Signed(a, "GET", "/v1/sync/changes?cursor=0")->body));
  auto cb = *sync::ChangesResponse::FromJson(json::parse(f.Signed(b, "GET", "/v1/sync/changes?cursor=0")->body));
  CHECK(ca.changes.size() == 1);
  CHECK(cb.changes.size() == 2);
  CHECK(ca.cursor == cb.cursor);

  REQUIRE(f.store_->RevokeStore("LL", "S001", f.clock_.NowMs()).ok());
  res = f.Signed(a, "GET", sync::kPathHwm);
  CHECK(res->status == 403);
  CHECK(json::parse(res->body)["error"] == "revoked");
}

TEST_CASE("HQ: a user of org X sees nothing of org Y on any endpoint") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  const std::string bob = f.Login("XX", "bob", "bob-pass-1");
  AddProducts(f, alice);
  TestDevice a;
  REQUIRE(f.Enroll(a, f.token_a_) == 200);
  REQUIRE(f.Push(a, {a.Next("sale", Sale("H001", 1000, 250))})->status == 200);

  auto stock = json::parse(f.HqGet(bob, "/v1/hq/stock?sku=H001")->body);
  CHECK(stock["total_milli"] == 0);
  REQUIRE(stock["stores"].size() == 1);
  CHECK(stock["stores"][0]["code"] == "Y001");
  CHECK(f.HqGet(bob, "/v1/hq/stock?sku=H001&store=S001")->status == 404);
  for (const char* g : {"store", "day", "category", "sku"}) {
    auto sales = json::parse(f.HqGet(bob, std::string("/v1/hq/sales?from=2026-01-01&to=2026-12-31&group=") + g)->body);
    CHECK(sales["rows"].empty());
  }
  auto stores = json::parse(f.HqGet(bob, "/v1/hq/stores")->body)["stores"];
  REQUIRE(stores.size() == 1);
  CHECK(stores[0]["code"] == "Y001");
  // Bob's price for S001 (not his store) is not found; his edits never reach LL's feed.
  CHECK(f.HqPost(bob, sync::kPathHqPrices, {{"sku", "H001"}, {"price_fen", 1}, {"effective_from", "2026-11-22"}, {"store", "S001"}})->status == 404);
  REQUIRE(f.HqPost(bob, sync::kPathHqCategories, {{"name", "别家的"}})->status == 200);
  auto feed = *sync::ChangesResponse::FromJson(json::parse(f.Signed(a, "GET", "/v1/sync/changes?cursor=0")->body));
  for (const auto& c : feed.changes) CHECK(c.key != "别家的");
  // No session, a bad session, a wrong password.
  CHECK(f.Client()->Get("/v1/hq/stores")->status == 401);
  CHECK(f.HqGet("lls_nonsense", "/v1/hq/stores")->status == 401);
  json wrong = {{"org", "LL"}, {"name", "bob"}, {"password", "bob-pass-1"}};
  CHECK(f.Client()->Post(sync::kPathHqLogin, wrong.dump(), "application/json")->status == 401);
}

TEST_CASE("auth: a replayed request and a stale timestamp are refused") {
  HubFixture f;
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  const std::string body = PushBody(dev.id, {dev.Next("stock_movement", Movement("H001", 1000))});
  auto h = *sync::SignRequest(dev.key.private_key, dev.id, "POST", sync::kPathPush, body, f.clock_.NowMs());
  httplib::Headers headers = {{sync::kHeaderProtocol, h.protocol}, {sync::kHeaderDevice, h.device},
                              {sync::kHeaderTimestamp, h.timestamp}, {sync::kHeaderNonce, h.nonce},
                              {sync::kHeaderSignature, h.signature}};
  auto c = f.Client();
  CHECK(c->Post(sync::kPathPush, headers, body, "application/json")->status == 200);
  auto again = c->Post(sync::kPathPush, headers, body, "application/json");
  CHECK(again->status == 401);
  CHECK(json::parse(again->body)["error"] == "replayed_nonce");
  auto stale = f.Signed(dev, "GET", sync::kPathHwm, "", "", {}, f.clock_.NowMs() - 10 * 60 * 1000);
  CHECK(stale->status == 401);
  CHECK(json::parse(stale->body)["error"] == "stale_timestamp");
  // A body changed after signing.
  headers = {{sync::kHeaderProtocol, h.protocol}, {sync::kHeaderDevice, h.device},
             {sync::kHeaderTimestamp, h.timestamp}, {sync::kHeaderNonce, sync::NewNonce()},
             {sync::kHeaderSignature, h.signature}};
  CHECK(c->Post(sync::kPathPush, headers, body, "application/json")->status == 401);
}

TEST_CASE("robustness: corrupt, oversized and wrong-version requests get a clear 4xx and the hub keeps serving") {
  HubFixture f;
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto err = [](const httplib::Result& r) { return json::parse(r->body)["error"].get<std::string>(); };

  auto r = f.Signed(dev, "POST", sync::kPathPush, "{not json");
  CHECK(r->status == 400);
  CHECK(err(r) == "bad_request");
  r = f.Signed(dev, "POST", sync::kPathPush, "\x1f\x8b garbage", "", {{sync::kHeaderEncoding, "gzip"}});
  CHECK(r->status == 400);
  // A gzip bomb: 20 MiB of zeros in a few KiB.
  const std::string bomb = *sync::Gzip(std::string(20 << 20, '0'));
  CHECK(bomb.size() < 100000);
  r = f.Signed(dev, "POST", sync::kPathPush, bomb, "", {{sync::kHeaderEncoding, "gzip"}});
  CHECK(r->status == 413);
  CHECK(err(r) == "too_large");
  // More than the wire limit.
  r = f.Signed(dev, "POST", sync::kPathPush, std::string(sync::kMaxRequestBody + 10, ' '));
  REQUIRE(r);
  CHECK(r->status == 413);
  // 501 events.
  std::vector<JournalEntry> many;
  for (int i = 0; i < 501; ++i) many.push_back(dev.Next("shift_open", ShiftOpen(i)));
  r = f.Signed(dev, "POST", sync::kPathPush, *sync::Gzip(PushBody(dev.id, many)), "", {{sync::kHeaderEncoding, "gzip"}});
  CHECK(r->status == 413);
  // 500 gzip'd events are fine.
  many.pop_back();
  r = f.Signed(dev, "POST", sync::kPathPush, *sync::Gzip(PushBody(dev.id, many)), "", {{sync::kHeaderEncoding, "gzip"}});
  CHECK(r->status == 200);
  // Versions: envelope and event type.
  auto res = f.Client()->Post(sync::kPathEnroll, {{sync::kHeaderProtocol, "2"}}, "{}", "application/json");
  CHECK(res->status == 426);
  CHECK(err(res) == "protocol_version");
  r = f.Signed(dev, "POST", sync::kPathPush, PushBody(dev.id, {dev.Next("sale", Sale("H001", 1, 1), 9)}));
  CHECK(r->status == 426);
  CHECK(err(r) == "event_version");
  // Still serving.
  CHECK(f.Client()->Get(sync::kPathHealth)->status == 200);
}

// Issue 11: POST /v1/hq/products with a bad barcode answered 400, yet the
// product was already committed and pulled by the stores (price 0); a name
// holding ESC p reached every till's printer; a scale_layouts that is not
// JSON stopped the tills selling. Each is refused whole, before any write.
TEST_CASE("HQ edits: a refused edit writes nothing, control characters and bad config are refused naming the field") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto changes = [&] {
    auto r = f.Signed(dev, "GET", "/v1/sync/changes?cursor=0&limit=100");
    REQUIRE(r->status == 200);
    return sync::ChangesResponse::FromJson(json::parse(r->body))->changes.size();
  };
  auto refused = [&](const char* path, const json& body, const std::string& says) {
    CAPTURE(body.dump());
    auto r = f.HqPost(alice, path, body);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find(says) != std::string::npos);
    CHECK(changes() == 0);
  };
  const json product = {{"sku", "H001"}, {"name", "可乐"}, {"category", "饮料"}, {"tax_rate_bp", 1300}};
  json bad_code = product;
  bad_code["barcodes"] = {"6901234567892", "6901234567893"};
  refused(sync::kPathHqProducts, bad_code, "6901234567893");
  bad_code["barcodes"] = {""};
  refused(sync::kPathHqProducts, bad_code, "not a GTIN");
  json drawer = product;
  drawer["name"] = "可乐\x1Bp\x01\x19";
  refused(sync::kPathHqProducts, drawer, "field $.name holds control character U+001B (ESC)");
  json cut = product;
  cut["category"] = "饮\x1DV";
  refused(sync::kPathHqProducts, cut, "$.category");
  refused(sync::kPathHqCategories, {{"name", "饮\xC2\x9B料"}}, "U+009B");
  refused(sync::kPathHqPromotions,
          {{"code", "P1"}, {"name", "半价\x1B@"}, {"type", "percent_off"}, {"skus", {"H001"}}, {"percent", 50}},
          "$.name");
  refused(sync::kPathHqPromotions, {{"code", "P2"}, {"type", "percent_of"}, {"skus", {"H001"}}, {"percent", 50}},
          "type");
  refused(sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "receipt_footer"}, {"value", "谢谢\x1Bp\x00"}},
          "$.value");
  refused(sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "scale_layouts"}, {"value", "[{not json"}},
          "scale_layouts\\\" is not valid JSON");
  refused(sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "cash_rounding"}, {"value", "yuan_up"}},
          "cash rounding");
  refused(sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "timezone"}, {"value", "Mars/Olympus"}},
          "Mars/Olympus");
  refused(sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "device_id"}, {"value", "x"}}, "not set from HQ");

  // Good edits go through, a product and its barcodes as one.
  json good = product;
  good["barcodes"] = {"6901234567892"};
  auto r = f.HqPost(alice, sync::kPathHqProducts, good);
  REQUIRE(r->status == 200);
  CHECK(json::parse(r->body)["seqs"].size() == 2);
  REQUIRE(f.HqPost(alice, sync::kPathHqStoreConfig,
                   {{"store", "S001"}, {"key", "scale_layouts"}, {"value", "[]"}})->status == 200);
  REQUIRE(f.HqPost(alice, sync::kPathHqPromotions,
                   {{"code", "P1"}, {"name", "半价"}, {"type", "percent_off"}, {"skus", {"H001"}}, {"percent", 50},
                    {"active", false}})->status == 200);
  CHECK(changes() == 4);
}

// Issue 11: hub.db holds the hub's signing key, yet it was created 0644.
TEST_CASE("keys at rest: hub.db and the key files are readable by their owner only") {
  namespace fs = std::filesystem;
  HubFixture f;
  auto others = [](const std::string& p) {
    return (fs::status(p).permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
  };
  for (const std::string& p : {f.dir_.File("hub.db"), f.certs_.ca_key, f.certs_.server_key}) {
    CAPTURE(p);
    REQUIRE(fs::exists(p));
    CHECK_FALSE(others(p));
  }
  CHECK(others(f.certs_.ca_cert));  // the CA certificate is public: stores pin it
  // One request, so the server is listening before the fixture stops it:
  // HubServer::Stop right after Start can miss a listener not yet started.
  REQUIRE(f.Client()->Get(sync::kPathHealth));
}

TEST_CASE("change feed: pages with a cursor, a cursor older than the log gets a snapshot, never a loop") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  AddProducts(f, alice);
  REQUIRE(f.HqPost(alice, sync::kPathHqPrices, {{"sku", "H001"}, {"price_fen", 250}, {"effective_from", "2026-12-01"}})->status == 200);
  REQUIRE(f.HqPost(alice, sync::kPathHqPrices, {{"sku", "H001"}, {"price_fen", 2.5}, {"effective_from", "2026-12-01"}})->status == 400);
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto page = [&](int64_t cursor, int limit) {
    auto r = f.Signed(dev, "GET", "/v1/sync/changes?cursor=" + std::to_string(cursor) + "&limit=" + std::to_string(limit));
    REQUIRE(r->status == 200);
    return *sync::ChangesResponse::FromJson(json::parse(r->body));
  };
  auto p1 = page(0, 2);
  CHECK(p1.changes.size() == 2);
  CHECK(p1.more);
  auto p2 = page(p1.cursor, 2);
  CHECK(p2.changes.size() == 1);
  CHECK_FALSE(p2.more);
  CHECK(p2.changes[0].kind == "price");
  CHECK(p2.changes[0].data["price_fen"] == 250);

  auto org = *f.store_->OrgId("LL");
  REQUIRE(f.store_->CompactChanges(org, 2).ok());
  auto snap = page(1, 100);
  CHECK(snap.snapshot);
  CHECK(snap.cursor == 3);
  CHECK(snap.changes.size() == 3);
  CHECK(snap.changes[0].kind == "product");
  auto after = page(snap.cursor, 100);
  CHECK_FALSE(after.snapshot);
  CHECK(after.changes.empty());
  CHECK(f.Signed(dev, "GET", "/v1/sync/changes?cursor=99")->status == 400);
}

TEST_CASE("issue 11: HQ prices keep a bare date for each store's zone; an instant needs its offset") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  AddProducts(f, alice);
  auto bad = f.HqPost(alice, sync::kPathHqPrices,
                      {{"sku", "H001"}, {"price_fen", 300}, {"effective_from", "2026-12-03T00:00:00"}});
  REQUIRE(bad);
  CHECK(bad->status == 400);
  const std::string msg = json::parse(bad->body)["message"];
  CHECK(msg.find("effective_from \"2026-12-03T00:00:00\"") != std::string::npos);
  CHECK(msg.find("没有时区") != std::string::npos);
  CHECK(f.HqPost(alice, sync::kPathHqPrices, {{"sku", "H001"}, {"price_fen", 300}, {"effective_from", "2026-11-31"}})
            ->status == 400);
  REQUIRE(f.HqPost(alice, sync::kPathHqPrices, {{"sku", "H001"}, {"price_fen", 300}, {"effective_from", "2026-12-03"}})
              ->status == 200);
  REQUIRE(f.HqPost(alice, sync::kPathHqPrices,
                   {{"sku", "H002"}, {"price_fen", 300}, {"effective_from", "2026-12-03T08:00:00+08:00"}})
              ->status == 200);
  // The org's price rule for every store ("*"), and one store's exception.
  REQUIRE(f.HqPost(alice, sync::kPathHqStoreConfig, {{"store", "*"}, {"key", "price_authority"}, {"value", "hq"}})
              ->status == 200);
  CHECK(f.HqPost(alice, sync::kPathHqStoreConfig, {{"store", "*"}, {"key", "price_authority"}, {"value", "newest"}})
            ->status == 400);
  REQUIRE(f.HqPost(alice, sync::kPathHqStoreConfig,
                   {{"store", "S001"}, {"key", "price_authority_override"}, {"value", "store"}})
              ->status == 200);
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  auto r = f.Signed(dev, "GET", "/v1/sync/changes?cursor=0&limit=100");
  REQUIRE(r->status == 200);
  auto feed = *sync::ChangesResponse::FromJson(json::parse(r->body));
  std::map<std::string, json> by_key;
  for (const auto& c : feed.changes) by_key[c.kind + " " + c.key] = c.data;
  REQUIRE(by_key.count("price H001@2026-12-03"));
  CHECK(by_key["price H001@2026-12-03"]["effective_from"] == "2026-12-03");  // not UTC midnight
  REQUIRE(by_key.count("price H002@2026-12-03T00:00:00.000Z"));
  CHECK(by_key["store_config price_authority"]["value"] == "hq");
  CHECK(by_key["store_config price_authority_override"]["value"] == "store");
}

TEST_CASE("transport: --insecure-http serves on loopback only, cert init never overwrites a CA") {
  HubFixture f(/*insecure_http=*/true);
  CHECK(f.Client()->Get(sync::kPathHealth)->status == 200);
  ServerOptions opts;
  opts.host = "0.0.0.0";
  opts.port = 0;
  opts.insecure_http = true;
  HubServer s(*f.store_, f.clock_, opts);
  CHECK(s.Start().IsInvalidArgument());
  ServerOptions no_tls;
  no_tls.port = 0;
  HubServer s2(*f.store_, f.clock_, no_tls);
  CHECK(s2.Start().IsInvalidArgument());
  CHECK(InitCertificates(f.dir_.File("certs"), {}).status().code() == Status::Code::kAlreadyExists);
}

TEST_CASE("push: a product added at the till is kept per store, its sales project, and a rebuild agrees") {
  HubFixture f;
  const std::string alice = f.Login("LL", "alice", "alice-pass");
  TestDevice dev;
  REQUIRE(f.Enroll(dev, f.token_a_) == 200);
  const json product = {{"action", "add"},   {"sku", "N6970000000017"}, {"name", "手工馒头"},
                        {"unit", "pcs"},     {"price_fen", 150},        {"barcode", "6970000000017"},
                        {"user", "2001"},    {"occurred_at", "2026-11-21T07:00:00.000Z"}};
  // Before the product event, a sale of the SKU is flagged (unknown SKU) ...
  auto res = f.Push(dev, {dev.Next("sale", Sale("N6970000000017", 1000, 150))});
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["flagged"] == 1);
  // ... after it, the store's sales of its own product project.
  res = f.Push(dev, {dev.Next("product_edit", product), dev.Next("sale", Sale("N6970000000017", 2000, 300))});
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["accepted"] == 2);
  CHECK(json::parse(f.HqGet(alice, "/v1/hq/stock?sku=N6970000000017&store=S001")->body)["total_milli"] == -2000);
  json edit = product;
  edit["action"] = "edit";
  edit["price_fen"] = 180;
  edit["before_name"] = "手工馒头";
  edit["before_price_fen"] = 150;
  edit.erase("barcode");
  REQUIRE(f.Push(dev, {dev.Next("product_edit", edit)})->status == 200);
  auto listed = json::parse(f.HqGet(alice, "/v1/hq/store_products?store=S001")->body)["products"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["store"] == "S001");
  CHECK(listed[0]["price_fen"] == 180);
  CHECK(listed[0]["barcode"] == "6970000000017");  // kept from the add
  CHECK(listed[0]["edits"] == 2);
  CHECK(listed[0]["in_org_catalog"] == false);
  // Another store has none; another org cannot see this one.
  CHECK(json::parse(f.HqGet(alice, "/v1/hq/store_products?store=S002")->body)["products"].empty());
  const std::string bob = f.Login("XX", "bob", "bob-pass-1");
  CHECK(f.HqGet(bob, "/v1/hq/store_products?store=S001")->status == 404);
  // A rebuild replays in ingest order: the first sale stays unknown, the second projects.
  REQUIRE(f.store_->Rebuild().ok());
  CHECK(json::parse(f.HqGet(alice, "/v1/hq/stock?sku=N6970000000017&store=S001")->body)["total_milli"] == -2000);
  CHECK(json::parse(f.HqGet(alice, "/v1/hq/store_products")->body)["products"][0]["edits"] == 2);
}

}  // namespace
}  // namespace linli::hub::testing
