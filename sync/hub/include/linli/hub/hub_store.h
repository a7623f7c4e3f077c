// HubStore: everything the hub keeps, behind one interface (DESIGN §7).
//
// All of the hub database's SQL lives in implementations of this class; the
// HTTP service, the admin CLI and the tests talk only to it. SqliteHubStore
// (below) is the embedded default; a PostgreSQL store comes next and must
// give the same answers to the same calls. The chain rules of a push
// (PROTOCOL.md §6) and the application of each event's effects
// (projection.h) are not theirs: they are the dialect-neutral ingest core
// (ingest.h), which an implementation runs inside its own transaction over
// an IngestStorage written in its own SQL.
//
// Organisation scoping: every HQ query takes the caller's org_id, and every
// device call is answered from the device's own store, which the store
// derives from the device id; no call takes another store's id from a
// request.
//
// Thread safety: implementations are safe to call from many threads (the
// HTTP server's pool); SqliteHubStore serialises calls on one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/journal.h"
#include "linli/pos/status.h"
#include "linli/sync/protocol.h"

namespace linli::hub {

struct HubKey {
  std::string public_key;   // 32 raw bytes
  std::string private_key;  // 32 raw bytes (seed)
};

struct Device {
  std::string device_id;
  int64_t store_id = 0;
  std::string store_code;
  int64_t org_id = 0;
  std::string org_code;
  std::string public_key;  // 32 raw bytes
  bool revoked = false;    // the device or its store is revoked
  // Set by the server from the request being served: the device's own clock
  // (Linli-Device-Clock) minus the hub's, when the request carried it.
  // Ingest records it and flags the batch's events beyond
  // sync::kClockSkewFlagMs (PROTOCOL.md §3.1). Not stored by FindDevice.
  std::optional<int64_t> clock_skew_ms;
};

struct User {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string org_code;
  std::string name;
  std::string role;  // admin | buyer | viewer
  std::string password_hash;
};

// What Ingest did with a batch. When error is empty every event was stored
// or skipped. Otherwise the events before the refused one were committed
// (accepted/duplicates/flagged count them) and error names why
// (sync::kErrGap, kErrFork, kErrBadEvent) with the details in `extra`.
struct IngestResult {
  int accepted = 0;
  int duplicates = 0;
  int flagged = 0;
  std::string error;
  std::string message;
  nlohmann::json extra = nlohmann::json::object();
  // Head of the epoch last written to (or of the device's latest epoch).
  int64_t head_epoch = 0;
  int64_t head_seq = 0;
  std::string head_hash;  // 32 raw bytes; zeros when nothing held
};

// What the hub holds about one receipt number of one store code, for a
// receipt check (receipt_check.h, which judges it). Store codes are unique
// per organisation only, so every store with the code is listed.
struct ReceiptRecords {
  struct Store {
    int64_t id = 0;
    std::string code, name;
    std::string last_sync;  // latest last_sync of its devices, UTC; "" never
  };
  // One receipt event (sale@1, refund@1, void@1) as stored.
  struct Event {
    int64_t store_id = 0;
    std::string type;         // "sale" | "refund" | "void"
    int type_version = 0;
    std::string occurred_at;  // the till's clock, UTC
    std::string payload;      // canonical JSON, as signed
    std::string hash;         // 32 raw bytes
  };
  std::vector<Store> stores;
  std::vector<Event> receipts;   // events whose payload receipt_no is the number
  std::vector<Event> follow_ups; // refunds and voids whose original_receipt_no is
};

class HubStore {
 public:
  virtual ~HubStore() = default;

  // ---- hub key -------------------------------------------------------------
  // The hub's checkpoint-signing key pair; made on first call and kept.
  virtual Result<HubKey> Key() = 0;

  // ---- admin ---------------------------------------------------------------
  // AlreadyExists when the code is taken. Codes: 1..32 of A-Z a-z 0-9 _ -;
  // InvalidArgument for another code or an empty name.
  virtual Status AddOrg(const std::string& code, const std::string& name, int64_t now_ms) = 0;
  // Adds a store and returns a fresh one-time enrolment token (plain text;
  // only its hash is kept), valid for sync::kEnrolTokenTtlMs.
  // NotFound for an unknown org; AlreadyExists for a duplicate store code;
  // InvalidArgument for a bad code (as AddOrg's) or an empty name.
  virtual Result<std::string> AddStore(const std::string& org, const std::string& code,
                                       const std::string& name, int64_t now_ms) = 0;
  // Another token for an existing store (NotFound when unknown).
  virtual Result<std::string> NewEnrolToken(const std::string& org, const std::string& code,
                                            int64_t now_ms) = 0;
  // Marks the store and all its devices revoked and its unused enrolment
  // tokens used. NotFound when unknown.
  virtual Status RevokeStore(const std::string& org, const std::string& code, int64_t now_ms) = 0;
  // `password_hash` is already scrypt'd. AlreadyExists, NotFound (org);
  // InvalidArgument for another role or an empty name.
  virtual Status AddUser(const std::string& org, const std::string& name, const std::string& role,
                         const std::string& password_hash, int64_t now_ms) = 0;
  virtual Result<int64_t> OrgId(const std::string& org_code) = 0;  // NotFound

  // ---- devices ---------------------------------------------------------------
  // Consumes the token and registers the device, in one transaction.
  // PermissionDenied for an unknown, used or expired token, or a revoked
  // store; AlreadyExists when device_id is enrolled with another key or into
  // another store (the token is then not consumed); InvalidArgument when
  // public_key_hex is not 64 hex characters. Enrolling again with the same
  // key into the same store consumes the token and succeeds.
  virtual Result<sync::EnrollResponse> Enroll(const sync::EnrollRequest& req, int64_t now_ms) = 0;
  // NotFound when the device is unknown.
  virtual Result<Device> FindDevice(const std::string& device_id) = 0;
  // Records a request nonce; false when this device used it within
  // sync::kNonceTtlMs (a replay). Forgets expired nonces as it goes, and
  // stamps the device's last_seen.
  virtual Result<bool> UseNonce(const std::string& device_id, const std::string& nonce,
                                int64_t now_ms) = 0;

  // ---- push ------------------------------------------------------------------
  // The epochs the hub holds for the device, ascending (PROTOCOL.md §6.1);
  // empty before its first push or for an unknown device.
  virtual Result<std::vector<sync::EpochHead>> Heads(const std::string& device_id) = 0;
  // Verifies (hashes, signatures, chain: PROTOCOL.md §6.2, by IngestBatch in
  // ingest.h) and stores one batch in one transaction, applying each event to
  // the projections; hashes and signatures are checked before the store's
  // lock is taken (Precheck), so pushes verify in parallel. Event types must
  // have been checked by the caller. An error Status only for database
  // failures; protocol refusals come back in IngestResult.
  virtual Result<IngestResult> Ingest(const Device& device,
                                      const std::vector<JournalEntry>& events,
                                      int64_t now_ms) = 0;
  // The forks the hub adopted for the device (PROTOCOL.md §6.5), oldest first.
  virtual Result<std::vector<sync::ForkHead>> Forks(const std::string& device_id) = 0;
  // As Ingest, for a restored copy's events that differ from the chain the
  // hub holds (IngestFork in ingest.h): kept as a fork and applied.
  virtual Result<IngestResult> IngestForkBatch(const Device& device, const std::vector<JournalEntry>& events,
                                               int64_t now_ms) = 0;

  // ---- pull ------------------------------------------------------------------
  // PROTOCOL.md §7. InvalidArgument for a negative cursor or one beyond the
  // head; limit is clamped to 1..sync::kMaxChangesPage.
  virtual Result<sync::ChangesResponse> Changes(const Device& device, int64_t cursor,
                                                int limit) = 0;
  // One catalogue edit. store_code empty: every store.
  struct CatalogEdit {
    std::string kind, key;
    std::string op = "upsert";  // upsert | delete
    nlohmann::json data;
    std::string store_code;
  };
  // Writes the edits and appends each to the org's change log, all in one
  // transaction: every one is written or none is (a product and its
  // barcodes are one HQ edit). Returns their seqs in order. NotFound for an
  // unknown store code in the org; InvalidArgument for an unknown kind, an
  // op other than upsert|delete, or an empty key. Checked before anything is
  // written; the values themselves are the caller's to validate.
  virtual Result<std::vector<int64_t>> EditAll(int64_t org_id, const std::vector<CatalogEdit>& edits) = 0;
  // EditAll of one edit; returns its seq.
  Result<int64_t> Edit(int64_t org_id, const std::string& kind, const std::string& key, const std::string& op,
                       const nlohmann::json& data, const std::string& store_code) {
    auto seqs = EditAll(org_id, {{kind, key, op, data, store_code}});
    if (!seqs.ok()) return seqs.status();
    return seqs->front();
  }
  // TEST/maintenance: drops change log entries with seq <= upto (at most the
  // head) and raises the org's floor to it, so older cursors get a snapshot.
  virtual Status CompactChanges(int64_t org_id, int64_t upto) = 0;

  // ---- HQ --------------------------------------------------------------------
  // NotFound when there is no such user in that org.
  virtual Result<User> FindUser(const std::string& org, const std::string& name) = 0;
  virtual Status AddSession(const std::string& token_hash, int64_t user_id, int64_t expires_ms) = 0;
  // NotFound for an unknown or expired session.
  virtual Result<User> FindSession(const std::string& token_hash, int64_t now_ms) = 0;

  // The JSON documents of PROTOCOL.md §8, scoped to org_id.
  // Stock: store_code empty: all stores. NotFound for a store not in the org.
  virtual Result<nlohmann::json> Stock(int64_t org_id, const std::string& sku,
                                       const std::string& store_code) = 0;
  // from/to: business dates YYYY-MM-DD, inclusive; group store|day|category|sku
  // (InvalidArgument for another).
  virtual Result<nlohmann::json> Sales(int64_t org_id, const std::string& from,
                                       const std::string& to, const std::string& group) = 0;
  // lag_seconds and similar are measured against now_ms.
  virtual Result<nlohmann::json> Stores(int64_t org_id, int64_t now_ms) = 0;
  // The products stores defined at their tills (product_edit@1), per store;
  // store_code empty: every store. NotFound for a store not in the org.
  virtual Result<nlohmann::json> StoreProducts(int64_t org_id, const std::string& store_code) = 0;

  // ---- receipt checks ------------------------------------------------------
  // Every store with this code (any organisation, revoked too) and, in those
  // stores, the receipt events with this receipt number and the refunds and
  // voids naming it as their original, in ingest order. Flagged events count
  // (they are the store's facts; only their effects were not applied).
  // Answers from an index, never a scan of a store's events. Nothing is
  // judged here: CheckReceipt (receipt_check.h) does that for every store.
  virtual Result<ReceiptRecords> FindReceipt(const std::string& store_code, const std::string& receipt_no) = 0;

  // ---- projections ---------------------------------------------------------
  // Recomputes every projection from the stored events, in ingest order and
  // one transaction (RebuildProjections in ingest.h), and rewrites each
  // event's applied flag and note to match.
  virtual Status Rebuild() = 0;
  // TEST: every projection row, in key order, for comparing live and rebuilt.
  virtual Result<nlohmann::json> DumpProjections() = 0;
};

// Opens (creating when asked) and migrates an SQLite hub database.
// FailedPrecondition when the file is newer than this binary.
Result<std::unique_ptr<HubStore>> OpenSqliteHubStore(const std::string& path, bool create);

}  // namespace linli::hub
