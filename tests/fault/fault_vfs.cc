#include "fault_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace linli::testing {
namespace {

// The sqlite3_file SQLite allocates for us (szOsFile bytes): our header, then
// the wrapped VFS's own file object. SQLite does not construct it, so the
// header holds only trivially constructible members.
struct FaultFile {
  sqlite3_file base;   // must be first
  FaultVfs* vfs;
  std::string* path;   // tracked path, or null for untracked (temp) files
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(FaultFile) % 8 == 0, "the wrapped file must stay 8-byte aligned");

FaultFile* F(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
FaultVfs* V(sqlite3_vfs* v) { return static_cast<FaultVfs*>(v->pAppData); }
sqlite3_vfs* Base(sqlite3_vfs* v) { return V(v)->base(); }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("FaultVfs: cannot rewrite " + path);
}

void Apply(std::string& image, const FaultVfs::Pending& p) {
  if (p.truncate) {
    image.resize(static_cast<size_t>(p.offset));
    return;
  }
  const size_t end = static_cast<size_t>(p.offset) + p.data.size();
  if (image.size() < end) image.resize(end, '\0');
  std::memcpy(image.data() + p.offset, p.data.data(), p.data.size());
}

// ---- sqlite3_io_methods: the tracked operations consult the FaultVfs first.

int FClose(sqlite3_file* f) {
  FaultFile* ff = F(f);
  int rc = ff->real()->pMethods ? ff->real()->pMethods->xClose(ff->real()) : SQLITE_OK;
  delete ff->path;
  ff->path = nullptr;
  return rc;
}

int FRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return F(f)->real()->pMethods->xRead(F(f)->real(), buf, n, off);
}

int FWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  FaultFile* ff = F(f);
  if (ff->path) {
    if (int rc = ff->vfs->BeforeOp(FaultVfs::Op::kWrite)) return rc;
  }
  int rc = ff->real()->pMethods->xWrite(ff->real(), buf, n, off);
  if (rc == SQLITE_OK && ff->path) ff->vfs->OnWrite(*ff->path, off, buf, n);
  return rc;
}

int FTruncate(sqlite3_file* f, sqlite3_int64 size) {
  FaultFile* ff = F(f);
  if (ff->path) {
    if (int rc = ff->vfs->BeforeOp(FaultVfs::Op::kTruncate)) return rc;
  }
  int rc = ff->real()->pMethods->xTruncate(ff->real(), size);
  if (rc == SQLITE_OK && ff->path) ff->vfs->OnTruncate(*ff->path, size);
  return rc;
}

int FSync(sqlite3_file* f, int flags) {
  FaultFile* ff = F(f);
  if (ff->path) {
    if (int rc = ff->vfs->BeforeOp(FaultVfs::Op::kSync)) return rc;
  }
  int rc = ff->real()->pMethods->xSync(ff->real(), flags);
  if (rc == SQLITE_OK && ff->path) ff->vfs->OnSync(*ff->path);
  return rc;
}

int FFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return F(f)->real()->pMethods->xFileSize(F(f)->real(), size);
}
int FLock(sqlite3_file* f, int lock) { return F(f)->real()->pMethods->xLock(F(f)->real(), lock); }
int FUnlock(sqlite3_file* f, int lock) { return F(f)->real()->pMethods->xUnlock(F(f)->real(), lock); }
int FCheckReservedLock(sqlite3_file* f, int* out) {
  return F(f)->real()->pMethods->xCheckReservedLock(F(f)->real(), out);
}
int FFileControl(sqlite3_file* f, int op, void* arg) {
  return F(f)->real()->pMethods->xFileControl(F(f)->real(), op, arg);
}
int FSectorSize(sqlite3_file* f) { return F(f)->real()->pMethods->xSectorSize(F(f)->real()); }
int FDeviceCharacteristics(sqlite3_file* f) {
  return F(f)->real()->pMethods->xDeviceCharacteristics(F(f)->real());
}
int FShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return F(f)->real()->pMethods->xShmMap(F(f)->real(), region, size, extend, out);
}
int FShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return F(f)->real()->pMethods->xShmLock(F(f)->real(), offset, n, flags);
}
void FShmBarrier(sqlite3_file* f) { F(f)->real()->pMethods->xShmBarrier(F(f)->real()); }
int FShmUnmap(sqlite3_file* f, int delete_flag) {
  return F(f)->real()->pMethods->xShmUnmap(F(f)->real(), delete_flag);
}
int FFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return F(f)->real()->pMethods->xFetch(F(f)->real(), off, n, out);
}
int FUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return F(f)->real()->pMethods->xUnfetch(F(f)->real(), off, p);
}

const sqlite3_io_methods kIoMethods = {
    3,        FClose,      FRead,       FWrite,     FTruncate,   FSync,
    FFileSize, FLock,      FUnlock,     FCheckReservedLock,      FFileControl,
    FSectorSize, FDeviceCharacteristics, FShmMap,    FShmLock,    FShmBarrier,
    FShmUnmap, FFetch,     FUnfetch,
};

// ---- sqlite3_vfs.

int VOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  FaultFile* ff = F(f);
  ff->base.pMethods = nullptr;
  ff->vfs = V(vfs);
  ff->path = nullptr;
  const bool tracked =
      name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  if (tracked) ff->vfs->OnOpen(name);  // before the open may create the file
  int rc = Base(vfs)->xOpen(Base(vfs), name, ff->real(), flags, out_flags);
  if (rc != SQLITE_OK) {
    // The wrapped file may still need closing (its pMethods is set then).
    if (ff->real()->pMethods) ff->real()->pMethods->xClose(ff->real());
    ff->real()->pMethods = nullptr;
    return rc;
  }
  if (tracked) ff->path = new std::string(name);
  ff->base.pMethods = &kIoMethods;
  return SQLITE_OK;
}

int VDelete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  if (int rc = V(vfs)->BeforeDelete()) return rc;
  int rc = Base(vfs)->xDelete(Base(vfs), name, sync_dir);
  if (rc == SQLITE_OK || rc == SQLITE_IOERR_DELETE_NOENT) V(vfs)->OnDelete(name);
  return rc;
}

int VAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int VFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return Base(vfs)->xFullPathname(Base(vfs), name, n, out);
}
void* VDlOpen(sqlite3_vfs* vfs, const char* name) { return Base(vfs)->xDlOpen(Base(vfs), name); }
void VDlError(sqlite3_vfs* vfs, int n, char* msg) { Base(vfs)->xDlError(Base(vfs), n, msg); }
void (*VDlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) {
  return Base(vfs)->xDlSym(Base(vfs), h, sym);
}
void VDlClose(sqlite3_vfs* vfs, void* h) { Base(vfs)->xDlClose(Base(vfs), h); }
int VRandomness(sqlite3_vfs* vfs, int n, char* out) { return Base(vfs)->xRandomness(Base(vfs), n, out); }
int VSleep(sqlite3_vfs* vfs, int us) { return Base(vfs)->xSleep(Base(vfs), us); }
int VCurrentTime(sqlite3_vfs* vfs, double* out) { return Base(vfs)->xCurrentTime(Base(vfs), out); }
int VGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return Base(vfs)->xGetLastError(Base(vfs), n, out);
}
int VCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Base(vfs)->xCurrentTimeInt64(Base(vfs), out);
}
int VSetSystemCall(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr p) {
  return Base(vfs)->xSetSystemCall(Base(vfs), name, p);
}
sqlite3_syscall_ptr VGetSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xGetSystemCall(Base(vfs), name);
}
const char* VNextSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xNextSystemCall(Base(vfs), name);
}

bool EndsWith(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

FaultVfs::FaultVfs() {
  base_ = sqlite3_vfs_find(nullptr);
  if (!base_ || base_->iVersion < 3) throw std::runtime_error("FaultVfs: no suitable default VFS");
}

FaultVfs& FaultVfs::TEST_Install() {
  static FaultVfs* instance = [] {
    auto* v = new FaultVfs();  // lives for the process: SQLite keeps a pointer
    auto* vfs = new sqlite3_vfs{};
    vfs->iVersion = 3;
    vfs->szOsFile = static_cast<int>(sizeof(FaultFile)) + v->base_->szOsFile;
    vfs->mxPathname = v->base_->mxPathname;
    vfs->zName = kName;
    vfs->pAppData = v;
    vfs->xOpen = VOpen;
    vfs->xDelete = VDelete;
    vfs->xAccess = VAccess;
    vfs->xFullPathname = VFullPathname;
    vfs->xDlOpen = VDlOpen;
    vfs->xDlError = VDlError;
    vfs->xDlSym = VDlSym;
    vfs->xDlClose = VDlClose;
    vfs->xRandomness = VRandomness;
    vfs->xSleep = VSleep;
    vfs->xCurrentTime = VCurrentTime;
    vfs->xGetLastError = VGetLastError;
    vfs->xCurrentTimeInt64 = VCurrentTimeInt64;
    vfs->xSetSystemCall = VSetSystemCall;
    vfs->xGetSystemCall = VGetSystemCall;
    vfs->xNextSystemCall = VNextSystemCall;
    if (sqlite3_vfs_register(vfs, /*makeDflt=*/0) != SQLITE_OK) {
      throw std::runtime_error("FaultVfs: sqlite3_vfs_register failed");
    }
    return v;
  }();
  return *instance;
}

void FaultVfs::Reset() {
  std::lock_guard<std::mutex> l(mu_);
  files_.clear();
  power_cut_ = false;
  cut_countdown_ = 0;
  for (Failure& f : failures_) f = Failure{};
  failures_injected_ = 0;
  counts_ = Counts{};
}

void FaultVfs::CutPower() {
  std::lock_guard<std::mutex> l(mu_);
  power_cut_ = true;
}

void FaultVfs::CutPowerAfterOps(int64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  cut_countdown_ = n > 0 ? n : 0;
}

bool FaultVfs::power_cut() const {
  std::lock_guard<std::mutex> l(mu_);
  return power_cut_;
}

FaultVfs::SurvivalReport FaultVfs::RestoreDurableState(LossModel model, std::mt19937_64& rng) {
  std::lock_guard<std::mutex> l(mu_);
  SurvivalReport report;
  std::bernoulli_distribution coin(0.5);
  for (auto& [path, t] : files_) {
    std::string image = t.durable;
    for (const Pending& p : t.pending) {
      if (model == LossModel::kKeepRandomSubset && coin(rng)) {
        Apply(image, p);
        ++report.pending_kept;
      } else {
        ++report.pending_dropped;
      }
    }
    // A file nothing was ever synced to is lost with its directory entry,
    // unless some of its unsynced writes happened to reach the disk.
    const bool exists = t.durable_exists || (model == LossModel::kKeepRandomSubset && !image.empty());
    std::error_code ec;
    if (!exists) {
      std::filesystem::remove(path, ec);
      ++report.files_removed;
    } else {
      WriteAll(path, image);
      ++report.files_restored;
    }
    if (!EndsWith(path, "-wal") && !EndsWith(path, "-journal")) {
      std::filesystem::remove(path + "-shm", ec);  // shared memory never survives
    }
  }
  files_.clear();
  power_cut_ = false;
  cut_countdown_ = 0;
  return report;
}

void FaultVfs::FailFrom(Op op, int64_t k, int code) {
  std::lock_guard<std::mutex> l(mu_);
  failures_[static_cast<int>(op)] = Failure{true, k < 1 ? 1 : k, code};
}

void FaultVfs::ClearFailures() {
  std::lock_guard<std::mutex> l(mu_);
  for (Failure& f : failures_) f = Failure{};
}

int64_t FaultVfs::failures_injected() const {
  std::lock_guard<std::mutex> l(mu_);
  return failures_injected_;
}

FaultVfs::Counts FaultVfs::counts() const {
  std::lock_guard<std::mutex> l(mu_);
  return counts_;
}

void FaultVfs::ResetCounts() {
  std::lock_guard<std::mutex> l(mu_);
  counts_ = Counts{};
}

int FaultVfs::BeforeOp(Op op) {
  std::lock_guard<std::mutex> l(mu_);
  static constexpr int kDeadCodes[] = {SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE};
  const int i = static_cast<int>(op);
  if (power_cut_) return kDeadCodes[i];
  switch (op) {
    case Op::kWrite: ++counts_.writes; break;
    case Op::kSync: ++counts_.syncs; break;
    case Op::kTruncate: ++counts_.truncates; break;
  }
  if (cut_countdown_ > 0 && --cut_countdown_ == 0) {
    power_cut_ = true;
    return kDeadCodes[i];
  }
  Failure& f = failures_[i];
  if (f.armed) {
    if (f.countdown > 1) {
      --f.countdown;
    } else {
      ++failures_injected_;
      return f.code;
    }
  }
  return 0;
}

void FaultVfs::OnOpen(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  if (files_.count(path)) return;
  Tracked t;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    t.durable_exists = true;
    t.durable = ReadAll(path);
  }
  files_.emplace(path, std::move(t));
}

void FaultVfs::OnWrite(const std::string& path, int64_t offset, const void* data, int n) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  it->second.pending.push_back(Pending{false, offset, std::string(static_cast<const char*>(data), n)});
}

void FaultVfs::OnTruncate(const std::string& path, int64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  it->second.pending.push_back(Pending{true, size, {}});
}

void FaultVfs::OnSync(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  Tracked& t = it->second;
  for (const Pending& p : t.pending) Apply(t.durable, p);
  t.pending.clear();
  t.durable_exists = true;
}

int FaultVfs::BeforeDelete() {
  std::lock_guard<std::mutex> l(mu_);
  return power_cut_ ? SQLITE_IOERR_DELETE : 0;
}

void FaultVfs::OnDelete(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  files_.erase(path);
}

}  // namespace linli::testing
