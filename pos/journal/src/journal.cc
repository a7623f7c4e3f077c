#include "linli/pos/journal.h"

#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "linli/pos/canonical_json.h"
#include "linli/pos/crypto.h"

namespace linli {
namespace {

// First bytes of every hash input: names the format and its version, so a
// journal hash can never be mistaken for a hash of anything else Linli signs.
constexpr std::string_view kHashTag = "linli/journal/v1";
constexpr size_t kHashSize = 32;

constexpr const char kSelectHeadAndDevice[] =
    "SELECT h.seq, h.hash, d.device_id, d.epoch, d.private_key "
    "FROM journal_head h, device d WHERE h.id = 1 AND d.id = 1";
constexpr const char kInsertEntry[] =
    "INSERT INTO journal (seq, event_id, type, type_version, epoch, occurred_at, payload, "
    "prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char kUpdateHead[] = "UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1";
constexpr const char kSelectColumns[] =
    "SELECT seq, event_id, type, type_version, epoch, occurred_at, payload, prev_hash, hash, "
    "signature FROM journal";
constexpr const char kSelectAfter[] =
    "SELECT seq, event_id, type, type_version, epoch, occurred_at, payload, prev_hash, hash, "
    "signature FROM journal WHERE seq > ? ORDER BY seq LIMIT ?";
constexpr const char kSelectHeadRow[] =
    "SELECT h.seq, j.seq, j.event_id, j.type, j.type_version, j.epoch, j.occurred_at, "
    "j.payload, j.prev_hash, j.hash, j.signature "
    "FROM journal_head h LEFT JOIN journal j ON j.seq = h.seq WHERE h.id = 1";

void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void AppendI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);  // two's complement
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xff);
}

void AppendBytes(std::string& out, std::string_view bytes) {
  AppendU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

Status CheckType(const std::string& type, int type_version) {
  bool valid = !type.empty() && type.size() <= kMaxJournalTypeLength && type[0] >= 'a' &&
               type[0] <= 'z';
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) valid = false;
  }
  if (!valid) {
    return Status::InvalidArgument("journal event type \"" + type +
                                   "\" is not valid; use 1–64 of " + kJournalTypeChars +
                                   ", starting with a letter, e.g. \"sale\" or \"shift.close\"");
  }
  if (type_version < 1) {
    return Status::InvalidArgument("journal event " + type + " has version " +
                                   std::to_string(type_version) + "; versions start at 1");
  }
  return Status::Ok();
}

// Reads columns first..first+9 in the order of kSelectColumns. A type_version
// that does not fit an int (only possible by editing the file) becomes -1,
// which VerifyJournal reports and which never hashes like the original.
JournalEntry EntryFromRow(const Statement& st, int first) {
  JournalEntry e;
  e.seq = st.Int(first);
  e.event_id = st.Text(first + 1);
  e.type = st.Text(first + 2);
  const int64_t version = st.Int(first + 3);
  e.type_version = version >= 1 && version <= std::numeric_limits<int>::max()
                       ? static_cast<int>(version)
                       : -1;
  e.epoch = st.Int(first + 4);
  e.occurred_at = st.Text(first + 5);
  e.payload = st.Blob(first + 6);
  e.prev_hash = st.Blob(first + 7);
  e.hash = st.Blob(first + 8);
  e.signature = st.Blob(first + 9);
  return e;
}

// Resets a cached statement on every path out of a scope, so a SELECT left
// mid-result never holds a read transaction open on an autocommit connection.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& st) : st_(st) {}
  ~ResetOnExit() { st_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& st_;
};

Result<std::string> SignWithDeviceKey(std::string_view private_key, std::string_view message) {
  // Cached per thread, keyed by the key bytes themselves, so it can never sign
  // with a stale key: another store, a restored file or a new key misses.
  thread_local std::optional<Ed25519Key> cached;
  if (!cached || !cached->Is(private_key)) {
    auto key = Ed25519Key::Private(private_key);
    if (!key.ok()) {
      return Status::Corruption("the device private key is not a valid Ed25519 key; "
                                "restore the database from a backup");
    }
    cached = std::move(key).value();
  }
  return cached->Sign(message);
}

std::string SeqText(int64_t seq) { return "seq " + std::to_string(seq); }

}  // namespace

std::string JournalGenesisHash() { return std::string(kHashSize, '\0'); }

std::string JournalHashInput(std::string_view device_id, const JournalEntry& e) {
  const std::string type_at_version = e.type + '@' + std::to_string(e.type_version);
  std::string out;
  out.reserve(kHashTag.size() + 4 * 7 + 8 * 2 + e.prev_hash.size() + device_id.size() +
              type_at_version.size() + e.event_id.size() + e.occurred_at.size() +
              e.payload.size());
  out.append(kHashTag);
  AppendBytes(out, e.prev_hash);
  AppendBytes(out, device_id);
  AppendI64(out, e.epoch);
  AppendI64(out, e.seq);
  AppendBytes(out, type_at_version);
  AppendBytes(out, e.event_id);
  AppendBytes(out, e.occurred_at);
  AppendBytes(out, e.payload);
  return out;
}

std::string ComputeJournalHash(std::string_view device_id, const JournalEntry& e) {
  return Sha256(JournalHashInput(device_id, e));
}

Result<JournalEntry> AppendJournal(Database& db, const std::string& type, int type_version,
                                   const nlohmann::json& payload, const Clock& clock) {
  LINLI_RETURN_IF_ERROR(CheckType(type, type_version));
  if (!payload.is_object()) {
    return Status::InvalidArgument("journal payload for " + type + "@" +
                                   std::to_string(type_version) + " must be a JSON object, not " +
                                   payload.type_name());
  }
  Result<std::string> canonical = CanonicalJson(payload);
  if (!canonical.ok()) {
    return Status::InvalidArgument("journal payload for " + type + "@" +
                                   std::to_string(type_version) + ": " +
                                   canonical.status().message());
  }
  if (!db.InTransaction()) {
    return Status::FailedPrecondition(
        "AppendJournal was called outside a transaction; the journal event must be written in "
        "the same transaction as the " + type + " it records (a bug in the caller)");
  }

  JournalEntry e;
  std::string device_id, private_key;
  Status st = Guard([&]() -> Status {
    Statement& head = db.Cached(kSelectHeadAndDevice);
    ResetOnExit reset(head);
    if (!head.Step()) {
      return Status::FailedPrecondition(
          "this store database has no device key or journal head; run `linli init`");
    }
    e.seq = head.Int(0) + 1;
    e.prev_hash = head.Blob(1);
    device_id = head.Text(2);
    e.epoch = head.Int(3);
    private_key = head.Blob(4);
    return Status::Ok();
  });
  if (!st.ok()) return st;

  const int64_t now = clock.NowMs();
  e.event_id = NewUuidV7(now);
  e.type = type;
  e.type_version = type_version;
  e.occurred_at = FormatUtc(now);
  e.payload = std::move(canonical).value();
  e.hash = ComputeJournalHash(device_id, e);
  Result<std::string> sig = SignWithDeviceKey(private_key, e.hash);
  if (!sig.ok()) return sig.status();
  e.signature = std::move(sig).value();

  st = Guard([&]() -> Status {
    db.Cached(kInsertEntry)
        .Bind(1, e.seq)
        .Bind(2, e.event_id)
        .Bind(3, e.type)
        .Bind(4, e.type_version)
        .Bind(5, e.epoch)
        .Bind(6, e.occurred_at)
        .BindBlob(7, e.payload.data(), e.payload.size())
        .BindBlob(8, e.prev_hash.data(), e.prev_hash.size())
        .BindBlob(9, e.hash.data(), e.hash.size())
        .BindBlob(10, e.signature.data(), e.signature.size())
        .Run();
    db.Cached(kUpdateHead).Bind(1, e.seq).BindBlob(2, e.hash.data(), e.hash.size()).Run();
    if (db.Changes() != 1) {
      return Status::Corruption("the journal_head row is missing; restore the database from a backup");
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return e;
}

JournalVerifyReport VerifyJournal(Database& db) {
  JournalVerifyReport report;
  report.head_hash_hex = HexEncode(JournalGenesisHash());
  auto fail = [&report](int64_t seq, std::string reason) {
    report.ok = false;
    report.first_bad_seq = seq;
    report.reason = std::move(reason);
    return report;
  };
  try {
    ReadSnapshot snapshot(db);
    Statement dev = db.Prepare("SELECT device_id, public_key FROM device WHERE id = 1");
    if (!dev.Step()) return fail(0, "this store database has no device key; run `linli init`");
    const std::string device_id = dev.Text(0);
    auto public_key = Ed25519Key::Public(dev.Blob(1));
    if (!public_key.ok()) {
      return fail(0, "the device public key is not a valid Ed25519 key; restore the database from a backup");
    }

    // The hub's signed checkpoint the sync agent kept (sync_state), if any:
    // what the hub holds of this journal, which the journal must still reach.
    struct SignedHead {
      int64_t epoch = 0, seq = 0;
      std::string hash, at;
    };
    std::optional<SignedHead> hub;
    Statement cp = db.Prepare(
        "SELECT checkpoint_epoch, checkpoint_seq, checkpoint_hash, checkpoint_at FROM sync_state "
        "WHERE id = 1 AND checkpoint_hash IS NOT NULL AND checkpoint_seq > 0");
    if (cp.Step()) hub = SignedHead{cp.Int(0), cp.Int(1), cp.Blob(2), cp.Text(3)};
    std::optional<std::pair<int64_t, std::string>> row_at_hub;  // (epoch, hash) of our row at hub->seq

    Statement rows = db.Prepare(std::string(kSelectColumns) + " ORDER BY seq");
    std::unordered_map<std::string, int64_t> seen_event_ids;
    std::string prev_hash = JournalGenesisHash();
    int64_t prev_seq = 0;
    int64_t prev_epoch = std::numeric_limits<int64_t>::min();
    while (rows.Step()) {
      const JournalEntry e = EntryFromRow(rows, 0);
      const int64_t expected = prev_seq + 1;
      if (e.seq != expected) {
        return fail(expected, SeqText(expected) + " missing (gap after " +
                                  std::to_string(prev_seq) + ")");
      }
      if (e.prev_hash != prev_hash) {
        return fail(e.seq, e.seq == 1 ? "seq 1: prev_hash is not the genesis value (32 zero bytes)"
                                      : SeqText(e.seq) + ": prev_hash does not link to seq " +
                                            std::to_string(prev_seq));
      }
      if (e.type_version < 1 || ComputeJournalHash(device_id, e) != e.hash) {
        return fail(e.seq, SeqText(e.seq) + ": payload or fields changed (hash mismatch)");
      }
      if (!public_key->Verify(e.hash, e.signature)) {
        return fail(e.seq, SeqText(e.seq) + ": signature invalid");
      }
      auto [it, inserted] = seen_event_ids.emplace(e.event_id, e.seq);
      if (!inserted) {
        return fail(e.seq, SeqText(e.seq) + ": event_id " + e.event_id + " repeats seq " +
                               std::to_string(it->second));
      }
      if (e.epoch < prev_epoch) {
        return fail(e.seq, SeqText(e.seq) + ": epoch goes back from " +
                               std::to_string(prev_epoch) + " to " + std::to_string(e.epoch));
      }
      if (hub && e.seq == hub->seq) row_at_hub = {e.epoch, e.hash};
      prev_epoch = e.epoch;
      prev_seq = e.seq;
      prev_hash = e.hash;
      ++report.count;
      report.head_seq = e.seq;
      report.head_hash_hex = HexEncode(e.hash);
    }

    Statement head = db.Prepare("SELECT seq, hash FROM journal_head WHERE id = 1");
    if (!head.Step()) return fail(prev_seq + 1, "the journal_head checkpoint row is missing");
    const int64_t head_seq = head.Int(0);
    const std::string head_hash = head.Blob(1);
    if (head_seq > prev_seq) {
      return fail(prev_seq + 1, SeqText(prev_seq + 1) + " missing (the journal ends at seq " +
                                    std::to_string(prev_seq) + " but its head checkpoint is seq " +
                                    std::to_string(head_seq) + ")");
    }
    if (head_seq < prev_seq) {
      return fail(head_seq + 1, SeqText(head_seq + 1) +
                                    ": row beyond the head checkpoint (seq " +
                                    std::to_string(head_seq) + ") was added outside Linli");
    }
    if (head_hash != prev_hash) {
      return fail(prev_seq, SeqText(prev_seq) + ": does not match the head checkpoint's hash");
    }
    if (hub) {
      report.hub_checkpoint_seq = hub->seq;
      const std::string signed_text = "the hub signed event " + std::to_string(hub->seq) + " (epoch " +
                                      std::to_string(hub->epoch) + ", hash " + HexEncode(hub->hash).substr(0, 16) +
                                      ", at " + hub->at + ")";
      if (hub->seq > prev_seq) {
        return fail(prev_seq + 1, SeqText(prev_seq + 1) + " missing: " + signed_text + " but this journal ends at seq " +
                                      std::to_string(prev_seq) +
                                      "; events were deleted or this file is an older copy. The hub still holds them");
      }
      // Another epoch at that seq is a restore the till already took a new
      // epoch for; the same epoch with another hash is not this journal.
      if (row_at_hub && row_at_hub->first == hub->epoch && row_at_hub->second != hub->hash) {
        return fail(hub->seq, SeqText(hub->seq) + ": differs from the event " + signed_text +
                                  "; this file was copied back while another copy kept selling");
      }
    }
  } catch (const DbError& e) {
    return fail(0, "the journal could not be read: " + DbErrorToStatus(e).message());
  }
  report.ok = true;
  return report;
}

Result<JournalEntry> JournalHead(Database& db) {
  JournalEntry e;
  Status st = Guard([&]() -> Status {
    Statement& q = db.Cached(kSelectHeadRow);
    ResetOnExit reset(q);
    if (!q.Step()) {
      return Status::Corruption("the journal_head row is missing; restore the database from a backup");
    }
    const int64_t head_seq = q.Int(0);
    if (head_seq == 0) {
      e.hash = JournalGenesisHash();
    } else if (q.IsNull(1)) {
      return Status::Corruption("the journal head checkpoint names seq " +
                                std::to_string(head_seq) +
                                ", which is missing; run `linli journal verify`");
    } else {
      e = EntryFromRow(q, 1);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return e;
}

Result<std::vector<JournalEntry>> ReadJournal(Database& db, int64_t after_seq, int limit) {
  if (after_seq < 0) {
    return Status::InvalidArgument("after_seq is " + std::to_string(after_seq) +
                                   "; it must be 0 or more");
  }
  if (limit < 1) {
    return Status::InvalidArgument("limit is " + std::to_string(limit) + "; it must be 1 or more");
  }
  std::vector<JournalEntry> out;
  Status st = Guard([&] {
    Statement& q = db.Cached(kSelectAfter);
    ResetOnExit reset(q);
    q.Bind(1, after_seq).Bind(2, limit);
    while (q.Step()) out.push_back(EntryFromRow(q, 0));
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
