// The receipt printer and the cash drawer behind it (DESIGN §5, §8).
//
// Three parts:
//
//  * Printer profiles (the struct is in escpos.h): FindProfile("generic58"),
//    FindProfile("generic80").
//  * Transports: how job bytes reach the printer. PrinterTransport is the
//    injected interface; TcpTransport (raw port 9100), FileTransport (a
//    device such as /dev/usb/lp0, or any file), SpoolTransport (one file per
//    job in a directory) and FakeTransport (tests) implement it.
//    OpenTransport parses "tcp://HOST[:PORT]", "file:/PATH", "spool:/DIR".
//  * Printer: prints committed sales, reports and drawer kicks, keeping
//    every job in the store's print queue (schema/store/0005, print_jobs).
//
// The rules the Printer keeps:
//
//  - It prints only what the database holds: a receipt is built from the
//    committed sale (BuildReceipt), so nothing prints and no drawer opens
//    before the sale's transaction has committed.
//  - Printing never touches the sale. Every job is its own print_jobs row,
//    written in its own small transaction; a failed job stays 'failed' with
//    the error the cashier saw and can be printed again (Retry, or
//    PrintReceipt with reprint). Copies after the first printed one carry the
//    "** 重打印 **" mark.
//  - The drawer opens (ESC p) only for a committed sale, refund or void with
//    a cash tender, at most once per receipt, and for an audited no-sale
//    open (OpenDrawerNoSale). Drawer jobs are recorded but never retried.
//  - Before a receipt or report, a two-way transport is asked for the
//    printer's status (DLE EOT 1, 2 when offline, 4). Paper out, cover open
//    and offline each fail the job with a message that says what to do.
//
// Errors are Status values meant for the cashier: Unavailable when the
// printer is absent, not answering, out of paper or offline; PermissionDenied
// when the device cannot be opened for lack of rights; IoError for a local
// file or spool directory that cannot be written; NotFound for an unknown
// receipt, job or profile; InvalidArgument for a bad URI.
//
// Thread safety: transports and Printer are used by one thread at a time
// (the counter runs printing off the UI thread, one job after another).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/escpos.h"
#include "linli/drivers/image.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli {

struct CommittedSale;  // linli/pos/checkout.h

// ---- Profiles.

// The shipped profiles, the defaults of the common Chinese thermal printers:
// "generic58": 58 mm, 32 columns, 384 dots, GB18030, QR (GS ( k) and cut.
// "generic80": 80 mm, 48 columns, 576 dots, GB18030, QR and cut.
// "generic58-noqr", "generic80-noqr": the same for printers without GS ( k
// (the QR prints as a raster image) and without a cutter (fed to the tear
// bar), as cheap 58 mm models are.
// All ask for status in kAuto mode. NotFound for any other name; the message
// lists the known ones.
Result<PrinterProfile> FindProfile(std::string_view name);
std::vector<std::string> ProfileNames();
std::vector<PrinterProfile> BuiltinProfiles();

// A store's own profiles, from store_config "printer.profiles": a JSON array
// of objects, each {"name", "description"?, "base"?, "encoding"?, "columns"?,
// "dots"?, "supports_qr"?, "supports_cut"?, "status_query"?, "code_page"?,
// "qr_module_dots"?, "feed_before_cut"?}; unset fields come from "base" (a
// shipped profile, default generic58). InvalidArgument naming the entry and
// field for anything else: an unknown field, a name that is empty, taken by a
// shipped profile or repeated, an encoding other than GB18030/GBK/UTF-8,
// columns outside 16..64, dots outside 200..1000, status_query other than
// on/off/auto.
Result<std::vector<PrinterProfile>> ParseStoreProfiles(std::string_view json_text);
// The shipped profiles, then the store's (store_config "printer.profiles").
// A malformed store list is an error naming it, so it is fixed, not ignored.
Result<std::vector<PrinterProfile>> AllProfiles(Database& db);
// FindProfile, also among the store's own profiles.
Result<PrinterProfile> FindProfile(Database& db, std::string_view name);

// ---- Transports.

inline constexpr char kNoStatusAnswerKey[] = "printer.no_status_answer";

class PrinterTransport {
 public:
  virtual ~PrinterTransport() = default;

  // Sends one job's bytes, connecting or opening the device first if
  // needed, and returns within about timeout_ms. OK means the bytes left
  // this machine (the printer may still fail later). On error nothing more
  // is sent and the connection is dropped; the next call starts afresh.
  virtual Status Write(std::string_view job, int timeout_ms) = 0;

  // Whether the printer can answer status requests on this link.
  virtual bool two_way() const { return false; }

  // Sends DLE EOT n and returns the one status byte the printer answers,
  // discarding any stale input first. FailedPrecondition when the transport
  // is one-way; Unavailable when no answer comes within timeout_ms — with
  // message key kNoStatusAnswerKey when the printer took the request and
  // stayed silent (as against one that cannot be reached).
  virtual Result<uint8_t> QueryStatus(uint8_t n, int timeout_ms);

  // Ends the connection, if one is open, letting the printer read all that
  // was sent. Safe to call at any time; the next Write reconnects.
  virtual void Close() {}

  // The URI this transport prints to ("tcp://127.0.0.1:9100").
  virtual std::string uri() const = 0;
};

// Raw TCP (JetDirect / port 9100). Two-way. Connects on first use with a
// timeout, sets TCP_NODELAY, and keeps the connection until Close().
class TcpTransport final : public PrinterTransport {
 public:
  TcpTransport(std::string host, int port);
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  Status Write(std::string_view job, int timeout_ms) override;
  bool two_way() const override { return true; }
  Result<uint8_t> QueryStatus(uint8_t n, int timeout_ms) override;
  void Close() override;
  std::string uri() const override;

 private:
  Status Connect(int timeout_ms);
  Status Fail(const std::string& what);  // closes and wraps as Unavailable

  std::string host_;
  int port_;
  int fd_ = -1;
};

// A printer device node (/dev/usb/lp0) or any file. One-way. Each Write
// opens the path, writes the whole job with a timeout, and closes it.
// Device paths (under /dev/) are never created: a missing one means the
// printer is absent. Other paths are created and appended to. ENOSPC from
// a character device is reported as the printer out of paper.
class FileTransport final : public PrinterTransport {
 public:
  explicit FileTransport(std::string path);
  Status Write(std::string_view job, int timeout_ms) override;
  std::string uri() const override { return "file:" + path_; }

 private:
  std::string path_;
};

// A spool directory, created if missing. Each Write is one new file
// "<UTC time>-<pid>-<n>.escpos", written as a hidden ".tmp" file, flushed
// and then linked into place, so a reader never sees half a job and no
// job overwrites another. One-way.
class SpoolTransport final : public PrinterTransport {
 public:
  explicit SpoolTransport(std::string dir);
  Status Write(std::string_view job, int timeout_ms) override;
  std::string uri() const override { return "spool:" + dir_; }

 private:
  std::string dir_;
  int64_t counter_ = 0;
};

// An in-memory printer for tests. Write calls on_write (if set) and appends
// to jobs unless fail_with is set; QueryStatus answers from status_bytes
// (0x12, "ready", when absent) and records the request.
class FakeTransport final : public PrinterTransport {
 public:
  Status Write(std::string_view job, int timeout_ms) override;
  bool two_way() const override { return two_way_; }
  Result<uint8_t> QueryStatus(uint8_t n, int timeout_ms) override;
  void Close() override { ++closes; }
  std::string uri() const override { return "fake:"; }

  // Every byte written, all jobs concatenated.
  std::string AllBytes() const;

  std::vector<std::string> jobs;
  std::function<void(std::string_view job)> on_write;
  std::vector<uint8_t> status_requests;
  std::map<uint8_t, uint8_t> status_bytes;  // DLE EOT n → answer
  Status fail_with;                         // not OK: Write fails with it
  bool two_way_ = true;
  bool status_silent = false;               // QueryStatus times out
  int closes = 0;
};

// "tcp://HOST[:PORT]" (port 9100 by default), "file:/PATH" (also
// "file:///PATH" and a bare absolute path), "spool:/DIR". InvalidArgument
// for anything else, the message giving the accepted forms.
Result<std::unique_ptr<PrinterTransport>> OpenTransport(std::string_view uri);

// ---- Status.

// The printer's state as DLE EOT answers describe it.
struct PrinterStatus {
  bool offline = false;
  bool cover_open = false;
  bool paper_end = false;
  bool paper_near_end = false;
  bool error = false;  // cutter jam, overheating, unrecoverable error
};

// Asks DLE EOT 1, then 2 when offline, then 4. Unavailable when the printer
// does not answer or answers bytes that are not status bytes.
Result<PrinterStatus> PollStatus(PrinterTransport& transport, int timeout_ms);

// OK when the printer can print; otherwise Unavailable saying what to do:
// "printer out of paper: load paper and press reprint", "printer cover
// open: …", "printer offline: …". Paper near its end is still OK.
Status CheckPrintable(const PrinterStatus& status);

// ---- The print queue.

enum class PrintJobKind { kReceipt, kReport, kDrawer };
enum class PrintJobState { kPending, kPrinted, kFailed };
const char* PrintJobKindName(PrintJobKind k);    // "receipt" | "report" | "drawer"
const char* PrintJobStateName(PrintJobState s);  // "pending" | "printed" | "failed"

// One print_jobs row.
struct PrintJob {
  int64_t id = 0;
  std::string receipt_no;  // empty for reports and no-sale opens
  PrintJobKind kind = PrintJobKind::kReceipt;
  PrintJobState state = PrintJobState::kPending;
  int64_t attempts = 0;
  std::string last_error;
  std::string printer;     // URI of the last try
  std::string created_at;  // UTC ISO
  std::optional<std::string> printed_at;
};

// Jobs newest first. With unfinished_only, the reprint queue: receipt and
// report jobs still 'pending' or 'failed' (drawer jobs are never retried, so
// they are listed only in the full history).
Result<std::vector<PrintJob>> ListPrintJobs(Database& db, bool unfinished_only);

// ---- The printer service.

struct PrinterConfig {
  PrinterProfile profile;          // e.g. *FindProfile("generic58")
  int timeout_ms = 5000;           // per connect, write and status request
  std::optional<GrayImage> logo;   // printed above every receipt
  int drawer_pin = 0;              // ESC p m: 0 = pin 2, 1 = pin 5
};

// What one job came to. status is the job's outcome; job_id its print_jobs
// row (0 if the row itself could not be written: printing still went ahead).
struct PrintOutcome {
  int64_t job_id = 0;
  Status status;
  // Said once, when a kAuto profile found the printer silent and printed
  // without asking (and will from now on): for the cashier's notice.
  std::string note;
};

// What printing a just-committed sale did: the drawer and the receipt.
struct SalePrintOutcome {
  bool drawer_kicked = false;     // ESC p sent for this sale
  PrintOutcome drawer;            // job_id 0 when no kick was due
  PrintOutcome receipt;
};

class Printer {
 public:
  // db, transport and clock must outlive the Printer.
  Printer(Database& db, PrinterTransport& transport, const Clock& clock, PrinterConfig config);

  const PrinterConfig& config() const { return config_; }

  // Call after Checkout::Commit() returned OK. Opens the drawer when the
  // committed receipt has a cash tender and its drawer was not opened before
  // (its own 'drawer' job, sent first so change can be given even if the
  // receipt then fails), then prints the receipt. NotFound in receipt.status
  // (and no kick) for a receipt number the database does not hold.
  SalePrintOutcome PrintSale(const std::string& receipt_no);
  // The same for the sale Commit() (or RefundSale, VoidLastSale) just
  // returned: its tenders decide the drawer and its receipt is built from it
  // (BuildReceipt(db, sale)), so the sale is not read back.
  SalePrintOutcome PrintSale(const CommittedSale& sale);

  // Prints a committed receipt without touching the drawer. The reprint
  // mark shows when `reprint` is set or a copy already printed.
  PrintOutcome PrintReceipt(const std::string& receipt_no, bool reprint = false);

  // Prints a text block (an X/Z report's RenderText(profile.columns)); the
  // text is kept with the job so a failed report can be printed again.
  PrintOutcome PrintReport(const std::string& utf8_text);

  // Tries a 'pending' or 'failed' receipt or report job again, in the same
  // row (attempts + 1). NotFound for an unknown id; FailedPrecondition for a
  // printed job (use PrintReceipt with reprint) and for drawer jobs, which
  // are never repeated.
  PrintOutcome Retry(int64_t job_id);

 private:
  friend Status OpenDrawerNoSale(Database& db, Printer& printer, const User& user,
                                 const std::string& reason);

  PrintOutcome KickDrawer(const std::string& receipt_no);
  PrintOutcome RunJob(int64_t job_id, const std::string& bytes, bool check_status);
  bool KnownSilent();  // the printer at this URI was seen to stay silent (kAuto)
  void MarkSilent();
  // The receipt's bytes; from `sale` when given (it must be receipt_no's),
  // else read back by number.
  Result<std::string> EncodeReceiptJob(const std::string& receipt_no, const CommittedSale* sale, bool reprint);
  PrintOutcome PrintReceipt(const std::string& receipt_no, const CommittedSale* sale, bool reprint);
  int64_t NewJob(PrintJobKind kind, const std::string& receipt_no, const std::string* body);

  Database& db_;
  PrinterTransport& transport_;
  const Clock& clock_;
  PrinterConfig config_;
};

// 开钱箱 without a sale: records it with RecordNoSale (shifts.h: audit row,
// and a cash movement when a shift is open) and only then kicks the drawer
// through `printer`. A failed kick leaves the audit in place (the open was
// attempted) and returns the printer's error. The user must exist
// (authenticate first); reason must not be empty.
Status OpenDrawerNoSale(Database& db, Printer& printer, const User& user, const std::string& reason);

}  // namespace linli
