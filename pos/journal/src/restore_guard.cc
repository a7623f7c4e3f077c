// Restore detection (the head sidecar), backup and restore; see
// restore_guard.h for the design and what it does not catch.
#include "linli/pos/restore_guard.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/crypto.h"

namespace linli {
namespace {

constexpr size_t kRecordSize = 256;
constexpr const char* kTag = "linli-head-v1";
constexpr const char* kSelectMark =
    "SELECT d.device_id, d.epoch, h.seq, h.hash FROM device d, journal_head h WHERE d.id = 1 AND h.id = 1";

// The mark from kSelectMark's statement; nullopt when there is no row.
std::optional<JournalHeadMark> MarkFrom(Statement& q) {
  q.Reset();
  std::optional<JournalHeadMark> m;
  if (q.Step()) m = JournalHeadMark{q.Text(0), q.Int(1), q.Int(2), q.Blob(3)};
  q.Reset();
  return m;
}

// The current mark, through the connection's statement cache (finalized by
// ~Database before it closes). Nullopt when the file is not a Linli store.
std::optional<JournalHeadMark> ReadMark(Database& db) {
  try {
    return MarkFrom(db.Cached(kSelectMark));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Record(const JournalHeadMark& m) {
  std::string body = std::string(kTag) + " " + m.device_id + " " + std::to_string(m.epoch) + " " +
                     std::to_string(m.seq) + " " + HexEncode(m.hash);
  std::string line = body + " " + HexEncode(Sha256(body)).substr(0, 16);
  if (line.size() >= kRecordSize) return "";
  line.resize(kRecordSize - 1, ' ');
  line += '\n';
  return line;
}

bool WriteRecord(int fd, const JournalHeadMark& m) {
  const std::string rec = Record(m);
  if (rec.empty()) return false;
  return pwrite(fd, rec.data(), rec.size(), 0) == static_cast<ssize_t>(rec.size());
}

// State of the commit hook on one connection; owned by the hook, which the
// connection keeps for its life.
struct HookState {
  std::string path;
  // kSelectMark from the connection's statement cache: prepared once, and
  // finalized by ~Database before it closes the connection.
  Statement* mark = nullptr;
  int fd = -1;
  int64_t epoch = -1, seq = -1;
  HookState() = default;
  HookState(const HookState&) = delete;
  HookState& operator=(const HookState&) = delete;
  ~HookState() {
    if (fd >= 0) close(fd);
  }
};

// After every commit on the connection: rewrites the sidecar when the head
// moved.
void OnCommit(HookState& s) {
  std::optional<JournalHeadMark> m;
  try {
    m = MarkFrom(*s.mark);
  } catch (...) {
    return;  // never throw through SQLite; the next commit tries again
  }
  if (!m || (m->seq == s.seq && m->epoch == s.epoch)) return;
  if (s.fd < 0) s.fd = open(HeadSidecarPath(s.path).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (s.fd >= 0 && WriteRecord(s.fd, *m)) {
    s.seq = m->seq;
    s.epoch = m->epoch;
  }
}

Status InstallHook(Database& db, const JournalHeadMark& now) {
  Statement* mark = nullptr;
  try {
    mark = &db.Cached(kSelectMark);
  } catch (const std::exception& e) {
    return Status::IoError("could not install the journal head guard on " + db.path() + ": " + e.what());
  }
  auto state = std::make_shared<HookState>();
  state->path = db.path();
  state->mark = mark;
  state->epoch = now.epoch;
  state->seq = now.seq;
  // A second install on the same connection replaces (and frees) the first.
  db.SetCommitHook([state] { OnCommit(*state); });
  return Status::Ok();
}

}  // namespace

std::optional<std::string> ThisHostId() {
  std::string id;
  if (const char* env = std::getenv("LINLI_HOST_ID"); env && *env) {
    id = env;
  } else {
    for (const char* path : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
      std::ifstream in(path);
      if (in && std::getline(in, id) && !id.empty()) break;
      id.clear();
    }
  }
  if (id.empty()) return std::nullopt;
  // Not the machine id itself (systemd asks that it not be exposed): a hash.
  return HexEncode(Sha256("linli/host/v1 " + id)).substr(0, 16);
}

Status TakeEpoch(Database& db, int64_t new_epoch, const std::vector<EpochNote>& notes) {
  return Guard([&] {
    Transaction tx(db);
    db.Cached("UPDATE device SET epoch = ? WHERE id = 1").Bind(1, new_epoch).Run();
    for (const EpochNote& n : notes) {
      db.Cached("INSERT INTO store_config (key, value) VALUES (?1, ?2) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
          .Bind(1, n.key)
          .Bind(2, n.value)
          .Run();
    }
    tx.Commit();
  });
}

std::string HeadSidecarPath(const std::string& db_path) { return db_path + ".head"; }

std::optional<JournalHeadMark> ReadHeadSidecar(const std::string& db_path) {
  const int fd = open(HeadSidecarPath(db_path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string buf(kRecordSize, '\0');
  const ssize_t n = pread(fd, buf.data(), buf.size(), 0);
  close(fd);
  if (n != static_cast<ssize_t>(kRecordSize) || buf.back() != '\n') return std::nullopt;
  std::istringstream in(buf);
  std::vector<std::string> f;
  std::string tok;
  while (f.size() < 7 && in >> tok) f.push_back(tok);
  if (f.size() != 6 || f[0] != kTag) return std::nullopt;
  const std::string body = f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " " + f[4];
  if (HexEncode(Sha256(body)).substr(0, 16) != f[5]) return std::nullopt;  // torn or edited
  JournalHeadMark m;
  m.device_id = f[1];
  try {
    m.epoch = std::stoll(f[2]);
    m.seq = std::stoll(f[3]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto hash = HexDecode(f[4]);
  if (!hash.ok() || hash->size() != 32) return std::nullopt;
  m.hash = *hash;
  return m;
}

Status WriteHeadSidecar(const std::string& db_path, const JournalHeadMark& mark) {
  const int fd = open(HeadSidecarPath(db_path).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot write " + HeadSidecarPath(db_path));
  const bool ok = WriteRecord(fd, mark);
  close(fd);
  return ok ? Status::Ok() : Status::IoError("cannot write " + HeadSidecarPath(db_path));
}

Status GuardAgainstRestore(Database& db, const Clock& clock, bool* restored) {
  if (restored) *restored = false;
  auto now = ReadMark(db);
  if (!now) return Status::Ok();  // no device yet (not initialised): nothing to guard
  const auto mark = ReadHeadSidecar(db.path());
  if (mark && mark->device_id == now->device_id) {
    const bool behind = mark->seq > now->seq || mark->epoch > now->epoch;
    if (behind) {
      const int64_t new_epoch = std::max(now->epoch, mark->epoch) + 1;
      nlohmann::json note = {{"sidecar_epoch", mark->epoch}, {"sidecar_seq", mark->seq},
                             {"db_epoch", now->epoch},       {"db_seq", now->seq},
                             {"new_epoch", new_epoch}};
      LINLI_RETURN_IF_ERROR(TakeEpoch(
          db, new_epoch, {{"restore_detected_at", FormatUtc(clock.NowMs())}, {"restore_detected", note.dump()}}));
      now->epoch = new_epoch;
      if (restored) *restored = true;
    }
  }
  // The hub's signed checkpoint kept in this file (sync_state) names a head
  // the journal no longer reaches: events were deleted (or the journal cut
  // back by hand). New events must not take those seqs in this epoch.
  std::optional<std::pair<int64_t, int64_t>> signed_head;  // (epoch, seq)
  LINLI_RETURN_IF_ERROR(Guard([&] {
    Statement q = db.Prepare(
        "SELECT checkpoint_epoch, checkpoint_seq FROM sync_state WHERE id = 1 AND checkpoint_hash IS NOT NULL");
    if (q.Step()) signed_head = {q.Int(0), q.Int(1)};
  }));
  // (A file that took a newer epoch since that checkpoint is already safe.)
  if (signed_head && (signed_head->first > now->epoch ||
                      (signed_head->first == now->epoch && signed_head->second > now->seq))) {
    const int64_t new_epoch = std::max(now->epoch, signed_head->first) + 1;
    nlohmann::json note = {{"checkpoint_epoch", signed_head->first}, {"checkpoint_seq", signed_head->second},
                           {"db_epoch", now->epoch},
                           {"db_seq", now->seq},
                           {"new_epoch", new_epoch}};
    LINLI_RETURN_IF_ERROR(TakeEpoch(
        db, new_epoch, {{"restore_detected_at", FormatUtc(clock.NowMs())}, {"restore_detected", note.dump()}}));
    now->epoch = new_epoch;
    if (restored) *restored = true;
  }
  // A file that moved to another machine: a copy put on a new till, with or
  // without its sidecar, may sell at seqs the old till also used. The host
  // it last opened on is kept in the file; another host takes a new epoch.
  if (const std::optional<std::string> host = ThisHostId()) {
    std::optional<std::string> kept;
    LINLI_RETURN_IF_ERROR(Guard([&] {
      Statement q = db.Prepare("SELECT value FROM store_config WHERE key = 'host_id'");
      if (q.Step()) kept = q.Text(0);
    }));
    if (kept && *kept != *host) {
      const int64_t new_epoch = now->epoch + 1;
      nlohmann::json note = {{"moved_from_host", *kept}, {"host", *host}, {"db_epoch", now->epoch},
                             {"db_seq", now->seq},       {"new_epoch", new_epoch}};
      LINLI_RETURN_IF_ERROR(TakeEpoch(db, new_epoch,
                                      {{"restore_detected_at", FormatUtc(clock.NowMs())},
                                       {"restore_detected", note.dump()},
                                       {"host_id", *host}}));
      now->epoch = new_epoch;
      if (restored) *restored = true;
    } else if (!kept) {
      LINLI_RETURN_IF_ERROR(Guard([&] {
        db.Prepare("INSERT INTO store_config (key, value) VALUES ('host_id', ?)").Bind(1, *host).Run();
      }));
    }
  }
  // Rewrite unconditionally: a sidecar from another device (a file moved
  // here) or a torn one is replaced by this file's head.
  (void)WriteHeadSidecar(db.path(), *now);
  return InstallHook(db, *now);
}

Status BackupStore(const std::string& db_path, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return Status::NotFound("store database " + db_path + " does not exist");
  if (std::filesystem::exists(to, ec)) {
    return Status::AlreadyExists(to + " already exists; Linli will not overwrite it. Choose another name");
  }
  OpenOptions ro;
  ro.read_only = true;
  auto src = Database::Open(db_path, ro);
  if (!src.ok()) return src.status();
  Status st = CopyDatabaseToFile(**src, to, db_path + " to " + to);
  if (!st.ok()) std::filesystem::remove(to, ec);
  return st;
}

Result<RestoreReport> RestoreStore(const std::string& db_path, const std::string& from, const Clock& clock) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return Status::NotFound("backup " + from + " does not exist");
  RestoreReport report;
  OpenOptions ro;
  ro.read_only = true;
  auto src = Database::Open(from, ro);
  if (!src.ok()) return src.status();
  auto backup_mark = ReadMark(**src);
  if (!backup_mark) return Status::InvalidArgument(from + " is not a Linli store database (no device, no journal)");
  report.backup_epoch = backup_mark->epoch;
  report.head_seq = backup_mark->seq;
  int64_t floor_epoch = backup_mark->epoch;
  if (std::filesystem::exists(db_path, ec)) {
    auto live = Database::Open(db_path, ro);
    if (live.ok()) {
      if (auto m = ReadMark(**live)) {
        if (m->device_id != backup_mark->device_id) {
          return Status::InvalidArgument(from + " is a backup of another till (device " + backup_mark->device_id +
                                         ") than " + db_path + " (device " + m->device_id +
                                         "); move the live file away first if you mean it");
        }
        report.old_epoch = m->epoch;
        floor_epoch = std::max(floor_epoch, m->epoch);
      }
    }
  }
  if (auto side = ReadHeadSidecar(db_path); side && side->device_id == backup_mark->device_id) {
    floor_epoch = std::max(floor_epoch, side->epoch);
  }
  report.new_epoch = floor_epoch + 1;

  OpenOptions rw;
  rw.create = true;
  auto dst = Database::Open(db_path, rw);
  if (!dst.ok()) return dst.status();
  LINLI_RETURN_IF_ERROR(CopyDatabase(**src, **dst, from + " into " + db_path));
  src->reset();
  LINLI_RETURN_IF_ERROR(
      TakeEpoch(**dst, report.new_epoch, {{"restored_at", FormatUtc(clock.NowMs())}, {"restored_from", from}}));
  auto mark = ReadMark(**dst);
  if (mark) LINLI_RETURN_IF_ERROR(WriteHeadSidecar(db_path, *mark));
  return report;
}

}  // namespace linli
