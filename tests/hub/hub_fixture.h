// A real hub on 127.0.0.1 (ephemeral port, HTTPS with a cert from
// InitCertificates) and a minimal signed device client, for the hub tests.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "linli/hub/cert.h"
#include "linli/hub/hub_store.h"
#include "linli/hub/server.h"
#include "linli/pos/canonical_json.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/events.h"
#include "linli/sync/protocol.h"
#include "testing.h"

namespace linli::hub::testing {

using json = nlohmann::json;

// A till: its key, id and own chain, built by hand the way AppendJournal does.
struct TestDevice {
  std::string id;
  Ed25519KeyPair key;
  int64_t epoch = 1;
  int64_t seq = 0;
  std::string head = JournalGenesisHash();

  TestDevice() {
    key = *GenerateEd25519();
    id = NewUuidV7(SystemClock().NowMs());
  }
  JournalEntry Next(const std::string& type, const json& payload, int version = 1) {
    JournalEntry e;
    e.seq = ++seq;
    e.event_id = NewUuidV7(SystemClock().NowMs());
    e.type = type;
    e.type_version = version;
    e.epoch = epoch;
    e.occurred_at = FormatUtc(SystemClock().NowMs());
    e.payload = *CanonicalJson(payload);
    e.prev_hash = head;
    e.hash = ComputeJournalHash(id, e);
    e.signature = *Ed25519Sign(key.private_key, e.hash);
    head = e.hash;
    return e;
  }
};

// A one-line cash sale as the store writes it (events.h: sale@1).
inline json Sale(const std::string& sku, int64_t qty_milli, int64_t total_fen, const std::string& date = "2026-11-21") {
  events::SaleEvent e;
  e.sale_uuid = "sale-" + sku + "-" + std::to_string(qty_milli);
  e.receipt_no = "S001-1";
  e.business_date = date;
  e.cashier = "1001";
  e.lines.push_back({1, sku, qty_milli, total_fen, total_fen, 0, 0, total_fen, 0, 0, std::nullopt});
  e.subtotal_fen = total_fen;
  e.total_fen = total_fen;
  e.tenders.push_back({"cash", total_fen, std::nullopt, std::nullopt});
  return e.ToJson();
}
// A signed stock correction (events.h: stock_movement@1).
inline json Movement(const std::string& sku, int64_t qty_milli) {
  events::StockMovementEvent e;
  e.sku = sku;
  e.qty_milli = qty_milli;
  e.reason = events::MovementReason::kCorrection;
  return e.ToJson();
}
// A shift opening with its float (events.h: shift_open@1).
inline json ShiftOpen(int64_t shift_id, int64_t float_fen = 0) {
  events::ShiftOpenEvent e;
  e.shift_id = shift_id;
  e.user_id = "1001";
  e.float_fen = float_fen;
  e.opened_at = "2026-11-21T01:00:00.000Z";
  return e.ToJson();
}

inline std::string PushBody(const std::string& device_id, const std::vector<JournalEntry>& events) {
  sync::PushRequest p;
  p.device_id = device_id;
  for (const auto& e : events) p.events.push_back(sync::WireEvent::FromJournal(e));
  return p.ToJson().dump();
}

class HubFixture {
 public:
  explicit HubFixture(bool insecure_http = false) {
    store_ = OpenSqliteHubStore(dir_.File("hub.db"), true).value();
    certs_ = *InitCertificates(dir_.File("certs"), {});
    const int64_t now = clock_.NowMs();
    REQUIRE(store_->AddOrg("LL", "邻里连锁", now).ok());
    REQUIRE(store_->AddOrg("XX", "别家", now).ok());
    token_a_ = *store_->AddStore("LL", "S001", "幸福路店", now);
    token_b_ = *store_->AddStore("LL", "S002", "和平路店", now);
    token_y_ = *store_->AddStore("XX", "Y001", "别家店", now);
    REQUIRE(store_->AddUser("LL", "alice", "admin", *HashSecret("alice-pass", 10), now).ok());
    REQUIRE(store_->AddUser("XX", "bob", "admin", *HashSecret("bob-pass-1", 10), now).ok());
    ServerOptions opts;
    opts.port = 0;
    opts.insecure_http = insecure_http;
    if (!insecure_http) {
      opts.tls_cert = certs_.server_cert;
      opts.tls_key = certs_.server_key;
    }
    server_ = std::make_unique<HubServer>(*store_, clock_, opts);
    REQUIRE(server_->Start().ok());
    insecure_ = insecure_http;
  }
  ~HubFixture() { server_->Stop(); }

  std::unique_ptr<httplib::Client> Client() const {
    const std::string base = (insecure_ ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(server_->port());
    auto c = std::make_unique<httplib::Client>(base);
    if (!insecure_) {
      c->set_ca_cert_path(certs_.ca_cert.c_str());
      c->enable_server_certificate_verification(true);
    }
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(10, 0);
    return c;
  }

  // Enrols `dev` with `token`; returns the HTTP status.
  int Enroll(const TestDevice& dev, const std::string& token) {
    sync::EnrollRequest r{token, dev.id, HexEncode(dev.key.public_key), "till"};
    auto res = Client()->Post(sync::kPathEnroll, {{sync::kHeaderProtocol, "1"}}, r.ToJson().dump(), "application/json");
    REQUIRE(res);
    return res->status;
  }

  // A signed request as `signer` claiming to be `claimed_id`.
  httplib::Result Signed(const TestDevice& signer, const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& claimed_id = "",
                         httplib::Headers extra = {}, int64_t ts = 0) {
    const std::string id = claimed_id.empty() ? signer.id : claimed_id;
    auto h = *sync::SignRequest(signer.key.private_key, id, method, target, body, ts ? ts : clock_.NowMs());
    httplib::Headers headers = {{sync::kHeaderProtocol, h.protocol}, {sync::kHeaderDevice, h.device},
                                {sync::kHeaderTimestamp, h.timestamp}, {sync::kHeaderNonce, h.nonce},
                                {sync::kHeaderSignature, h.signature}};
    headers.insert(extra.begin(), extra.end());
    auto c = Client();
    if (method == "GET") return c->Get(target.c_str(), headers);
    return c->Post(target.c_str(), headers, body, "application/json");
  }

  httplib::Result Push(const TestDevice& dev, const std::vector<JournalEntry>& events) {
    return Signed(dev, "POST", sync::kPathPush, PushBody(dev.id, events));
  }

  std::string Login(const std::string& org, const std::string& name, const std::string& password) {
    json body = {{"org", org}, {"name", name}, {"password", password}};
    auto res = Client()->Post(sync::kPathHqLogin, body.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body)["token"];
  }
  httplib::Result HqGet(const std::string& token, const std::string& target) {
    return Client()->Get(target.c_str(), {{"Authorization", "Bearer " + token}});
  }
  httplib::Result HqPost(const std::string& token, const std::string& target, const json& body) {
    return Client()->Post(target.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
  }

  linli::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<HubStore> store_;
  CertPaths certs_;
  std::unique_ptr<HubServer> server_;
  bool insecure_ = false;
  std::string token_a_, token_b_, token_y_;
};

}  // namespace linli::hub::testing
