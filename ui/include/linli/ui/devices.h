// The counter's devices behind small interfaces, so view-model tests use
// fakes (STYLE: every I/O dependency injected, with a fake beside it).
//
// The real printer wraps linli::Printer (drivers/printer.h) on its OWN
// Database connection: printing runs on the task thread while the UI thread
// keeps using the checkout's connection (SQLite WAL allows both).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "linli/drivers/image.h"
#include "linli/drivers/printer.h"
#include "linli/drivers/scale.h"
#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/sync/protocol.h"

namespace linli::ui {

// The receipt printer and its drawer. Called on the task thread, one call at
// a time.
class CounterPrinter {
 public:
  virtual ~CounterPrinter() = default;
  // After a sale, refund or void committed: drawer (if cash) then receipt.
  // `sale` is what the commit returned; it is not read back to print it.
  virtual SalePrintOutcome PrintSale(const CommittedSale& sale) = 0;
  virtual PrintOutcome PrintReceipt(const std::string& receipt_no, bool reprint) = 0;
  virtual PrintOutcome PrintReport(const std::string& text) = 0;
  virtual int columns() const = 0;       // 32 or 48
  virtual std::string describe() const = 0;  // "spool:/tmp/x (generic58)"
};

// Opens the printer at `uri` ("tcp://…", "file:/…", "spool:/…") with printer
// profile `profile` ("generic58"), on a new connection to the store at
// db_path. InvalidArgument/NotFound for a bad URI or profile.
Result<std::unique_ptr<CounterPrinter>> OpenCounterPrinter(const std::string& db_path,
                                                           const std::string& uri,
                                                           const std::string& profile,
                                                           const Clock& clock);

// A printer that records what it was asked to do (tests, replay without a
// printer). Thread-safe.
class FakeCounterPrinter final : public CounterPrinter {
 public:
  SalePrintOutcome PrintSale(const CommittedSale& sale) override;
  PrintOutcome PrintReceipt(const std::string& receipt_no, bool reprint) override;
  PrintOutcome PrintReport(const std::string& text) override;
  int columns() const override { return 32; }
  std::string describe() const override { return "fake"; }

  std::vector<std::string> sales() const;
  std::vector<std::string> reports() const;
  int drawer_kicks() const;
  Status fail_with;  // not OK: every job fails with it

 private:
  mutable std::mutex mu_;
  std::vector<std::string> sales_, receipts_, reports_;
  int kicks_ = 0;
};

// The receipt as the printer would print it: BuildReceipt, the ESC/POS
// encoder for `profile`, then the virtual printer (escpos_render.h). What the
// preview shows is the rendering of the very bytes sent to paper.
Result<GrayImage> RenderReceiptPreview(Database& db, const std::string& receipt_no,
                                       const std::string& profile, bool reprint);

// Where the till stands with the hub, for the status bar.
struct SyncSummary {
  enum class State { kNotEnrolled, kSynced, kPending, kOffline, kError, kUpdateRequired };
  State state = State::kNotEnrolled;
  int64_t pending = 0;           // events the hub has not acknowledged
  int64_t oldest_age_ms = -1;    // age of the oldest of them
  int64_t offline_since_ms = 0;  // unix ms of the last success, when offline (0: never synced)
  std::string error;             // plain words from the agent (the hub's message for kUpdateRequired)
};

class SyncStatusSource {
 public:
  virtual ~SyncStatusSource() = default;
  virtual SyncSummary Read() = 0;  // UI thread; must be fast
};

// Registers this till with the hub (`linli enroll` from the Settings screen).
// Runs on a background thread; may take seconds (network).
class HubEnroller {
 public:
  virtual ~HubEnroller() = default;
  // ca_path: the hub's CA certificate (PEM) to pin; empty for a loopback
  // http:// hub. The message of a non-OK Status is for the owner.
  virtual Status Enroll(const std::string& hub_url, const std::string& token, const std::string& ca_path) = 0;
};

// Checks a receipt's QR text with the hub (GET /v1/verify, PROTOCOL.md
// §9.1): the refund screen asks when a receipt's QR is scanned. Runs on a
// background thread, one call at a time; may take seconds (network).
class ReceiptChecker {
 public:
  virtual ~ReceiptChecker() = default;
  // The hub's verdict. InvalidArgument when the hub refused the text;
  // FailedPrecondition when the till is not enrolled with a hub; any other
  // error when the hub could not be asked (offline, rate-limited, …).
  virtual Result<sync::ReceiptVerdict> Check(const std::string& qr_text) = 0;
};

// A checker that answers what the test tells it, and records what it was
// asked. Thread-safe.
class FakeReceiptChecker final : public ReceiptChecker {
 public:
  Result<sync::ReceiptVerdict> Check(const std::string& qr_text) override {
    std::lock_guard lock(mu_);
    asked_.push_back(qr_text);
    return answer;
  }
  std::vector<std::string> asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }
  Result<sync::ReceiptVerdict> answer = Status::Unavailable("cannot reach the hub (fake)");

 private:
  mutable std::mutex mu_;
  std::vector<std::string> asked_;
};

// Always "not enrolled" (tests; the counter uses AgentSyncStatus, sync_status.h).
class NoSync final : public SyncStatusSource {
 public:
  SyncSummary Read() override { return {}; }
};

}  // namespace linli::ui
