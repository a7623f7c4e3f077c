// The store's tamper-evident journal (DESIGN §6).
//
// Every business fact (sale, refund, void, shift close, stock movement, …) is
// appended here in the same SQLite transaction as the fact itself, so the
// journal holds a row exactly when the fact committed. Rows form a hash chain
// per device, each hash signed with the device's Ed25519 key; rows are never
// updated or deleted. The byte layout of the hash input and the signature is
// specified in pos/journal/JOURNAL_FORMAT.md and implemented by JournalHashInput()
// below, which the hub uses as well.
//
// Tables (schema/store/0003_journal.sql): `journal`, one row per event, and
// `journal_head`, a single row checkpointing the last seq and hash, written in
// the same transaction as each append, so that deleting the newest rows is
// caught by VerifyJournal too.
//
// Thread safety: as Database: one thread at a time per connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/events.h"
#include "linli/pos/status.h"

namespace linli {

// One journal row. Hashes and the signature are raw bytes (HexEncode to show).
struct JournalEntry {
  int64_t seq = 0;           // per device, gapless, from 1
  std::string event_id;      // UUIDv7, unique
  std::string type;          // e.g. "sale"; see kJournalTypeChars
  int type_version = 0;      // >= 1; bumped when the payload's shape changes
  int64_t epoch = 0;         // the device epoch when the row was written
  std::string occurred_at;   // device clock, "2026-11-21T07:30:00.123Z"
  std::string payload;       // canonical JSON bytes (canonical_json.h)
  std::string prev_hash;     // 32 bytes; 32 zero bytes for seq 1
  std::string hash;          // 32 bytes: SHA-256 of JournalHashInput()
  std::string signature;     // 64 bytes: Ed25519 over `hash`
};

// How many leading characters of the journal hash the receipt shows and the
// QR payload carries ("验证 3fa9c2e1b07d").
inline constexpr size_t kReceiptHashPrefixLen = 12;

// Characters a type name may use: lowercase ASCII letters, digits, '_' and
// '.', starting with a letter, at most kMaxJournalTypeLength bytes. No '@',
// so "type@version" (as printed and as hashed) is unambiguous.
inline constexpr const char* kJournalTypeChars = "a-z 0-9 _ .";
inline constexpr size_t kMaxJournalTypeLength = 64;

// The 32 zero bytes that stand for "no previous event" in seq 1's prev_hash.
std::string JournalGenesisHash();

// The exact bytes that are hashed for `e` on device `device_id`
// (pos/journal/JOURNAL_FORMAT.md §3): a version tag, then prev_hash, device_id,
// epoch, seq, "type@version", event_id, occurred_at and payload, each
// variable-length field prefixed with its length as a big-endian uint32 and
// each integer a big-endian int64. e.hash and e.signature are not read.
std::string JournalHashInput(std::string_view device_id, const JournalEntry& e);

// SHA-256 of JournalHashInput(device_id, e): what e.hash must equal.
std::string ComputeJournalHash(std::string_view device_id, const JournalEntry& e);

// Appends one event and returns the row as written.
//
// MUST be called inside the caller's open Transaction, after the fact's own
// rows are written and before Commit(); it does not begin or commit one, and
// refuses (FailedPrecondition) when the connection is not in a transaction,
// because a journal row committed apart from its fact would break the
// "same transaction" rule. If it returns an error the caller must roll back
// (let the Transaction go out of scope): part of the append may have been
// written.
//
// The payload is stored as CanonicalJson(payload); it must be a JSON object
// holding integers only. InvalidArgument for a bad type name, a type_version
// below 1, a payload that is not an object, or one CanonicalJson refuses (the
// message names the JSON path). FailedPrecondition when the store has no
// device key. Database failures come back as DbErrorToStatus() would word
// them.
//
// occurred_at and the UUIDv7 event_id come from `clock`.
//
// Speed: the next seq and prev_hash (journal_head) and the device id, epoch
// and key (device) are read through one cached prepared statement; both rows
// sit on pages already in SQLite's cache, so this costs about what checking a
// cached copy would, and unlike a copy it cannot go stale when a restore bumps
// the epoch. What is cached is the parsed signing key (per thread, keyed by
// the key bytes): parsing an Ed25519 seed costs as much as a signature. An
// append is then one canonical-JSON write, one SHA-256, one Ed25519 signature
// and two row writes, tens of microseconds beside a commit's fsync.
Result<JournalEntry> AppendJournal(Database& db, const std::string& type, int type_version,
                                   const nlohmann::json& payload, const Clock& clock);

// Appends a typed event (events.h) as AppendJournal would append its type,
// version and payload; the same contract and errors.
template <typename Event>
Result<JournalEntry> AppendEvent(Database& db, const Event& event, const Clock& clock) {
  return AppendJournal(db, Event::kType, Event::kVersion, event.ToJson(), clock);
}

// What VerifyJournal found.
struct JournalVerifyReport {
  bool ok = false;
  int64_t count = 0;           // rows read
  int64_t head_seq = 0;        // last row read (0 for an empty journal)
  std::string head_hash_hex;   // its stored hash in hex (64 zeros when empty)
  int64_t first_bad_seq = 0;   // the first seq that fails; 0 when ok (and
                               // when the journal could not be read at all)
  std::string reason;          // empty when ok, else a plain sentence, e.g.
                               // "seq 7: payload or fields changed (hash mismatch)"
  int64_t hub_checkpoint_seq = 0;  // the hub's signed checkpoint checked; 0 = none kept
};

// Re-checks the whole journal in seq order, within one read snapshot (it may
// be called inside or outside a transaction and writes nothing):
//   - seq runs 1, 2, 3, … with no gap           "seq 5 missing (gap after 4)"
//   - prev_hash equals the previous row's hash   "seq 3: prev_hash does not link to seq 2"
//   - the hash recomputes from the row's fields  "seq 7: payload or fields changed (hash mismatch)"
//   - the signature verifies with the device's public key
//                                                "seq 9: signature invalid"
//   - event_id is not repeated; epoch never goes back
//   - the last row matches the journal_head checkpoint, which catches rows
//     deleted from (or added after) the end.
//   - the hub's signed checkpoint the sync agent kept (sync_state) is still
//     reached: a journal shorter than what the hub signed, or holding another
//     event of the same epoch at that seq, fails with that seq. This catches
//     what the local head row cannot: a tail deleted with journal_head
//     rewritten to match.
// Stops at the first failure. Every row is covered by its signature, so a
// forged row needs the device's private key; an edit that keeps the chain
// consistent needs it too.
JournalVerifyReport VerifyJournal(Database& db);

// The newest row, as recorded by journal_head. For an empty journal: an entry
// with seq 0, hash JournalGenesisHash() and the other fields empty.
// Corruption when journal_head names a row that does not exist.
Result<JournalEntry> JournalHead(Database& db);

// Up to `limit` rows with seq > after_seq, in seq order; fewer (or none) at the
// end of the journal. For the sync agent: after_seq is the hub's high-water
// mark. InvalidArgument when after_seq < 0 or limit < 1.
Result<std::vector<JournalEntry>> ReadJournal(Database& db, int64_t after_seq, int limit);

}  // namespace linli
