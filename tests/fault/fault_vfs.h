// Test hook: a SQLite VFS that can lose power and run out of disk.
//
// FaultVfs wraps the platform's default VFS ("unix") and is registered under
// kName only when a test calls TEST_Install(); production code never sees it
// (it is reached through OpenOptions::vfs, itself a test hook). It is the
// SQLite counterpart of LevelDB's FaultInjectionTestEnv
// (db/fault_injection_test.cc): every file SQLite opens for the main
// database, its WAL or a rollback journal is "tracked":
//
//   - Each xWrite and xTruncate reaches the real file and is also recorded as
//     pending. A successful xSync makes that file's pending operations
//     durable: the VFS keeps, per file, an in-memory image of the content a
//     power cut would leave (taken from disk when the file is first opened,
//     advanced at each completed sync).
//   - CutPower() (or CutPowerAfterOps(n), at the n-th write/sync/truncate)
//     makes every later write, sync, truncate and delete fail with an I/O
//     error: once the power is gone nothing more reaches the disk and no
//     commit can be acknowledged. The test then closes its connections and
//     calls RestoreDurableState(), which rewrites every tracked file to what
//     would have survived, deletes files that were created but never synced,
//     and deletes each database's -shm file (shared memory is not durable;
//     SQLite rebuilds it from the WAL). Reopening with the normal VFS then
//     shows exactly what the store would find after the power came back.
//   - FailFrom(op, k, code) makes the k-th call of one operation from now,
//     and every later call until ClearFailures(), fail with `code` without
//     touching the file: a disk that filled up (SQLITE_FULL) or went bad
//     (SQLITE_IOERR_WRITE / _FSYNC / _TRUNCATE) at one exact step.
//
// Deletes are treated as durable at once. Reads, locks, shared memory and
// everything else pass straight through. Temporary files are not tracked.
//
// Thread safety: all methods take an internal mutex; SQLite may call the VFS
// from any thread. There is one process-wide instance.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

struct sqlite3_vfs;
struct sqlite3_file;

namespace linli::testing {

class FaultVfs {
 public:
  static constexpr const char* kName = "linli-faulty";

  // Registers the VFS (once, not as the default) and returns the instance.
  static FaultVfs& TEST_Install();

  enum class Op { kWrite, kSync, kTruncate };

  // What happens to writes that no completed sync covered.
  enum class LossModel {
    kDropAllUnsynced,   // every unsynced write and truncate is lost
    kKeepRandomSubset,  // each survives on a coin toss, in order (a disk
                        // that wrote back some of its cache, out of order)
  };

  struct Counts {
    int64_t writes = 0, syncs = 0, truncates = 0;
    int64_t total() const { return writes + syncs + truncates; }
  };

  struct SurvivalReport {
    int files_restored = 0;        // tracked files rewritten
    int files_removed = 0;         // created but never synced: gone
    int64_t pending_dropped = 0;   // unsynced writes/truncates lost
    int64_t pending_kept = 0;      // unsynced writes/truncates that survived
  };

  // Forgets every tracked file and injected fault and turns the power back
  // on; files opened from now on start from their content on disk, which is
  // taken as durable (tests begin from a cleanly closed database).
  void Reset();

  // ---- Power loss.
  void CutPower();
  // Cuts the power at the n-th write, sync or truncate from now (that call
  // fails and does not reach the disk). n <= 0 disarms.
  void CutPowerAfterOps(int64_t n);
  bool power_cut() const;
  // Call after every connection using this VFS is closed. Rewrites the
  // tracked files as described above, forgets them and turns the power back
  // on. `rng` is used by kKeepRandomSubset only.
  SurvivalReport RestoreDurableState(LossModel model, std::mt19937_64& rng);

  // ---- Disk full and I/O errors.
  void FailFrom(Op op, int64_t k, int code);
  void ClearFailures();
  int64_t failures_injected() const;

  // Calls to tracked files since the last ResetCounts().
  Counts counts() const;
  void ResetCounts();

  // ---- Called by the sqlite3_file shims (fault_vfs.cc); not for tests.
  struct Pending {
    bool truncate = false;
    int64_t offset = 0;  // write offset, or the new size for a truncate
    std::string data;
  };
  struct Tracked {
    bool durable_exists = false;  // false: created and not yet synced
    std::string durable;          // content a power cut would leave
    std::vector<Pending> pending;
  };
  // Returns 0 to go ahead, else the error code the call must return.
  int BeforeOp(Op op);
  void OnOpen(const std::string& path);
  void OnWrite(const std::string& path, int64_t offset, const void* data, int n);
  void OnTruncate(const std::string& path, int64_t size);
  void OnSync(const std::string& path);
  int BeforeDelete();
  void OnDelete(const std::string& path);
  sqlite3_vfs* base() const { return base_; }

 private:
  FaultVfs();
  mutable std::mutex mu_;
  sqlite3_vfs* base_ = nullptr;
  std::map<std::string, Tracked> files_;
  bool power_cut_ = false;
  int64_t cut_countdown_ = 0;  // > 0: cut when it reaches zero
  struct Failure {
    bool armed = false;
    int64_t countdown = 0;
    int code = 0;
  };
  Failure failures_[3];
  int64_t failures_injected_ = 0;
  Counts counts_;
};

}  // namespace linli::testing
