// SqliteHubStore: the embedded HubStore (hub_store.h). One connection, calls
// serialised by a mutex: SQLite has one writer anyway, and a hub on SQLite is
// a single process. It only speaks SQL: the chain rules of a push and the
// application of effects to the projections are the ingest core's
// (ingest.h), which Ingest() and Rebuild() run over SqliteIngestStorage.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>

#include "linli/hub/hub_store.h"
#include "linli/hub/ingest.h"
#include "linli/hub/projection.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/db.h"
#include "linli/pos/migrations.h"

namespace linli {
extern const Migration kHubSqliteMigrations[];
extern const int kHubSqliteMigrations_count;
}  // namespace linli

namespace linli::hub {
namespace {

using json = nlohmann::json;

std::string NewToken(const char* prefix) { return prefix + sync::NewNonce() + sync::NewNonce(); }
std::string TokenHash(const std::string& token) { return HexEncode(Sha256(token)); }

bool ValidCode(const std::string& c) {
  if (c.empty() || c.size() > 32) return false;
  for (char ch : c) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) return false;
  }
  return true;
}

int KindRank(const std::string& k) {
  static const char* order[] = {"tax_class", "category", "product", "barcode", "price", "promotion", "store_config"};
  for (int i = 0; i < 7; ++i) {
    if (k == order[i]) return i;
  }
  return 99;
}

// The device's chain heads; shared by Heads, Stores and the ingest storage.
std::map<int64_t, ChainHead> LoadHeads(Database& db, const std::string& device_id) {
  std::map<int64_t, ChainHead> heads;
  Statement s = db.Prepare("SELECT epoch, first_seq, head_seq, head_hash FROM device_epochs WHERE device_id = ?");
  s.Bind(1, device_id);
  while (s.Step()) heads[s.Int(0)] = {s.Int(1), s.Int(2), s.Blob(3)};
  return heads;
}

// The device's adopted forks, oldest first; shared by Forks, Stores and the ingest storage.
std::vector<ForkRecord> LoadForks(Database& db, const std::string& device_id) {
  std::vector<ForkRecord> forks;
  Statement s = db.Prepare(
      "SELECT id, epoch, first_seq, head_seq, head_hash FROM device_forks WHERE device_id = ? ORDER BY id");
  s.Bind(1, device_id);
  while (s.Step()) forks.push_back({s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Blob(4)});
  return forks;
}

// The columns an ingested event is stored with, in `events` and (with
// fork_id) `fork_events`, and their parameters ?1..?17 as BindEvent binds them.
constexpr const char kEventColumns[] =
    "device_id, epoch, seq, store_id, event_id, type, type_version, occurred_at, payload, prev_hash, hash, "
    "signature, received_at, ingest_order, applied, apply_note, clock_skew_ms";
constexpr const char kEventValues[] = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17";
Statement& BindEvent(Statement& ins, const Device& device, const JournalEntry& e, const StoredEventInfo& info) {
  ins.Bind(1, device.device_id).Bind(2, e.epoch).Bind(3, e.seq).Bind(4, device.store_id);
  ins.Bind(5, e.event_id).Bind(6, e.type).Bind(7, e.type_version).Bind(8, e.occurred_at);
  ins.BindBlob(9, e.payload.data(), e.payload.size());
  ins.BindBlob(10, e.prev_hash.data(), e.prev_hash.size());
  ins.BindBlob(11, e.hash.data(), e.hash.size());
  ins.BindBlob(12, e.signature.data(), e.signature.size());
  ins.Bind(13, info.received_at).Bind(14, info.ingest_order).Bind(15, info.applied ? 1 : 0);
  ins.Bind(16, info.note).Bind(17, info.clock_skew_ms);
  return ins;
}

// The ingest core's storage primitives (ingest.h) in SQLite's SQL. Each
// throws DbError; the caller holds the connection's lock and transaction.
// Hot paths (one call per event) use cached statements.
class SqliteIngestStorage final : public IngestStorage {
 public:
  explicit SqliteIngestStorage(Database& db) : db_(db) {}

  std::map<int64_t, ChainHead> LoadHeads(const std::string& device_id) override {
    return hub::LoadHeads(db_, device_id);
  }

  std::optional<std::string> HeldHash(const std::string& device_id, int64_t epoch, int64_t seq) override {
    Statement& s = db_.Cached("SELECT hash FROM events WHERE device_id = ? AND epoch = ? AND seq = ?");
    std::optional<std::string> hash;
    if (s.Bind(1, device_id).Bind(2, epoch).Bind(3, seq).Step()) hash = s.Blob(0);
    s.Reset();
    return hash;
  }

  void SaveHead(const std::string& device_id, int64_t epoch, const ChainHead& h) override {
    Statement& up = db_.Cached(
        "INSERT INTO device_epochs (device_id, epoch, first_seq, head_seq, head_hash) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(device_id, epoch) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash");
    up.Bind(1, device_id).Bind(2, epoch).Bind(3, h.first_seq).Bind(4, h.head_seq);
    up.BindBlob(5, h.head_hash.data(), h.head_hash.size());
    up.Run();
  }

  int64_t LastIngestOrder() override {
    Statement& q = db_.Cached(
        "SELECT max(coalesce((SELECT max(ingest_order) FROM events), 0), "
        "coalesce((SELECT max(ingest_order) FROM fork_events), 0))");
    q.Step();
    const int64_t order = q.Int(0);
    q.Reset();
    return order;
  }

  void InsertEvent(const Device& device, const JournalEntry& e, const StoredEventInfo& info) override {
    static const std::string sql =
        std::string("INSERT INTO events (") + kEventColumns + ") VALUES (" + kEventValues + ")";
    BindEvent(db_.Cached(sql), device, e, info).Run();
  }

  std::vector<ForkRecord> LoadForks(const std::string& device_id) override {
    return hub::LoadForks(db_, device_id);
  }

  std::optional<std::string> ForkHash(int64_t fork_id, int64_t seq) override {
    Statement& s = db_.Cached("SELECT hash FROM fork_events WHERE fork_id = ? AND seq = ?");
    std::optional<std::string> hash;
    if (s.Bind(1, fork_id).Bind(2, seq).Step()) hash = s.Blob(0);
    s.Reset();
    return hash;
  }

  int64_t AddFork(const Device& device, int64_t epoch, int64_t first_seq, const std::string& now) override {
    db_.Prepare(
           "INSERT INTO device_forks (device_id, store_id, epoch, first_seq, head_seq, head_hash, adopted_at) "
           "VALUES (?, ?, ?, ?, ?, x'', ?)")
        .Bind(1, device.device_id).Bind(2, device.store_id).Bind(3, epoch).Bind(4, first_seq)
        .Bind(5, first_seq - 1).Bind(6, now).Run();
    return db_.LastInsertRowId();
  }

  void InsertForkEvent(int64_t fork_id, const Device& device, const JournalEntry& e,
                       const StoredEventInfo& info) override {
    static const std::string sql =
        std::string("INSERT INTO fork_events (") + kEventColumns + ", fork_id) VALUES (" + kEventValues + ", ?18)";
    BindEvent(db_.Cached(sql), device, e, info).Bind(18, fork_id).Run();
  }

  void SaveForkHead(int64_t fork_id, int64_t head_seq, const std::string& head_hash) override {
    db_.Cached("UPDATE device_forks SET head_seq = ?, head_hash = ? WHERE id = ?")
        .Bind(1, head_seq).BindBlob(2, head_hash.data(), head_hash.size()).Bind(3, fork_id).Run();
  }

  bool InQuarantine(const std::string& device_id, int64_t epoch, int64_t seq, std::string_view kind,
                    const std::string& reason) override {
    Statement q = db_.Prepare(
        "SELECT 1 FROM quarantine WHERE device_id = ? AND epoch = ? AND seq = ? AND kind = ? AND reason = ?");
    return q.Bind(1, device_id).Bind(2, epoch).Bind(3, seq).Bind(4, kind).Bind(5, reason).Step();
  }

  void AddQuarantine(const Device& device, const JournalEntry& e, std::string_view kind,
                     const std::string& reason, const std::string& event_json,
                     const std::string& received_at) override {
    db_.Prepare(
           "INSERT INTO quarantine (device_id, store_id, epoch, seq, kind, reason, event_json, received_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, device.device_id).Bind(2, device.store_id).Bind(3, e.epoch).Bind(4, e.seq)
        .Bind(5, kind).Bind(6, reason).Bind(7, event_json).Bind(8, received_at).Run();
  }

  void MarkSynced(const std::string& device_id, const std::string& now) override {
    db_.Prepare("UPDATE devices SET last_sync = ? WHERE device_id = ?").Bind(1, now).Bind(2, device_id).Run();
  }

  void RecordClockSkew(const std::string& device_id, int64_t skew_ms, const std::string& now) override {
    db_.Prepare("UPDATE devices SET clock_skew_ms = ?, clock_checked_at = ? WHERE device_id = ?")
        .Bind(1, skew_ms).Bind(2, now).Bind(3, device_id).Run();
  }

  bool KnownProduct(int64_t org_id, int64_t store_id, const std::string& sku) override {
    Statement& q = db_.Cached(
        "SELECT 1 FROM catalog WHERE org_id = ? AND kind = 'product' AND key = ? AND store_id = 0 AND deleted = 0");
    bool known = q.Bind(1, org_id).Bind(2, sku).Step();
    q.Reset();
    if (known) return true;
    Statement& own = db_.Cached("SELECT 1 FROM proj_store_products WHERE store_id = ? AND sku = ?");
    known = own.Bind(1, store_id).Bind(2, sku).Step();
    own.Reset();
    return known;
  }

  void AddToProjections(int64_t store_id, const EventEffects& fx) override {
    for (const StockDelta& d : fx.stock) {
      db_.Cached(
             "INSERT INTO proj_stock (store_id, sku, on_hand_milli) VALUES (?, ?, ?) "
             "ON CONFLICT(store_id, sku) DO UPDATE SET on_hand_milli = on_hand_milli + excluded.on_hand_milli")
          .Bind(1, store_id).Bind(2, d.sku).Bind(3, d.qty_milli).Run();
    }
    for (const SalesDelta& d : fx.sales) {
      db_.Cached(
             "INSERT INTO proj_sales_daily (store_id, business_date, sku, sales_fen, refunds_fen, tax_fen, qty_milli) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(store_id, business_date, sku) DO UPDATE SET "
             "sales_fen = sales_fen + ?4, refunds_fen = refunds_fen + ?5, tax_fen = tax_fen + ?6, qty_milli = qty_milli + ?7")
          .Bind(1, store_id).Bind(2, d.business_date).Bind(3, d.sku).Bind(4, d.sales_fen)
          .Bind(5, d.refunds_fen).Bind(6, d.tax_fen).Bind(7, d.qty_milli).Run();
    }
    for (const TenderDelta& d : fx.tenders) {
      db_.Cached(
             "INSERT INTO proj_tenders_daily (store_id, business_date, method, amount_fen) VALUES (?1, ?2, ?3, ?4) "
             "ON CONFLICT(store_id, business_date, method) DO UPDATE SET amount_fen = amount_fen + ?4")
          .Bind(1, store_id).Bind(2, d.business_date).Bind(3, d.method).Bind(4, d.amount_fen).Run();
    }
    for (const events::ProductDelta& d : fx.products) {
      db_.Cached(
             "INSERT INTO proj_store_products (store_id, sku, name, unit, price_fen, barcode) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(store_id, sku) DO UPDATE SET name = ?3, unit = ?4, "
             "price_fen = ?5, barcode = coalesce(?6, barcode), edits = edits + 1")
          .Bind(1, store_id).Bind(2, d.sku).Bind(3, d.name).Bind(4, d.unit).Bind(5, d.price_fen)
          .Bind(6, d.barcode).Run();
    }
    if (!fx.receipt_date.empty()) {
      db_.Cached(
             "INSERT INTO proj_receipts_daily (store_id, business_date, sales_count, refunds_count) "
             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(store_id, business_date) DO UPDATE SET "
             "sales_count = sales_count + ?3, refunds_count = refunds_count + ?4")
          .Bind(1, store_id).Bind(2, fx.receipt_date).Bind(3, fx.refund ? 0 : 1).Bind(4, fx.refund ? 1 : 0).Run();
    }
  }

  void ClearProjections() override {
    for (const char* t : {"proj_stock", "proj_sales_daily", "proj_receipts_daily", "proj_tenders_daily",
                          "proj_store_products"}) {
      db_.Exec(std::string("DELETE FROM ") + t);
    }
  }

  void ForEachStoredEvent(const std::function<void(const StoredEvent&)>& visit) override {
    Statement s = db_.Prepare(
        "SELECT e.device_id, e.epoch, e.seq, e.store_id, st.org_id, e.type, e.type_version, e.payload, 0 AS fork_id, "
        "e.ingest_order FROM events e JOIN stores st ON st.id = e.store_id "
        "UNION ALL SELECT f.device_id, f.epoch, f.seq, f.store_id, st.org_id, f.type, f.type_version, f.payload, "
        "f.fork_id, f.ingest_order FROM fork_events f JOIN stores st ON st.id = f.store_id "
        "ORDER BY 10");
    StoredEvent ev;
    while (s.Step()) {
      ev.fork_id = s.Int(8);
      ev.device_id = s.Text(0);
      ev.entry.epoch = s.Int(1);
      ev.entry.seq = s.Int(2);
      ev.store_id = s.Int(3);
      ev.org_id = s.Int(4);
      ev.entry.type = s.Text(5);
      ev.entry.type_version = static_cast<int>(s.Int(6));
      ev.entry.payload = s.Blob(7);
      visit(ev);
    }
  }

  void SetApplied(const StoredEvent& ev, bool applied, const std::string& note) override {
    if (ev.fork_id) {
      db_.Cached("UPDATE fork_events SET applied = ?, apply_note = ? WHERE fork_id = ? AND seq = ?")
          .Bind(1, applied ? 1 : 0).Bind(2, note).Bind(3, ev.fork_id).Bind(4, ev.entry.seq).Run();
      return;
    }
    db_.Cached("UPDATE events SET applied = ?, apply_note = ? WHERE device_id = ? AND epoch = ? AND seq = ?")
        .Bind(1, applied ? 1 : 0).Bind(2, note).Bind(3, ev.device_id).Bind(4, ev.entry.epoch)
        .Bind(5, ev.entry.seq).Run();
  }

 private:
  Database& db_;
};

class SqliteHubStore final : public HubStore {
 public:
  explicit SqliteHubStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<HubKey> Key() override {
    std::lock_guard lock(mu_);
    HubKey k;
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);
      Statement s = db_->Prepare("SELECT key, value FROM hub_config WHERE key IN ('hub_public_key', 'hub_private_key')");
      while (s.Step()) {
        auto v = HexDecode(s.Text(1));
        if (!v.ok()) return Status::Corruption("hub key in hub_config is not hex");
        (s.Text(0) == "hub_public_key" ? k.public_key : k.private_key) = *v;
      }
      if (k.public_key.size() == 32 && k.private_key.size() == 32) return Status::Ok();
      auto pair = GenerateEd25519();
      if (!pair.ok()) return pair.status();
      k.public_key = pair->public_key;
      k.private_key = pair->private_key;
      Statement ins = db_->Prepare("INSERT OR REPLACE INTO hub_config (key, value) VALUES (?, ?)");
      ins.Bind(1, "hub_public_key").Bind(2, HexEncode(k.public_key)).Run();
      ins.Bind(1, "hub_private_key").Bind(2, HexEncode(k.private_key)).Run();
      tx.Commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return k;
  }

  Status AddOrg(const std::string& code, const std::string& name, int64_t now_ms) override {
    if (!ValidCode(code)) return Status::InvalidArgument("org code must be 1..32 of A-Z a-z 0-9 _ -");
    if (name.empty()) return Status::InvalidArgument("org name must not be empty");
    std::lock_guard lock(mu_);
    return Guard([&]() -> Status {
      Transaction tx(*db_);
      if (FindOrgId(code)) return Status::AlreadyExists("org " + code + " already exists");
      db_->Prepare("INSERT INTO orgs (code, name, created_at) VALUES (?, ?, ?)")
          .Bind(1, code).Bind(2, name).Bind(3, FormatUtc(now_ms)).Run();
      tx.Commit();
      return Status::Ok();
    });
  }

  Result<int64_t> OrgId(const std::string& org_code) override {
    std::lock_guard lock(mu_);
    std::optional<int64_t> id;
    Status st = Guard([&] { id = FindOrgId(org_code); });
    if (!st.ok()) return st;
    if (!id) return Status::NotFound("no organisation with code " + org_code);
    return *id;
  }

  Result<std::string> AddStore(const std::string& org, const std::string& code,
                               const std::string& name, int64_t now_ms) override {
    if (!ValidCode(code)) return Status::InvalidArgument("store code must be 1..32 of A-Z a-z 0-9 _ -");
    if (name.empty()) return Status::InvalidArgument("store name must not be empty");
    std::lock_guard lock(mu_);
    std::string token;
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);
      auto org_id = FindOrgId(org);
      if (!org_id) return Status::NotFound("no organisation with code " + org + "; add it with `linli-hub org add`");
      if (FindStoreId(*org_id, code)) return Status::AlreadyExists("store " + code + " already exists in " + org);
      db_->Prepare("INSERT INTO stores (org_id, code, name, created_at) VALUES (?, ?, ?, ?)")
          .Bind(1, *org_id).Bind(2, code).Bind(3, name).Bind(4, FormatUtc(now_ms)).Run();
      token = InsertToken(db_->LastInsertRowId(), now_ms);
      tx.Commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return token;
  }

  Result<std::string> NewEnrolToken(const std::string& org, const std::string& code,
                                    int64_t now_ms) override {
    std::lock_guard lock(mu_);
    std::string token;
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);
      auto org_id = FindOrgId(org);
      auto store_id = org_id ? FindStoreId(*org_id, code) : std::nullopt;
      if (!store_id) return Status::NotFound("no store " + code + " in organisation " + org);
      token = InsertToken(*store_id, now_ms);
      tx.Commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return token;
  }

  Status RevokeStore(const std::string& org, const std::string& code, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    return Guard([&]() -> Status {
      Transaction tx(*db_);
      auto org_id = FindOrgId(org);
      auto store_id = org_id ? FindStoreId(*org_id, code) : std::nullopt;
      if (!store_id) return Status::NotFound("no store " + code + " in organisation " + org);
      const std::string now = FormatUtc(now_ms);
      db_->Prepare("UPDATE stores SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?").Bind(1, now).Bind(2, *store_id).Run();
      db_->Prepare("UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE store_id = ?").Bind(1, now).Bind(2, *store_id).Run();
      db_->Prepare("UPDATE enrol_tokens SET used_at = coalesce(used_at, ?) WHERE store_id = ?").Bind(1, now).Bind(2, *store_id).Run();
      tx.Commit();
      return Status::Ok();
    });
  }

  Status AddUser(const std::string& org, const std::string& name, const std::string& role,
                 const std::string& password_hash, int64_t now_ms) override {
    if (role != "admin" && role != "buyer" && role != "viewer") {
      return Status::InvalidArgument("role must be admin, buyer or viewer");
    }
    if (name.empty()) return Status::InvalidArgument("user name must not be empty");
    std::lock_guard lock(mu_);
    return Guard([&]() -> Status {
      Transaction tx(*db_);
      auto org_id = FindOrgId(org);
      if (!org_id) return Status::NotFound("no organisation with code " + org);
      Statement q = db_->Prepare("SELECT 1 FROM users WHERE org_id = ? AND name = ?");
      if (q.Bind(1, *org_id).Bind(2, name).Step()) return Status::AlreadyExists("user " + name + " already exists in " + org);
      db_->Prepare("INSERT INTO users (org_id, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
          .Bind(1, *org_id).Bind(2, name).Bind(3, role).Bind(4, password_hash).Bind(5, FormatUtc(now_ms)).Run();
      tx.Commit();
      return Status::Ok();
    });
  }

  Result<sync::EnrollResponse> Enroll(const sync::EnrollRequest& req, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    sync::EnrollResponse out;
    auto pub = HexDecode(req.public_key_hex);
    if (!pub.ok() || pub->size() != 32) return Status::InvalidArgument("public_key_hex must be 64 hex characters");
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);
      Statement t = db_->Prepare(
          "SELECT t.store_id, t.expires_ms, t.used_at, s.code, s.name, s.revoked_at, o.code "
          "FROM enrol_tokens t JOIN stores s ON s.id = t.store_id JOIN orgs o ON o.id = s.org_id "
          "WHERE t.token_hash = ?");
      t.Bind(1, TokenHash(req.token));
      if (!t.Step()) return Status::PermissionDenied("unknown enrolment token; ask HQ for a new one (`linli-hub store token`)");
      if (!t.IsNull(2)) return Status::PermissionDenied("this enrolment token was already used; ask HQ for a new one");
      if (t.Int(1) < now_ms) return Status::PermissionDenied("this enrolment token has expired; ask HQ for a new one");
      if (!t.IsNull(5)) return Status::PermissionDenied("store " + t.Text(3) + " is revoked");
      const int64_t store_id = t.Int(0);
      out.store_code = t.Text(3);
      out.store_name = t.Text(4);
      out.org_code = t.Text(6);
      Statement d = db_->Prepare("SELECT store_id, public_key FROM devices WHERE device_id = ?");
      if (d.Bind(1, req.device_id).Step()) {
        if (d.Int(0) != store_id || d.Blob(1) != *pub) {
          return Status::AlreadyExists("device " + req.device_id + " is already enrolled with another key or store");
        }
      } else {
        db_->Prepare("INSERT INTO devices (device_id, store_id, public_key, hostname, enrolled_at) VALUES (?, ?, ?, ?, ?)")
            .Bind(1, req.device_id).Bind(2, store_id).BindBlob(3, pub->data(), pub->size())
            .Bind(4, req.hostname).Bind(5, FormatUtc(now_ms)).Run();
      }
      db_->Prepare("UPDATE enrol_tokens SET used_at = ? WHERE token_hash = ?")
          .Bind(1, FormatUtc(now_ms)).Bind(2, TokenHash(req.token)).Run();
      tx.Commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    out.device_id = req.device_id;
    return out;
  }

  Result<Device> FindDevice(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    Device d;
    bool found = false;
    Status st = Guard([&] {
      Statement s = db_->Prepare(
          "SELECT d.store_id, s.code, s.org_id, o.code, d.public_key, "
          "d.revoked_at IS NOT NULL OR s.revoked_at IS NOT NULL "
          "FROM devices d JOIN stores s ON s.id = d.store_id JOIN orgs o ON o.id = s.org_id "
          "WHERE d.device_id = ?");
      if (s.Bind(1, device_id).Step()) {
        found = true;
        d.device_id = device_id;
        d.store_id = s.Int(0);
        d.store_code = s.Text(1);
        d.org_id = s.Int(2);
        d.org_code = s.Text(3);
        d.public_key = s.Blob(4);
        d.revoked = s.Int(5) != 0;
      }
    });
    if (!st.ok()) return st;
    if (!found) return Status::NotFound("device " + device_id + " is not enrolled");
    return d;
  }

  Result<bool> UseNonce(const std::string& device_id, const std::string& nonce, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    bool fresh = false;
    Status st = Guard([&] {
      Transaction tx(*db_);
      db_->Cached("DELETE FROM nonces WHERE expires_ms < ?").Bind(1, now_ms).Run();
      Statement& ins = db_->Cached("INSERT OR IGNORE INTO nonces (device_id, nonce, expires_ms) VALUES (?, ?, ?)");
      ins.Bind(1, device_id).Bind(2, nonce).Bind(3, now_ms + sync::kNonceTtlMs).Run();
      fresh = db_->Changes() == 1;
      db_->Cached("UPDATE devices SET last_seen = ? WHERE device_id = ?").Bind(1, FormatUtc(now_ms)).Bind(2, device_id).Run();
      tx.Commit();
    });
    if (!st.ok()) return st;
    return fresh;
  }

  Result<std::vector<sync::EpochHead>> Heads(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    std::vector<sync::EpochHead> out;
    Status st = Guard([&] {
      for (const auto& [epoch, h] : LoadHeads(*db_, device_id)) {
        out.push_back({epoch, h.first_seq, h.head_seq, HexEncode(h.head_hash)});
      }
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<std::vector<sync::ForkHead>> Forks(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    std::vector<sync::ForkHead> out;
    Status st = Guard([&] {
      for (const ForkRecord& f : LoadForks(*db_, device_id)) {
        out.push_back({f.epoch, f.first_seq, f.head_seq, HexEncode(f.head_hash)});
      }
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<IngestResult> IngestForkBatch(const Device& device, const std::vector<JournalEntry>& events,
                                       int64_t now_ms) override {
    return IngestLocked(device, events, now_ms, IngestFork);
  }

  Result<IngestResult> Ingest(const Device& device, const std::vector<JournalEntry>& events,
                              int64_t now_ms) override {
    return IngestLocked(device, events, now_ms, IngestBatch);
  }

  Result<sync::ChangesResponse> Changes(const Device& device, int64_t cursor, int limit) override {
    std::lock_guard lock(mu_);
    sync::ChangesResponse out;
    if (cursor < 0) return Status::InvalidArgument("cursor must be >= 0");
    limit = std::clamp(limit, 1, sync::kMaxChangesPage);
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);  // one snapshot for floor, head and rows
      const auto [floor, head] = FloorAndHead(device.org_id);
      if (cursor > head) {
        return Status::InvalidArgument("cursor " + std::to_string(cursor) + " is beyond the change log head " +
                                       std::to_string(head) + "; start again from 0");
      }
      if (cursor < floor) {
        out.snapshot = true;
        out.cursor = head;
        Statement s = db_->Prepare(
            "SELECT kind, key, data, seq FROM catalog WHERE org_id = ? AND deleted = 0 AND store_id IN (0, ?)");
        s.Bind(1, device.org_id).Bind(2, device.store_id);
        while (s.Step()) {
          sync::Change c;
          c.kind = s.Text(0);
          c.key = s.Text(1);
          c.data = json::parse(s.Text(2));
          c.seq = s.Int(3);
          out.changes.push_back(std::move(c));
        }
        std::stable_sort(out.changes.begin(), out.changes.end(), [](const sync::Change& a, const sync::Change& b) {
          const int ra = KindRank(a.kind), rb = KindRank(b.kind);
          return ra != rb ? ra < rb : a.seq < b.seq;
        });
        return Status::Ok();
      }
      Statement s = db_->Prepare(
          "SELECT seq, kind, key, op, data FROM changes WHERE org_id = ? AND seq > ? AND store_id IN (0, ?) "
          "ORDER BY seq LIMIT ?");
      s.Bind(1, device.org_id).Bind(2, cursor).Bind(3, device.store_id).Bind(4, limit + 1);
      while (s.Step()) {
        if (static_cast<int>(out.changes.size()) == limit) {
          out.more = true;
          break;
        }
        sync::Change c;
        c.seq = s.Int(0);
        c.kind = s.Text(1);
        c.key = s.Text(2);
        c.op = s.Text(3);
        c.data = json::parse(s.Text(4));
        out.changes.push_back(std::move(c));
      }
      out.cursor = out.more ? out.changes.back().seq : head;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<std::vector<int64_t>> EditAll(int64_t org_id, const std::vector<CatalogEdit>& edits) override {
    for (const CatalogEdit& e : edits) {
      if (KindRank(e.kind) == 99) return Status::InvalidArgument("unknown catalogue kind " + e.kind);
      if (e.op != "upsert" && e.op != "delete") return Status::InvalidArgument("op must be upsert or delete");
      if (e.key.empty()) return Status::InvalidArgument(e.kind + " key must not be empty");
    }
    std::lock_guard lock(mu_);
    std::vector<int64_t> seqs;
    Status st = Guard([&]() -> Status {
      Transaction tx(*db_);
      int64_t seq = FloorAndHead(org_id).second;
      for (const CatalogEdit& e : edits) {
        int64_t store_id = 0;
        if (!e.store_code.empty()) {
          auto id = FindStoreId(org_id, e.store_code);
          if (!id) return Status::NotFound("no store " + e.store_code + " in this organisation");
          store_id = *id;
        }
        ++seq;
        const std::string text = e.data.dump();
        db_->Cached(
               "INSERT INTO catalog (org_id, kind, key, store_id, data, deleted, seq) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(org_id, kind, key, store_id) DO UPDATE SET data = excluded.data, "
               "deleted = excluded.deleted, seq = excluded.seq")
            .Bind(1, org_id).Bind(2, e.kind).Bind(3, e.key).Bind(4, store_id).Bind(5, text)
            .Bind(6, e.op == "delete" ? 1 : 0).Bind(7, seq).Run();
        db_->Cached("INSERT INTO changes (org_id, seq, kind, key, op, store_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .Bind(1, org_id).Bind(2, seq).Bind(3, e.kind).Bind(4, e.key).Bind(5, e.op).Bind(6, store_id)
            .Bind(7, text).Run();
        seqs.push_back(seq);
      }
      tx.Commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return seqs;
  }

  Status CompactChanges(int64_t org_id, int64_t upto) override {
    std::lock_guard lock(mu_);
    return Guard([&] {
      Transaction tx(*db_);
      const int64_t head = FloorAndHead(org_id).second;
      upto = std::min(upto, head);
      db_->Prepare("DELETE FROM changes WHERE org_id = ? AND seq <= ?").Bind(1, org_id).Bind(2, upto).Run();
      db_->Prepare("UPDATE orgs SET change_floor = max(change_floor, ?) WHERE id = ?").Bind(1, upto).Bind(2, org_id).Run();
      tx.Commit();
    });
  }

  Result<User> FindUser(const std::string& org, const std::string& name) override {
    std::lock_guard lock(mu_);
    return ReadUser(
        "SELECT u.id, u.org_id, o.code, u.name, u.role, u.password_hash FROM users u JOIN orgs o ON o.id = u.org_id "
        "WHERE o.code = ?1 AND u.name = ?2",
        org, name, 0);
  }

  Status AddSession(const std::string& token_hash, int64_t user_id, int64_t expires_ms) override {
    std::lock_guard lock(mu_);
    return Guard([&] {
      db_->Prepare("INSERT INTO sessions (token_hash, user_id, expires_ms) VALUES (?, ?, ?)")
          .Bind(1, token_hash).Bind(2, user_id).Bind(3, expires_ms).Run();
    });
  }

  Result<User> FindSession(const std::string& token_hash, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    return ReadUser(
        "SELECT u.id, u.org_id, o.code, u.name, u.role, u.password_hash FROM sessions s "
        "JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id "
        "WHERE s.token_hash = ?1 AND s.expires_ms > ?3 AND ?2 = ?2",
        token_hash, "", now_ms);
  }

  Result<json> Stock(int64_t org_id, const std::string& sku, const std::string& store_code) override {
    std::lock_guard lock(mu_);
    json out = {{"sku", sku}, {"total_milli", 0}, {"stores", json::array()}};
    Status st = Guard([&]() -> Status {
      if (!store_code.empty() && !FindStoreId(org_id, store_code)) {
        return Status::NotFound("no store " + store_code + " in this organisation");
      }
      Statement s = db_->Prepare(
          "SELECT s.code, coalesce(p.on_hand_milli, 0), "
          "(SELECT max(last_sync) FROM devices d WHERE d.store_id = s.id) "
          "FROM stores s LEFT JOIN proj_stock p ON p.store_id = s.id AND p.sku = ?2 "
          "WHERE s.org_id = ?1 AND (?3 = '' OR s.code = ?3) ORDER BY s.code");
      s.Bind(1, org_id).Bind(2, sku).Bind(3, store_code);
      int64_t total = 0;
      while (s.Step()) {
        total += s.Int(1);
        out["stores"].push_back({{"code", s.Text(0)},
                                 {"on_hand_milli", s.Int(1)},
                                 {"last_sync", s.IsNull(2) ? json(nullptr) : json(s.Text(2))}});
      }
      out["total_milli"] = total;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<json> StoreProducts(int64_t org_id, const std::string& store_code) override {
    std::lock_guard lock(mu_);
    json out = {{"products", json::array()}};
    Status st = Guard([&]() -> Status {
      if (!store_code.empty() && !FindStoreId(org_id, store_code)) {
        return Status::NotFound("no store " + store_code + " in this organisation");
      }
      Statement s = db_->Prepare(
          "SELECT s.code, p.sku, p.name, p.unit, p.price_fen, p.barcode, p.edits, "
          "EXISTS (SELECT 1 FROM catalog c WHERE c.org_id = s.org_id AND c.kind = 'product' AND c.key = p.sku "
          "AND c.store_id = 0 AND c.deleted = 0) "
          "FROM proj_store_products p JOIN stores s ON s.id = p.store_id "
          "WHERE s.org_id = ?1 AND (?2 = '' OR s.code = ?2) ORDER BY s.code, p.sku");
      s.Bind(1, org_id).Bind(2, store_code);
      while (s.Step()) {
        out["products"].push_back({{"store", s.Text(0)},
                                   {"sku", s.Text(1)},
                                   {"name", s.Text(2)},
                                   {"unit", s.Text(3)},
                                   {"price_fen", s.Int(4)},
                                   {"barcode", s.IsNull(5) ? json(nullptr) : json(s.Text(5))},
                                   {"edits", s.Int(6)},
                                   {"in_org_catalog", s.Int(7) != 0}});
      }
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<json> Sales(int64_t org_id, const std::string& from, const std::string& to,
                     const std::string& group) override {
    std::string key_expr;
    if (group == "store") key_expr = "s.code";
    else if (group == "day") key_expr = "p.business_date";
    else if (group == "sku") key_expr = "p.sku";
    else if (group == "category")
      key_expr = "coalesce((SELECT json_extract(c.data, '$.category') FROM catalog c WHERE c.org_id = s.org_id "
                 "AND c.kind = 'product' AND c.key = p.sku AND c.store_id = 0), '')";
    else return Status::InvalidArgument("group must be store, day, category or sku");
    std::lock_guard lock(mu_);
    json out = {{"from", from}, {"to", to}, {"group", group}, {"rows", json::array()}};
    Status st = Guard([&] {
      Statement s = db_->Prepare(
          "SELECT " + key_expr + " AS k, sum(p.sales_fen), sum(p.refunds_fen), sum(p.tax_fen), sum(p.qty_milli) "
          "FROM proj_sales_daily p JOIN stores s ON s.id = p.store_id "
          "WHERE s.org_id = ?1 AND p.business_date >= ?2 AND p.business_date <= ?3 GROUP BY k ORDER BY k");
      s.Bind(1, org_id).Bind(2, from).Bind(3, to);
      while (s.Step()) {
        out["rows"].push_back({{"key", s.Text(0)},
                               {"sales_fen", s.Int(1)},
                               {"refunds_fen", s.Int(2)},
                               {"net_fen", s.Int(1) - s.Int(2)},
                               {"tax_fen", s.Int(3)},
                               {"qty_milli", s.Int(4)}});
      }
      if (group == "store" || group == "day") {
        const std::string k2 = group == "store" ? "s.code" : "r.business_date";
        Statement c = db_->Prepare(
            "SELECT " + k2 + ", sum(r.sales_count), sum(r.refunds_count) FROM proj_receipts_daily r "
            "JOIN stores s ON s.id = r.store_id WHERE s.org_id = ?1 AND r.business_date >= ?2 "
            "AND r.business_date <= ?3 GROUP BY 1");
        c.Bind(1, org_id).Bind(2, from).Bind(3, to);
        std::map<std::string, std::pair<int64_t, int64_t>> counts;
        while (c.Step()) counts[c.Text(0)] = {c.Int(1), c.Int(2)};
        for (json& row : out["rows"]) {
          auto it = counts.find(row["key"].get<std::string>());
          row["receipts"] = it == counts.end() ? 0 : it->second.first;
          row["refund_receipts"] = it == counts.end() ? 0 : it->second.second;
        }
      }
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<json> Stores(int64_t org_id, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    json out = {{"stores", json::array()}};
    Status st = Guard([&] {
      Statement s = db_->Prepare("SELECT id, code, name, revoked_at FROM stores WHERE org_id = ? ORDER BY code");
      s.Bind(1, org_id);
      while (s.Step()) {
        const int64_t store_id = s.Int(0);
        json store = {{"code", s.Text(1)}, {"name", s.Text(2)}, {"revoked", !s.IsNull(3)},
                      {"devices", json::array()}};
        std::string last_seen, last_sync;
        Statement d = db_->Prepare(
            "SELECT device_id, hostname, revoked_at IS NOT NULL, last_seen, last_sync, clock_skew_ms, "
            "clock_checked_at FROM devices WHERE store_id = ? ORDER BY device_id");
        d.Bind(1, store_id);
        int64_t store_skew = 0;
        while (d.Step()) {
          json dev = {{"device_id", d.Text(0)}, {"hostname", d.Text(1)}, {"revoked", d.Int(2) != 0},
                      {"last_seen", d.IsNull(3) ? json(nullptr) : json(d.Text(3))},
                      {"last_sync", d.IsNull(4) ? json(nullptr) : json(d.Text(4))},
                      {"clock_skew_ms", d.IsNull(5) ? json(nullptr) : json(d.Int(5))},
                      {"clock_checked_at", d.IsNull(6) ? json(nullptr) : json(d.Text(6))},
                      {"clock_skewed", !d.IsNull(5) && std::llabs(d.Int(5)) > sync::kClockSkewFlagMs},
                      {"epochs", json::array()}};
          if (!d.IsNull(5) && std::llabs(d.Int(5)) > std::llabs(store_skew)) store_skew = d.Int(5);
          if (!d.IsNull(3)) last_seen = std::max(last_seen, d.Text(3));
          if (!d.IsNull(4)) last_sync = std::max(last_sync, d.Text(4));
          for (const auto& [epoch, h] : LoadHeads(*db_, d.Text(0))) {
            dev["epochs"].push_back({{"epoch", epoch}, {"first_seq", h.first_seq}, {"head_seq", h.head_seq},
                                     {"head_hash_hex", HexEncode(h.head_hash)}});
          }
          store["devices"].push_back(dev);
        }
        store["last_seen"] = last_seen.empty() ? json(nullptr) : json(last_seen);
        store["last_sync"] = last_sync.empty() ? json(nullptr) : json(last_sync);
        store["lag_seconds"] = last_sync.empty() ? json(nullptr) : json((now_ms - ParseUtc(last_sync)) / 1000);
        auto count = [&](const char* sql) {
          Statement c = db_->Prepare(sql);
          c.Bind(1, store_id).Step();
          return c.Int(0);
        };
        store["forks"] = count("SELECT count(*) FROM quarantine WHERE store_id = ? AND kind = 'fork'");
        store["quarantined"] = count("SELECT count(*) FROM quarantine WHERE store_id = ?");
        store["flagged"] = count("SELECT count(*) FROM events WHERE store_id = ? AND applied = 0");
        store["events"] = count("SELECT count(*) FROM events WHERE store_id = ?");
        // Clock skew (PROTOCOL.md §3.1): the largest skew a device of the
        // store last reported, and how many events came in flagged.
        store["clock_skew_ms"] = store_skew;
        store["clock_skewed"] = std::llabs(store_skew) > sync::kClockSkewFlagMs;
        store["clock_skewed_events"] = count("SELECT count(*) FROM events WHERE store_id = ? AND clock_skew_ms != 0");
        json q = json::array();
        Statement qs = db_->Prepare(
            "SELECT device_id, epoch, seq, kind, reason, received_at FROM quarantine WHERE store_id = ? "
            "ORDER BY id DESC LIMIT 20");
        qs.Bind(1, store_id);
        while (qs.Step()) {
          q.push_back({{"device_id", qs.Text(0)}, {"epoch", qs.Int(1)}, {"seq", qs.Int(2)},
                       {"kind", qs.Text(3)}, {"reason", qs.Text(4)}, {"received_at", qs.Text(5)}});
        }
        store["quarantine"] = q;
        // Restored copies whose sales the hub adopted as forks (§6.5): HQ
        // sees each, with how many events it held and when it arrived.
        json restores = json::array();
        Statement rs = db_->Prepare(
            "SELECT f.device_id, f.epoch, f.first_seq, f.head_seq, f.adopted_at, "
            "(SELECT count(*) FROM fork_events e WHERE e.fork_id = f.id) "
            "FROM device_forks f WHERE f.store_id = ? ORDER BY f.id");
        rs.Bind(1, store_id);
        while (rs.Step()) {
          restores.push_back({{"device_id", rs.Text(0)}, {"epoch", rs.Int(1)}, {"first_seq", rs.Int(2)},
                              {"head_seq", rs.Int(3)}, {"adopted_at", rs.Text(4)}, {"events", rs.Int(5)}});
        }
        store["restores"] = restores;
        store["events"] = store["events"].get<int64_t>() +
                          count("SELECT count(*) FROM fork_events WHERE store_id = ?");
        out["stores"].push_back(store);
      }
    });
    if (!st.ok()) return st;
    return out;
  }

  Result<ReceiptRecords> FindReceipt(const std::string& store_code, const std::string& receipt_no) override {
    std::lock_guard lock(mu_);
    ReceiptRecords out;
    Status st = Guard([&] {
      Statement s = db_->Prepare(
          "SELECT s.id, s.code, s.name, (SELECT max(last_sync) FROM devices d WHERE d.store_id = s.id) "
          "FROM stores s WHERE s.code = ? ORDER BY s.id");
      s.Bind(1, store_code);
      while (s.Step()) out.stores.push_back({s.Int(0), s.Text(1), s.Text(2), s.IsNull(3) ? "" : s.Text(3)});
      // The expressions are those of the 0003 indexes, so SQLite uses them.
      // The events of the chain, and of forks the hub adopted (§6.5): a
      // restored copy's receipts are real receipts too.
      auto read = [&](const char* field, const char* types, std::vector<ReceiptRecords::Event>* into) {
        for (const char* table : {"events", "fork_events"}) {
          const std::string sql =
              std::string("SELECT type, type_version, occurred_at, payload, hash FROM ") + table +
              " WHERE store_id = ? AND type IN " + types +
              " AND (CASE WHEN json_valid(CAST(payload AS TEXT)) THEN json_extract(CAST(payload AS TEXT), '$." +
              field + "') END) = ? ORDER BY ingest_order";
          for (const ReceiptRecords::Store& store : out.stores) {
            Statement e = db_->Prepare(sql);
            e.Bind(1, store.id).Bind(2, receipt_no);
            while (e.Step()) {
              into->push_back({store.id, e.Text(0), static_cast<int>(e.Int(1)), e.Text(2), e.Blob(3), e.Blob(4)});
            }
          }
        }
      };
      read("receipt_no", "('sale', 'refund', 'void')", &out.receipts);
      read("original_receipt_no", "('refund', 'void')", &out.follow_ups);
    });
    if (!st.ok()) return st;
    return out;
  }

  Status Rebuild() override {
    std::lock_guard lock(mu_);
    return Guard([&] {
      Transaction tx(*db_);
      SqliteIngestStorage storage(*db_);
      RebuildProjections(storage);
      tx.Commit();
    });
  }

  Result<json> DumpProjections() override {
    std::lock_guard lock(mu_);
    json out = json::object();
    Status st = Guard([&] {
      const std::pair<const char*, int> tables[] = {
          {"proj_stock", 3}, {"proj_sales_daily", 7}, {"proj_receipts_daily", 4}, {"proj_tenders_daily", 4}};
      for (const auto& [t, width] : tables) {
        Statement s = db_->Prepare(std::string("SELECT * FROM ") + t + " ORDER BY 1, 2, 3");
        json rows = json::array();
        while (s.Step()) {
          json row = json::array();
          for (int i = 0; i < width; ++i) row.push_back(s.Text(i));
          rows.push_back(row);
        }
        out[t] = rows;
      }
    });
    if (!st.ok()) return st;
    return out;
  }

 private:
  std::optional<int64_t> FindOrgId(const std::string& code) {
    Statement s = db_->Prepare("SELECT id FROM orgs WHERE code = ?");
    if (s.Bind(1, code).Step()) return s.Int(0);
    return std::nullopt;
  }
  std::optional<int64_t> FindStoreId(int64_t org_id, const std::string& code) {
    Statement s = db_->Prepare("SELECT id FROM stores WHERE org_id = ? AND code = ?");
    if (s.Bind(1, org_id).Bind(2, code).Step()) return s.Int(0);
    return std::nullopt;
  }
  std::string InsertToken(int64_t store_id, int64_t now_ms) {
    const std::string token = NewToken("lle_");
    db_->Prepare("INSERT INTO enrol_tokens (token_hash, store_id, expires_ms) VALUES (?, ?, ?)")
        .Bind(1, TokenHash(token)).Bind(2, store_id).Bind(3, now_ms + sync::kEnrolTokenTtlMs).Run();
    return token;
  }
  std::pair<int64_t, int64_t> FloorAndHead(int64_t org_id) {
    Statement s = db_->Prepare(
        "SELECT o.change_floor, max(o.change_floor, coalesce((SELECT max(seq) FROM changes c WHERE c.org_id = o.id), 0)) "
        "FROM orgs o WHERE o.id = ?");
    if (!s.Bind(1, org_id).Step()) return {0, 0};
    return {s.Int(0), s.Int(1)};
  }
  Result<User> ReadUser(const char* sql, const std::string& a, const std::string& b, int64_t c) {
    User u;
    bool found = false;
    Status st = Guard([&] {
      Statement s = db_->Prepare(sql);
      s.Bind(1, a).Bind(2, b);
      if (c) s.Bind(3, c);
      if (s.Step()) {
        found = true;
        u.id = s.Int(0);
        u.org_id = s.Int(1);
        u.org_code = s.Text(2);
        u.name = s.Text(3);
        u.role = s.Text(4);
        u.password_hash = s.Text(5);
      }
    });
    if (!st.ok()) return st;
    if (!found) return Status::NotFound("no such user or session");
    return u;
  }

  // Runs one of the ingest rules (IngestBatch, IngestFork) over a batch:
  // the work that needs no database (hash, signature, payload parsing) is
  // done before taking the lock, so pushes from many stores verify in
  // parallel and only the writes are serialised, in one transaction.
  using IngestRules = IngestResult (*)(IngestStorage&, const Device&, const std::vector<JournalEntry>&,
                                       const std::vector<PrecheckedEvent>&, int64_t);
  Result<IngestResult> IngestLocked(const Device& device, const std::vector<JournalEntry>& events, int64_t now_ms,
                                    IngestRules rules) {
    std::vector<PrecheckedEvent> pre = Precheck(device, events);
    std::lock_guard lock(mu_);
    IngestResult r;
    Status st = Guard([&] {
      Transaction tx(*db_);
      SqliteIngestStorage storage(*db_);
      r = rules(storage, device, events, pre, now_ms);
      tx.Commit();
    });
    if (!st.ok()) return st;
    return r;
  }

  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace

Result<std::unique_ptr<HubStore>> OpenSqliteHubStore(const std::string& path, bool create) {
  OpenOptions opts;
  opts.create = create;
  auto db = Database::Open(path, opts);
  if (!db.ok()) return db.status();
  Status st = Migrate(**db, {kHubSqliteMigrations, static_cast<size_t>(kHubSqliteMigrations_count)});
  if (!st.ok()) return st;
  return std::unique_ptr<HubStore>(new SqliteHubStore(std::move(*db)));
}

}  // namespace linli::hub
