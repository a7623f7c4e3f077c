// Printer profiles, status polling, the print queue and the Printer service.
//
// The service's ordering is the point of this file: it reads the sale from
// the database (so only committed sales print), writes each job's row in its
// own transaction before and after talking to the printer (so a failure is
// remembered for reprint and the sale's rows are never involved), and sends
// the drawer kick as a job of its own ahead of the receipt (so the cashier
// can give change even when the receipt fails for want of paper).
#include "linli/drivers/printer.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/pos/shifts.h"

namespace linli {

// ---- Profiles.

namespace {

PrinterProfile Generic58() {
  PrinterProfile p;
  p.name = "generic58";
  p.description = "Generic 58 mm thermal printer, GB18030, 32 columns";
  p.encoding = TextEncoding::kGb18030;
  p.columns = kReceiptColumns58;
  p.dots = 384;
  p.qr_module_dots = 5;
  p.barcode_module_dots = 2;
  return p;
}

PrinterProfile Generic80() {
  PrinterProfile p;
  p.name = "generic80";
  p.description = "Generic 80 mm thermal printer, GB18030, 48 columns";
  p.encoding = TextEncoding::kGb18030;
  p.columns = kReceiptColumns80;
  p.dots = 576;
  p.qr_module_dots = 6;
  p.barcode_module_dots = 2;
  return p;
}

// A cheaper model of the same width: no GS ( k, no cutter.
PrinterProfile WithoutQr(PrinterProfile p) {
  p.name += "-noqr";
  p.description += ", no QR command (QR as an image), no cutter";
  p.supports_qr = false;
  p.supports_cut = false;
  return p;
}

std::string Hex(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// A real status byte has bit 1 and bit 4 set, bits 0 and 7 clear.
bool IsStatusByte(uint8_t b) { return (b & 0x93) == 0x12; }

}  // namespace

const char* StatusQueryName(StatusQuery q) {
  switch (q) {
    case StatusQuery::kOn: return "on";
    case StatusQuery::kOff: return "off";
    case StatusQuery::kAuto: return "auto";
  }
  return "auto";
}

std::vector<PrinterProfile> BuiltinProfiles() {
  return {Generic58(), Generic80(), WithoutQr(Generic58()), WithoutQr(Generic80())};
}

std::vector<std::string> ProfileNames() {
  std::vector<std::string> names;
  for (const PrinterProfile& p : BuiltinProfiles()) names.push_back(p.name);
  return names;
}

namespace {

Result<PrinterProfile> FindIn(const std::vector<PrinterProfile>& profiles, std::string_view name) {
  std::string known;
  for (const PrinterProfile& p : profiles) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return Status::NotFound("unknown printer profile '" + std::string(name) + "'; known profiles: " + known);
}

constexpr char kStoreProfilesKey[] = "printer.profiles";
constexpr char kSilentPrintersKey[] = "printer.status_silent";

}  // namespace

Result<PrinterProfile> FindProfile(std::string_view name) { return FindIn(BuiltinProfiles(), name); }

Result<std::vector<PrinterProfile>> ParseStoreProfiles(std::string_view json_text) {
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("store_config printer.profiles: " + what +
                                   "; 打印机配置有误，请按 README 的格式修改 printer.profiles");
  };
  if (!j.is_array()) return bad("must be a JSON array of profiles, e.g. [{\"name\":\"shop58\",\"base\":\"generic58\"}]");
  std::vector<PrinterProfile> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    const std::string at = "entry " + std::to_string(i + 1);
    if (!e.is_object()) return bad(at + " is not an object");
    auto str = [&](const char* k, std::string* v) -> Status {
      if (!e.contains(k)) return Status::Ok();
      if (!e[k].is_string()) return bad(at + ": \"" + k + "\" must be a string");
      *v = e[k].get<std::string>();
      return Status::Ok();
    };
    auto num = [&](const char* k, int lo, int hi, int* v) -> Status {
      if (!e.contains(k)) return Status::Ok();
      if (!e[k].is_number_integer() || e[k].get<int64_t>() < lo || e[k].get<int64_t>() > hi) {
        return bad(at + ": \"" + k + "\" must be a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi) + ", got " + e[k].dump());
      }
      *v = e[k].get<int>();
      return Status::Ok();
    };
    auto flag = [&](const char* k, bool* v) -> Status {
      if (!e.contains(k)) return Status::Ok();
      if (!e[k].is_boolean()) return bad(at + ": \"" + k + "\" must be true or false");
      *v = e[k].get<bool>();
      return Status::Ok();
    };
    for (const auto& [k, v] : e.items()) {
      static const char* known[] = {"name", "description", "base", "encoding", "columns", "dots", "supports_qr",
                                    "supports_cut", "status_query", "code_page", "qr_module_dots", "feed_before_cut"};
      bool ok = false;
      for (const char* n : known) ok = ok || k == n;
      if (!ok) return bad(at + ": unknown field \"" + k + "\"");
    }
    std::string name, base = "generic58", encoding, status;
    LINLI_RETURN_IF_ERROR(str("name", &name));
    LINLI_RETURN_IF_ERROR(str("base", &base));
    auto from = FindProfile(base);
    if (!from.ok()) return bad(at + ": \"base\" " + from.status().message());
    PrinterProfile p = *from;
    if (name.empty() || name.size() > 32) return bad(at + ": \"name\" must be 1 to 32 characters");
    for (const PrinterProfile& b : BuiltinProfiles()) {
      if (b.name == name) return bad(at + ": \"" + name + "\" is a shipped profile; give yours another name");
    }
    for (const PrinterProfile& o : out) {
      if (o.name == name) return bad(at + ": \"" + name + "\" is named twice");
    }
    p.name = name;
    p.description = "store profile based on " + base;
    LINLI_RETURN_IF_ERROR(str("description", &p.description));
    LINLI_RETURN_IF_ERROR(str("encoding", &encoding));
    if (!encoding.empty()) {
      if (encoding == "GB18030") p.encoding = TextEncoding::kGb18030;
      else if (encoding == "GBK") p.encoding = TextEncoding::kGbk;
      else if (encoding == "UTF-8") p.encoding = TextEncoding::kUtf8;
      else return bad(at + ": \"encoding\" must be GB18030, GBK or UTF-8, got \"" + encoding + "\"");
      p.chinese_mode = p.encoding != TextEncoding::kUtf8;
    }
    LINLI_RETURN_IF_ERROR(num("columns", 16, 64, &p.columns));
    LINLI_RETURN_IF_ERROR(num("dots", 200, 1000, &p.dots));
    LINLI_RETURN_IF_ERROR(num("code_page", -1, 255, &p.code_page));
    LINLI_RETURN_IF_ERROR(num("qr_module_dots", 1, 16, &p.qr_module_dots));
    LINLI_RETURN_IF_ERROR(num("feed_before_cut", 0, 20, &p.feed_before_cut));
    LINLI_RETURN_IF_ERROR(flag("supports_qr", &p.supports_qr));
    LINLI_RETURN_IF_ERROR(flag("supports_cut", &p.supports_cut));
    LINLI_RETURN_IF_ERROR(str("status_query", &status));
    if (!status.empty()) {
      if (status == "on") p.status_query = StatusQuery::kOn;
      else if (status == "off") p.status_query = StatusQuery::kOff;
      else if (status == "auto") p.status_query = StatusQuery::kAuto;
      else return bad(at + ": \"status_query\" must be on, off or auto, got \"" + status + "\"");
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PrinterProfile>> AllProfiles(Database& db) {
  std::vector<PrinterProfile> all = BuiltinProfiles();
  std::optional<std::string> text;
  LINLI_RETURN_IF_ERROR(Guard([&] { text = GetConfig(db, kStoreProfilesKey); }));
  if (text && !text->empty()) {
    auto own = ParseStoreProfiles(*text);
    if (!own.ok()) return own.status();
    all.insert(all.end(), own->begin(), own->end());
  }
  return all;
}

Result<PrinterProfile> FindProfile(Database& db, std::string_view name) {
  auto all = AllProfiles(db);
  if (!all.ok()) return all.status();
  return FindIn(*all, name);
}

// ---- Status.

Result<PrinterStatus> PollStatus(PrinterTransport& transport, int timeout_ms) {
  PrinterStatus st;
  auto ask = [&](uint8_t n) -> Result<uint8_t> {
    auto b = transport.QueryStatus(n, timeout_ms);
    if (!b.ok()) return b.status();
    if (!IsStatusByte(*b)) {
      return Status::Unavailable("printer at " + transport.uri() + " answered a status request with " +
                                 Hex(*b) + ", not a status byte: check the printer profile");
    }
    return b;
  };
  auto printer = ask(1);
  if (!printer.ok()) return printer.status();
  st.offline = (*printer & 0x08) != 0;
  if (st.offline) {
    auto cause = ask(2);
    if (!cause.ok()) return cause.status();
    st.cover_open = (*cause & 0x04) != 0;
    st.paper_end = (*cause & 0x20) != 0;
    st.error = (*cause & 0x40) != 0;
  }
  auto paper = ask(4);
  if (!paper.ok()) return paper.status();
  st.paper_near_end = (*paper & 0x0C) != 0;
  st.paper_end = st.paper_end || (*paper & 0x60) != 0;
  return st;
}

Status CheckPrintable(const PrinterStatus& s) {
  if (s.paper_end) return Status::Unavailable("printer out of paper: load paper and press reprint");
  if (s.cover_open) return Status::Unavailable("printer cover open: close the cover and press reprint");
  if (s.error) {
    return Status::Unavailable(
        "printer reports an error (cutter jam or overheating): clear it, switch the printer off and on, "
        "then press reprint");
  }
  if (s.offline) return Status::Unavailable("printer offline: check the printer, then press reprint");
  return Status::Ok();
}

// ---- The print queue.

const char* PrintJobKindName(PrintJobKind k) {
  switch (k) {
    case PrintJobKind::kReceipt: return "receipt";
    case PrintJobKind::kReport: return "report";
    case PrintJobKind::kDrawer: return "drawer";
  }
  return "receipt";
}

const char* PrintJobStateName(PrintJobState s) {
  switch (s) {
    case PrintJobState::kPending: return "pending";
    case PrintJobState::kPrinted: return "printed";
    case PrintJobState::kFailed: return "failed";
  }
  return "pending";
}

namespace {

PrintJobKind KindFromName(const std::string& s) {
  if (s == "report") return PrintJobKind::kReport;
  if (s == "drawer") return PrintJobKind::kDrawer;
  return PrintJobKind::kReceipt;
}

PrintJobState StateFromName(const std::string& s) {
  if (s == "printed") return PrintJobState::kPrinted;
  if (s == "failed") return PrintJobState::kFailed;
  return PrintJobState::kPending;
}

constexpr const char* kJobColumns =
    "SELECT id, receipt_no, kind, state, attempts, last_error, printer, created_at, printed_at, body "
    "FROM print_jobs ";

PrintJob JobFromRow(const Statement& q) {
  PrintJob j;
  j.id = q.Int(0);
  j.receipt_no = q.OptText(1).value_or("");
  j.kind = KindFromName(q.Text(2));
  j.state = StateFromName(q.Text(3));
  j.attempts = q.Int(4);
  j.last_error = q.OptText(5).value_or("");
  j.printer = q.Text(6);
  j.created_at = q.Text(7);
  j.printed_at = q.OptText(8);
  return j;
}

}  // namespace

Result<std::vector<PrintJob>> ListPrintJobs(Database& db, bool unfinished_only) {
  std::vector<PrintJob> jobs;
  Status st = Guard([&] {
    Statement q = db.Prepare(std::string(kJobColumns) +
                             (unfinished_only ? "WHERE state IN ('pending', 'failed') AND kind != 'drawer' " : "") +
                             "ORDER BY id DESC");
    while (q.Step()) jobs.push_back(JobFromRow(q));
  });
  if (!st.ok()) return st;
  return jobs;
}

// ---- Printer.

Printer::Printer(Database& db, PrinterTransport& transport, const Clock& clock, PrinterConfig config)
    : db_(db), transport_(transport), clock_(clock), config_(std::move(config)) {}

int64_t Printer::NewJob(PrintJobKind kind, const std::string& receipt_no, const std::string* body) {
  int64_t id = 0;
  Status st = Guard([&] {
    Transaction tx(db_);
    Statement q = db_.Prepare(
        "INSERT INTO print_jobs (receipt_no, kind, state, attempts, printer, body, created_at) "
        "VALUES (?, ?, 'pending', 0, ?, ?, ?)");
    if (receipt_no.empty()) {
      q.BindNull(1);
    } else {
      q.Bind(1, receipt_no);
    }
    q.Bind(2, PrintJobKindName(kind));
    q.Bind(3, transport_.uri());
    if (body) {
      q.Bind(4, *body);
    } else {
      q.BindNull(4);
    }
    q.Bind(5, FormatUtc(clock_.NowMs()));
    q.Run();
    id = db_.LastInsertRowId();
    tx.Commit();
  });
  // A queue that cannot be written must not keep the customer's receipt
  // from printing: go on without a row.
  return st.ok() ? id : 0;
}

// Printers seen to stay silent, by URI (store_config "printer.status_silent",
// a JSON object URI → when): a kAuto profile asks them no more. Delete the key
// to make it ask again.
bool Printer::KnownSilent() {
  std::optional<std::string> text;
  if (!Guard([&] { text = GetConfig(db_, kSilentPrintersKey); }).ok() || !text) return false;
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains(transport_.uri());
}

void Printer::MarkSilent() {
  (void)Guard([&] {
    Transaction tx(db_);
    nlohmann::json j = nlohmann::json::parse(GetConfig(db_, kSilentPrintersKey).value_or("{}"), nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
    j[transport_.uri()] = FormatUtc(clock_.NowMs());
    SetConfig(db_, kSilentPrintersKey, j.dump());
    tx.Commit();
  });
}

PrintOutcome Printer::RunJob(int64_t job_id, const std::string& bytes, bool check_status) {
  PrintOutcome out;
  out.job_id = job_id;
  const StatusQuery mode = config_.profile.status_query;
  bool ask = check_status && mode != StatusQuery::kOff && transport_.two_way();
  if (ask && mode == StatusQuery::kAuto && KnownSilent()) ask = false;
  if (ask) {
    auto status = PollStatus(transport_, config_.timeout_ms);
    if (!status.ok() && mode == StatusQuery::kAuto && status.status().message_key() == kNoStatusAnswerKey) {
      // It took the request and said nothing: a printer that does not do
      // status. Print, and from now on print without asking.
      MarkSilent();
      out.note = "打印机不回应状态查询，今后打印不再询问 / the printer at " + transport_.uri() +
                 " does not answer status requests; printing without asking from now on";
    } else {
      out.status = status.ok() ? CheckPrintable(*status) : status.status();
    }
  }
  if (out.status.ok()) out.status = transport_.Write(bytes, config_.timeout_ms);
  transport_.Close();
  if (job_id != 0) {
    const bool ok = out.status.ok();
    Status st = Guard([&] {
      Transaction tx(db_);
      Statement q = db_.Prepare(
          "UPDATE print_jobs SET state = ?, attempts = attempts + 1, last_error = ?, printer = ?, "
          "printed_at = ? WHERE id = ?");
      q.Bind(1, ok ? "printed" : "failed");
      if (ok) {
        q.BindNull(2);
      } else {
        q.Bind(2, out.status.message());
      }
      q.Bind(3, transport_.uri());
      if (ok) {
        q.Bind(4, FormatUtc(clock_.NowMs()));
      } else {
        q.BindNull(4);
      }
      q.Bind(5, job_id);
      q.Run();
      tx.Commit();
    });
    (void)st;  // the print's outcome is what the cashier needs to hear
  }
  return out;
}

Result<std::string> Printer::EncodeReceiptJob(const std::string& receipt_no, const CommittedSale* sale,
                                              bool reprint) {
  bool printed_before = false;
  LINLI_RETURN_IF_ERROR(Guard([&] {
    Statement q = db_.Prepare(
        "SELECT 1 FROM print_jobs WHERE receipt_no = ? AND kind = 'receipt' AND state = 'printed' LIMIT 1");
    q.Bind(1, receipt_no);
    printed_before = q.Step();
  }));
  reprint = reprint || printed_before;
  auto model = sale ? BuildReceipt(db_, *sale, reprint) : BuildReceipt(db_, receipt_no, reprint);
  if (!model.ok()) return model.status();
  ReceiptJobOptions opts;
  opts.logo = config_.logo;
  return EncodeReceipt(*model, config_.profile, opts);
}

PrintOutcome Printer::PrintReceipt(const std::string& receipt_no, bool reprint) {
  return PrintReceipt(receipt_no, nullptr, reprint);
}

PrintOutcome Printer::PrintReceipt(const std::string& receipt_no, const CommittedSale* sale, bool reprint) {
  auto bytes = EncodeReceiptJob(receipt_no, sale, reprint);
  if (!bytes.ok()) return {0, bytes.status()};
  const int64_t id = NewJob(PrintJobKind::kReceipt, receipt_no, nullptr);
  return RunJob(id, *bytes, /*check_status=*/true);
}

PrintOutcome Printer::PrintReport(const std::string& utf8_text) {
  const int64_t id = NewJob(PrintJobKind::kReport, "", &utf8_text);
  return RunJob(id, EncodeTextJob(utf8_text, config_.profile), /*check_status=*/true);
}

PrintOutcome Printer::KickDrawer(const std::string& receipt_no) {
  const int64_t id = NewJob(PrintJobKind::kDrawer, receipt_no, nullptr);
  // No status check: a printer out of paper still opens the drawer.
  return RunJob(id, escpos::DrawerKick(config_.drawer_pin, 100, 500), /*check_status=*/false);
}

SalePrintOutcome Printer::PrintSale(const std::string& receipt_no) {
  auto sale = LoadSale(db_, receipt_no);
  if (!sale.ok()) {
    SalePrintOutcome out;
    out.receipt.status = sale.status();
    return out;
  }
  return PrintSale(*sale);
}

SalePrintOutcome Printer::PrintSale(const CommittedSale& sale) {
  SalePrintOutcome out;
  const std::string& receipt_no = sale.receipt_no;
  bool cash = false;
  for (const Tender& t : sale.tenders) {
    if (t.method == "cash" && (t.amount_fen != 0 || t.tendered_fen != 0)) cash = true;
  }
  bool kicked_before = false;
  Status st = Guard([&] {
    Statement q = db_.Prepare(
        "SELECT 1 FROM print_jobs WHERE receipt_no = ? AND kind = 'drawer' AND state = 'printed' LIMIT 1");
    q.Bind(1, receipt_no);
    kicked_before = q.Step();
  });
  if (cash && !kicked_before && st.ok()) {
    out.drawer = KickDrawer(receipt_no);
    out.drawer_kicked = out.drawer.status.ok();
  }
  out.receipt = PrintReceipt(receipt_no, &sale, false);
  return out;
}

PrintOutcome Printer::Retry(int64_t job_id) {
  std::optional<PrintJob> job;
  std::string body;
  Status st = Guard([&] {
    Statement q = db_.Prepare(std::string(kJobColumns) + "WHERE id = ?");
    q.Bind(1, job_id);
    if (q.Step()) {
      job = JobFromRow(q);
      body = q.OptText(9).value_or("");
    }
  });
  if (!st.ok()) return {job_id, st};
  if (!job) return {0, Status::NotFound("no print job " + std::to_string(job_id))};
  if (job->kind == PrintJobKind::kDrawer) {
    return {job_id, Status::FailedPrecondition("print job " + std::to_string(job_id) +
                                               " opened the cash drawer; drawer opens are never repeated")};
  }
  if (job->state == PrintJobState::kPrinted) {
    return {job_id, Status::FailedPrecondition("print job " + std::to_string(job_id) +
                                               " has printed; print the receipt again as a reprint")};
  }
  if (job->kind == PrintJobKind::kReport) {
    return RunJob(job_id, EncodeTextJob(body, config_.profile), /*check_status=*/true);
  }
  auto bytes = EncodeReceiptJob(job->receipt_no, nullptr, false);
  if (!bytes.ok()) return {job_id, bytes.status()};
  return RunJob(job_id, *bytes, /*check_status=*/true);
}

Status OpenDrawerNoSale(Database& db, Printer& printer, const User& user, const std::string& reason) {
  // The audit comes first: a drawer that opened must have its record.
  LINLI_RETURN_IF_ERROR(RecordNoSale(db, user.id, reason, printer.clock_));
  return printer.KickDrawer("").status;
}

}  // namespace linli
