// Restores and backups of the store database, and the guard that notices a
// restore nobody announced (DESIGN §6: "the epoch changes when a database is
// restored"; sync/protocol/PROTOCOL.md §6.4).
//
// Why: the journal's (epoch, seq) must never be reused with another hash. A
// database restored from an old backup has an older journal head; if it
// appended at the old epoch, its new events would take seqs the hub already
// holds (with other hashes) and the hub would call that a fork. Taking a new
// epoch first makes those events a new branch the hub accepts.
//
// Two ways in:
//   1. `linli restore --db FILE --from BACKUP` (RestoreStore): copies the
//      backup in with SQLite's online backup API and bumps the epoch in the
//      same command, whatever else is known.
//   2. A file copied back by hand (or by a backup tool): the head sidecar.
//      Beside each store database `FILE` sits `FILE.head`, one fixed-size
//      line "device epoch seq hash" naming the newest journal head this file
//      is known to have had. It is rewritten after every commit that moves
//      the head (an SQLite WAL hook, so every commit site is covered without
//      touching them, Database::SetCommitHook; not fsync'd: it is a hint, the database is the truth).
//      At OpenStore, a sidecar AHEAD of the database's head (same device,
//      higher seq, or a higher epoch) means the file went back in time: the
//      epoch is bumped to max(db epoch, sidecar epoch) + 1 before anything
//      can be appended, and the event is noted in store_config
//      ("restore_detected_at", "restore_detected").
//      The hook replaces SQLite's auto-checkpoint hook and does its work too
//      (a checkpoint at 1,000 WAL frames); a later `PRAGMA wal_autocheckpoint`
//      on the connection replaces the hook in turn, and the sidecar then
//      stops following that connection's commits (a missed detection, below).
//   3. A file moved to another machine (a copy put on a new till, with or
//      without its sidecar): store_config "host_id" names the host the file
//      was last opened on, a hash of /etc/machine-id (or of LINLI_HOST_ID
//      when set, for containers without one and for tests). Opened on
//      another host, the file takes a new epoch first, noted as above with
//      "moved_from_host".
//
// What the sidecar cannot catch, and why it is still safe: a sidecar that
// lags (a power cut between the commit and the sidecar write, two processes
// racing) only misses a detection; the agent then still notices at its next
// sync when the hub holds more of this chain than the file (agent.cc), and
// a missed case ends as a refused fork at the hub — quarantined and alarmed,
// never silently lost, since the events stay in the store's journal. A
// spurious bump is harmless: a new epoch simply continues from the local
// head (§6.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

// The content of a head sidecar.
struct JournalHeadMark {
  std::string device_id;
  int64_t epoch = 0;
  int64_t seq = 0;
  std::string hash;  // 32 raw bytes
};

// One row of store_config written beside an epoch change, saying why.
struct EpochNote {
  std::string key;
  std::string value;
};

// The one way the device takes a new epoch: sets device.epoch to `new_epoch`
// and upserts each of `notes` into store_config, in one transaction of its
// own (so not inside the caller's). Used by GuardAgainstRestore and
// RestoreStore below and by the sync agent when the hub holds more of this
// chain than the file (sync/agent/src/agent.cc). The caller chooses
// `new_epoch` above every epoch the device is known to have used.
Status TakeEpoch(Database& db, int64_t new_epoch, const std::vector<EpochNote>& notes = {});

// This machine's identity for the guard (3. above): 16 hex characters of a
// hash of LINLI_HOST_ID or /etc/machine-id; nullopt when neither exists (the
// move check is then skipped).
std::optional<std::string> ThisHostId();

// "FILE.head" for the database at FILE.
std::string HeadSidecarPath(const std::string& db_path);

// Reads the sidecar; nullopt when missing, torn or malformed.
std::optional<JournalHeadMark> ReadHeadSidecar(const std::string& db_path);

// Writes the sidecar (one pwrite of a fixed-size record; no fsync).
Status WriteHeadSidecar(const std::string& db_path, const JournalHeadMark& mark);

// Called by OpenStore on a writable connection: compares the sidecar with the
// database, bumps the epoch when the file was restored (see above), rewrites
// the sidecar, and installs the WAL hook that keeps it current after each
// commit on this connection. `*restored` (may be null) says whether the
// epoch was bumped.
Status GuardAgainstRestore(Database& db, const Clock& clock, bool* restored = nullptr);

// Copies the live store database at `db_path` to `to` (which must not exist)
// with SQLite's online backup API: consistent even while tills sell.
Status BackupStore(const std::string& db_path, const std::string& to);

// What RestoreStore did.
struct RestoreReport {
  int64_t old_epoch = 0;    // the live file's epoch before (0 when there was none)
  int64_t backup_epoch = 0; // the backup's
  int64_t new_epoch = 0;    // taken now
  int64_t head_seq = 0;     // the restored journal head; new events follow it
};

// Replaces the store database at `db_path` with `from` (a store database, for
// example made by BackupStore) using SQLite's online backup API, then, in
// the same call, takes a new epoch above every epoch this till is known to
// have used (the live file's, the sidecar's and the backup's) and rewrites
// the sidecar. InvalidArgument when `from` is not a Linli store or belongs to
// another device than the live file.
Result<RestoreReport> RestoreStore(const std::string& db_path, const std::string& from, const Clock& clock);

}  // namespace linli
