// The hub's ingest core: the chain rules of a push (PROTOCOL.md §6.2, §6.4)
// and the application of each event's effects to the projections, written
// once for every HubStore.
//
// The rules decide, event by event: a bad hash or signature is refused and
// quarantined (bad_event); an event already held with the same hash is
// skipped (duplicate) and with another hash is refused and quarantined
// (fork); an event that does not follow its epoch's head, or a new epoch
// whose link the hub does not hold, is refused (gap); anything else is
// stored, applied to the projections when its effects can be (else stored
// flagged, never blocking), and moves its epoch's head.
//
// The rules touch the database only through IngestStorage, a small interface
// of storage primitives that each store implements in its own SQL (as
// LevelDB's version rules sit over Env): SqliteHubStore today, the
// PostgreSQL store next. The store opens the transaction, calls IngestBatch or
// RebuildProjections inside it and commits; the rules neither begin nor commit.
//
// Errors: a primitive reports a database failure by throwing (DbError for
// SQLite); the rules catch nothing and hold nothing that a throw leaves
// wrong, so the store's boundary (Guard) turns it into a Status and its
// transaction rolls back. Protocol refusals are not errors: they come back
// in IngestResult.
//
// Thread safety: Precheck is safe to call from many threads at once and
// uses no storage; IngestBatch and RebuildProjections use their storage from the calling
// thread only, which must own it (the store's lock) for the whole call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/hub/hub_store.h"
#include "linli/hub/projection.h"
#include "linli/pos/journal.h"
#include "linli/pos/status.h"

namespace linli::hub {

// The head of one (device, epoch) chain the hub holds.
struct ChainHead {
  int64_t first_seq = 0;
  int64_t head_seq = 0;
  std::string head_hash;  // 32 raw bytes
};

// How the hub stores one accepted event, beside the event itself.
struct StoredEventInfo {
  std::string received_at;    // UTC text of the push
  int64_t ingest_order = 0;   // global arrival order (1, 2, …), for rebuilds
  bool applied = false;       // false: stored flagged, `note` says why
  std::string note;
  int64_t clock_skew_ms = 0;  // non-zero: flagged for clock skew (§3.1)
};

// One stored event as RebuildProjections reads it back, in ingest order.
struct StoredEvent {
  std::string device_id;
  int64_t org_id = 0;
  int64_t store_id = 0;
  int64_t fork_id = 0;  // non-zero: an event of that adopted fork (§6.5)
  JournalEntry entry;   // epoch, seq, type, type_version and payload are set
};

// A fork of one (device, epoch) chain the hub adopted (PROTOCOL.md §6.5):
// the events of a restored copy from first_seq, the first seq where it
// differs from the hub's chain.
struct ForkRecord {
  int64_t id = 0;
  int64_t epoch = 0;
  int64_t first_seq = 0;
  int64_t head_seq = 0;
  std::string head_hash;  // 32 raw bytes
};

// The storage primitives the rules need. Every call runs inside the
// transaction the store holds; each throws on a database failure (see above).
class IngestStorage {
 public:
  virtual ~IngestStorage() = default;

  // ---- chain ---------------------------------------------------------------
  // Every epoch the hub holds for the device, by epoch (empty before its
  // first push).
  virtual std::map<int64_t, ChainHead> LoadHeads(const std::string& device_id) = 0;
  // The hash of the event held at (device, epoch, seq); nullopt when none.
  virtual std::optional<std::string> HeldHash(const std::string& device_id, int64_t epoch,
                                              int64_t seq) = 0;
  // Writes one epoch's head: inserted with first_seq when new, otherwise only
  // head_seq and head_hash change.
  virtual void SaveHead(const std::string& device_id, int64_t epoch, const ChainHead& head) = 0;
  // The largest ingest order of any stored event of any device; 0 when none.
  virtual int64_t LastIngestOrder() = 0;
  // Stores one accepted event of the device (its store: device.store_id).
  virtual void InsertEvent(const Device& device, const JournalEntry& e,
                           const StoredEventInfo& info) = 0;

  // ---- forks (§6.5) ---------------------------------------------------------
  // Every fork the hub adopted for the device, oldest first.
  virtual std::vector<ForkRecord> LoadForks(const std::string& device_id) = 0;
  // The hash of the fork's event at seq; nullopt when none.
  virtual std::optional<std::string> ForkHash(int64_t fork_id, int64_t seq) = 0;
  // Starts a fork of (device, epoch) at first_seq and returns its id.
  virtual int64_t AddFork(const Device& device, int64_t epoch, int64_t first_seq, const std::string& now) = 0;
  // Stores one event of the fork, as InsertEvent stores one of the chain.
  virtual void InsertForkEvent(int64_t fork_id, const Device& device, const JournalEntry& e,
                               const StoredEventInfo& info) = 0;
  // Moves the fork's head.
  virtual void SaveForkHead(int64_t fork_id, int64_t head_seq, const std::string& head_hash) = 0;

  // ---- quarantine ----------------------------------------------------------
  // Whether a refusal with exactly this device, epoch, seq, kind and reason
  // is already kept.
  virtual bool InQuarantine(const std::string& device_id, int64_t epoch, int64_t seq,
                            std::string_view kind, const std::string& reason) = 0;
  // Keeps one refused event for a person to see. kind: "fork" | "bad_event";
  // event_json: the event as it came over the wire (sync::WireEvent).
  virtual void AddQuarantine(const Device& device, const JournalEntry& e, std::string_view kind,
                             const std::string& reason, const std::string& event_json,
                             const std::string& received_at) = 0;

  // ---- device --------------------------------------------------------------
  // Stamps the device's last push that stored or skipped anything.
  virtual void MarkSynced(const std::string& device_id, const std::string& now) = 0;
  // Records the clock skew the device's request reported, and when.
  virtual void RecordClockSkew(const std::string& device_id, int64_t skew_ms,
                               const std::string& now) = 0;

  // ---- projections ---------------------------------------------------------
  // Whether sku is a live (not deleted) product of the org's shared
  // catalogue, or one the store defined at its till (product_edit@1).
  virtual bool KnownProduct(int64_t org_id, int64_t store_id, const std::string& sku) = 0;
  // Adds the effects to the store's projection rows (stock, daily sales,
  // receipts, tenders and the store's own products), creating rows as needed.
  virtual void AddToProjections(int64_t store_id, const EventEffects& fx) = 0;
  // Empties every projection table.
  virtual void ClearProjections() = 0;
  // Calls visit for every stored event, in ingest order.
  virtual void ForEachStoredEvent(const std::function<void(const StoredEvent&)>& visit) = 0;
  // Rewrites one stored event's applied flag and note (a fork's event when
  // event.fork_id is set).
  virtual void SetApplied(const StoredEvent& event, bool applied, const std::string& note) = 0;
};

// What IngestBatch learns of each event without the database: `bad` names why its
// hash or signature does not hold (empty when they do), and `effects` are its
// projection effects (set only when `bad` is empty).
struct PrecheckedEvent {
  std::string bad;
  Result<EventEffects> effects = Status::FailedPrecondition("not checked");
};

// Checks hash, signature and effects of every event with the device's key,
// splitting a large batch across the cores. On each part the events after a
// bad one are not looked at (IngestBatch stops there). Needs no storage, so a
// store calls it before taking its lock and pushes verify in parallel.
std::vector<PrecheckedEvent> Precheck(const Device& device, const std::vector<JournalEntry>& events);

// Applies the chain rules to one batch of the device, in order, and stops at
// the first refused event: the ones before it are stored (the store commits
// them), IngestResult counts them and names the refusal (sync::kErrGap,
// kErrFork, kErrBadEvent) with the details in `extra`. `pre` is
// Precheck(device, events). Moves each written epoch's head once, stamps the
// device synced when anything was stored or skipped, and records
// device.clock_skew_ms when set. Throws only what the storage throws.
IngestResult IngestBatch(IngestStorage& storage, const Device& device,
                    const std::vector<JournalEntry>& events, const std::vector<PrecheckedEvent>& pre,
                    int64_t now_ms);

// Adopts a fork (PROTOCOL.md §6.5): the batch holds a restored copy's
// events of one epoch, in seq order, from where they differ from the chain
// the hub holds. The first starts a fork when the hub holds another event at
// its (epoch, seq) and its prev_hash links to the hub's event at seq − 1 (or
// to the genesis hash at seq 1); or it extends a fork of that epoch whose
// head it follows. Events already in the fork are duplicates. Each is stored
// and applied like a chain event, in the same ingest order. Refusals as
// IngestBatch's: a bad hash or signature (kErrBadEvent, quarantined), an
// event that links to nothing the hub holds (kErrGap), one that is no fork
// at all — the hub does not hold its seq — (kErrBadRequest: push it instead).
// head_* in the result name the fork's head.
IngestResult IngestFork(IngestStorage& storage, const Device& device, const std::vector<JournalEntry>& events,
                        const std::vector<PrecheckedEvent>& pre, int64_t now_ms);

// Applies one event's effects when they decoded and every SKU they name is a
// known product of the org; otherwise writes nothing and explains in *note
// (the payload's decoding error, or "unknown SKU A B"). Returns whether it
// applied. IngestBatch and RebuildProjections both apply through here.
bool ApplyEffects(IngestStorage& storage, int64_t org_id, int64_t store_id,
                  const Result<EventEffects>& fx, std::string* note);

// Recomputes every projection from the stored events, in ingest order, and
// rewrites each event's applied flag and note to match.
void RebuildProjections(IngestStorage& storage);

}  // namespace linli::hub
