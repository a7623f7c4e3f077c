// The fuzz entry points (issue 7), shared by the libFuzzer mains
// (fuzz_<name>.cc, clang only) and the fuzz_regress suite (tests/fuzz_regress/,
// any compiler), which replays every seed in tests/fuzz/corpus/<name>/ and every
// past crash in tests/fuzz/crashes/<name>/ through the same function.
//
// Each Fuzz<Name>(data, size) must return 0 and must not crash, leak, read out
// of bounds, hit undefined behaviour, throw, or take unbounded time or memory
// for any input. Besides "no crash", each checks the invariants the header it
// exercises promises (round trips, ranges, offsets); a broken invariant calls
// FuzzFail, which aborts under libFuzzer (so the input is saved as a crash)
// and is turned into a test failure by the regression suite.
//
// Inputs that would make a target do unbounded work on purpose (a till script
// with thousands of sales) are skipped, not refused loudly: the fuzzer is
// looking for crashes, not for slow-but-correct paths.
#pragma once

#include <algorithm>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/drivers/escpos_render.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/csv.h"
#include "linli/pos/db.h"
#include "linli/pos/money.h"
#include "linli/pos/payments.h"
#include "linli/pos/receipt.h"
#include "linli/pos/store.h"
#include "linli/pos/till_script.h"
#include "linli/pos/users.h"
#include "linli/payments/alipay_gateway.h"
#include "linli/payments/wechat_format.h"
#include "linli/sync/protocol.h"

namespace linli::fuzz {

using json = nlohmann::json;

// ---- Failing -----------------------------------------------------------------

// What a broken invariant does. libFuzzer: print and abort (the input becomes
// a crash file). The regression suite installs a handler that throws.
using FailHandler = void (*)(const std::string& what);
inline FailHandler& FailHook() {
  static FailHandler h = nullptr;
  return h;
}
[[noreturn]] inline void FuzzFail(const std::string& what) {
  if (FailHook()) FailHook()(what);
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}
#define LINLI_FUZZ_CHECK(cond, what) \
  do {                               \
    if (!(cond)) ::linli::fuzz::FuzzFail(std::string(#cond) + ": " + (what)); \
  } while (0)

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// JSON from fuzz bytes: nullopt when not JSON (never throws).
inline std::optional<json> TryJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// ---- Scratch stores ------------------------------------------------------------

// A throwaway store database under /dev/shm (or the temp dir), re-created every
// `reuse` inputs so state from earlier inputs cannot grow without bound.
// Users 1001 (cashier, PIN 1234), 2001 (manager, 9999) and 3001 (owner, 8888)
// get cheap scrypt hashes (N=16) so a sign-in costs microseconds, not 50 ms.
class ScratchStore {
 public:
  explicit ScratchStore(int reuse) : reuse_(reuse) {}
  ~ScratchStore() { Drop(); }

  Database& Get(bool with_catalog) {
    if (!db_ || ++uses_ > reuse_) Make(with_catalog);
    return *db_;
  }
  const Clock& clock() const { return clock_; }
  FakeClock& clock() { return clock_; }

 private:
  void Make(bool with_catalog) {
    Drop();
    uses_ = 1;
    std::error_code ec;
    std::filesystem::path base = std::filesystem::exists("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    std::string tmpl = (base / "linli-fuzz-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) FuzzFail("mkdtemp failed for " + tmpl);
    dir_ = tmpl;
    const std::string path = dir_ + "/store.db";
    Status st = InitStore(path, {"F001", "模糊店", "Asia/Shanghai"}, clock_);
    if (!st.ok()) FuzzFail("InitStore: " + st.ToString());
    OpenOptions oo;
    oo.synchronous_full = false;
    auto db = OpenStore(path, oo);
    if (!db.ok()) FuzzFail("OpenStore: " + db.status().ToString());
    db_ = std::move(*db);
    if (!with_catalog) return;
    auto r = ImportCatalogCsv(*db_,
                              "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
                              "A001,6901234567892|06901234567892*24,可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n"
                              "A002,6920202888883,农夫山泉 550ml,饮料,pcs,2,1.20,13,\n"
                              "K001,,散装苹果,水果,kg,12.80,8.00,9,123\n"
                              "C001,,水果糖,零食,pcs,0.01,0.00,13,\n",
                              {}, clock_);
    if (!r.ok() || !r->written) FuzzFail("seed catalog import failed");
    const struct {
      const char* id;
      const char* name;
      Role role;
      const char* pin;
    } users[] = {{"1001", "张三", Role::kCashier, "1234"},
                 {"2001", "李店长", Role::kManager, "9999"},
                 {"3001", "王老板", Role::kOwner, "8888"}};
    for (const auto& u : users) {
      if (!AddUser(*db_, User{u.id, u.name, u.role}, u.pin, clock_).ok()) FuzzFail("AddUser");
      auto cheap = HashSecret(u.pin, 4);
      if (!cheap.ok()) FuzzFail("HashSecret");
      db_->Prepare("UPDATE users SET pin_hash = ? WHERE id = ?").Bind(1, *cheap).Bind(2, u.id).Run();
    }
    if (!AddMember(*db_, "13800138000", "张阿姨", clock_).ok()) FuzzFail("AddMember");
  }
  void Drop() {
    db_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  int reuse_;
  int uses_ = 0;
  std::string dir_;
  std::unique_ptr<Database> db_;
  FakeClock clock_{1795246200000};  // 2026-11-21T07:30:00Z
};

// ---- Barcodes ------------------------------------------------------------------

// Input: a scanned code, optionally followed by "\n" and a scale_layouts JSON
// array; the code is classified with the defaults and with the parsed layouts.
inline void CheckBarcodeClass(std::string_view code, const BarcodeClass& c) {
  LINLI_FUZZ_CHECK(c.code.size() <= code.size(), "the trimmed code is longer than the input");
  switch (c.kind) {
    case BarcodeKind::kGtin:
      LINLI_FUZZ_CHECK(c.gtin.has_value(), "a GTIN without its check");
      break;
    case BarcodeKind::kPriceEmbedded:
      LINLI_FUZZ_CHECK(!c.layout.empty(), "a scale label without its layout name");
      if (c.amount_fen) LINLI_FUZZ_CHECK(*c.amount_fen >= 0, "negative embedded amount");
      if (c.weight_g) LINLI_FUZZ_CHECK(*c.weight_g >= 0, "negative embedded weight");
      break;
    case BarcodeKind::kPaymentCode:
      LINLI_FUZZ_CHECK(c.provider == "wechat" || c.provider == "alipay" || c.provider == "unionpay",
                       "provider " + c.provider);
      break;
    case BarcodeKind::kWaybill:
      LINLI_FUZZ_CHECK(!c.candidates.empty(), "a waybill with no courier candidates");
      break;
    case BarcodeKind::kUnknown:
      break;
  }
  (void)c.ToJson();
}

inline int FuzzBarcode(const uint8_t* data, size_t size) {
  std::string_view in = AsText(data, size);
  std::string_view code = in.substr(0, in.find('\n'));
  const std::string_view rest = code.size() < in.size() ? in.substr(code.size() + 1) : std::string_view();

  if (auto g = CheckGtin(code)) {
    LINLI_FUZZ_CHECK(code.size() == 8 || code.size() == 12 || code.size() == 13 || code.size() == 14,
                     "CheckGtin accepted length " + std::to_string(code.size()));
    for (char ch : code) LINLI_FUZZ_CHECK(ch >= '0' && ch <= '9', "CheckGtin accepted a non-digit");
    LINLI_FUZZ_CHECK(g->valid == (g->expected == code.back()), "valid disagrees with expected digit");
    const char d = GtinCheckDigit(code.substr(0, code.size() - 1));
    LINLI_FUZZ_CHECK(d == g->expected, "GtinCheckDigit disagrees with CheckGtin");
  }
  CheckBarcodeClass(code, ClassifyBarcode(code, DefaultScaleLayouts()));

  if (!rest.empty()) {
    if (auto j = TryJson(rest)) {
      auto layouts = ParseScaleLayouts(*j);
      if (layouts.ok()) CheckBarcodeClass(code, ClassifyBarcode(code, *layouts));
    }
  }
  return 0;
}

// ---- Money -----------------------------------------------------------------------

// Every accepted text formats back to text that parses to the same value.
inline int FuzzMoney(const uint8_t* data, size_t size) {
  std::string_view text = AsText(data, size);
  for (Sign sign : {Sign::kNonNegative, Sign::kAny}) {
    auto y = ParseYuan(text, sign);
    if (y.ok()) {
      if (sign == Sign::kNonNegative) LINLI_FUZZ_CHECK(y->fen() >= 0, "negative yuan accepted as non-negative");
      for (bool symbol : {false, true}) {
        const std::string s = FormatYuan(*y, symbol);
        auto back = ParseYuan(s, Sign::kAny);
        LINLI_FUZZ_CHECK(back.ok(), "FormatYuan gave \"" + s + "\" which ParseYuan refuses: " + back.status().message());
        LINLI_FUZZ_CHECK(back->fen() == y->fen(), "\"" + s + "\" parses to " + std::to_string(back->fen()) +
                                                      ", not " + std::to_string(y->fen()));
      }
    }
    auto m = ParseMilli(text, sign);
    if (m.ok()) {
      if (sign == Sign::kNonNegative) LINLI_FUZZ_CHECK(*m >= 0, "negative quantity accepted as non-negative");
      const std::string s = FormatMilli(*m);
      auto back = ParseMilli(s, Sign::kAny);
      LINLI_FUZZ_CHECK(back.ok(), "FormatMilli gave \"" + s + "\" which ParseMilli refuses: " + back.status().message());
      LINLI_FUZZ_CHECK(*back == *m, "\"" + s + "\" parses to " + std::to_string(*back) + ", not " + std::to_string(*m));
    }
  }
  auto bp = ParsePercentBp(text);
  if (bp.ok()) {
    LINLI_FUZZ_CHECK(*bp >= 0 && *bp <= 10000, "percent out of 0-100: " + std::to_string(*bp));
    const std::string s = FormatPercentBp(*bp);
    auto back = ParsePercentBp(s);
    LINLI_FUZZ_CHECK(back.ok() && *back == *bp, "FormatPercentBp gave \"" + s + "\" which does not parse back");
  }
  return 0;
}

// ---- Receipt QR text -----------------------------------------------------------

// ParseReceiptQr is strict: what it accepts is exactly what FormatReceiptQr
// writes back, byte for byte; what it refuses has a message that echoes at
// most a bounded part of the input. The verdict decoder takes any JSON.
inline int FuzzReceiptQr(const uint8_t* data, size_t size) {
  std::string_view text = AsText(data, size);
  auto qr = ParseReceiptQr(text);
  if (qr.ok()) {
    LINLI_FUZZ_CHECK(FormatReceiptQr(*qr) == text, "accepted QR text does not format back to itself");
    LINLI_FUZZ_CHECK(qr->total_fen >= 0, "negative total accepted");
    LINLI_FUZZ_CHECK(qr->hash_prefix.empty() || qr->hash_prefix.size() == kReceiptHashPrefixLen, "odd hash prefix");
  } else {
    LINLI_FUZZ_CHECK(qr.status().message().size() < 1000, "refusal message grows with the input");
  }
  const json j = sync::ParseJsonBody(text);
  if (!j.is_discarded()) (void)sync::ReceiptVerdict::FromJson(j);
  return 0;
}

// ---- CSV and catalog import --------------------------------------------------

// ParseCsv, the CsvRow round trip, and ImportCatalogCsv into a scratch store
// (both all-or-nothing and skip_bad), then the export must import back.
inline int FuzzCsv(const uint8_t* data, size_t size) {
  std::string_view text = AsText(data, size);
  auto recs = ParseCsv(text);
  if (recs.ok()) {
    std::string again;
    int prev_line = 0;
    for (const CsvRecord& r : *recs) {
      LINLI_FUZZ_CHECK(r.line > prev_line, "record lines do not increase");
      prev_line = r.line;
      LINLI_FUZZ_CHECK(!r.fields.empty(), "a record with no fields");
      again += CsvRow(r.fields);
    }
    const bool bom_first = !recs->empty() && recs->front().fields[0].rfind("\xEF\xBB\xBF", 0) == 0;
    if (!bom_first) {
      auto back = ParseCsv(again);
      LINLI_FUZZ_CHECK(back.ok(), "CsvRow output does not parse: " + back.status().message());
      LINLI_FUZZ_CHECK(back->size() == recs->size(), "CsvRow round trip changed the record count from " +
                                                         std::to_string(recs->size()) + " to " +
                                                         std::to_string(back->size()));
      for (size_t i = 0; i < back->size(); ++i) {
        LINLI_FUZZ_CHECK((*back)[i].fields == (*recs)[i].fields,
                         "CsvRow round trip changed record " + std::to_string(i + 1));
      }
    }
  }

  if (size > 64 * 1024) return 0;
  static ScratchStore store(500);
  Database& db = store.Get(/*with_catalog=*/false);
  for (bool skip_bad : {false, true}) {
    ImportOptions opts;
    opts.skip_bad = skip_bad;
    auto rep = ImportCatalogCsv(db, text, opts, store.clock());
    if (!rep.ok()) continue;
    LINLI_FUZZ_CHECK(rep->inserted + rep->updated + rep->rejected <= rep->rows, "more outcomes than rows");
    if (!skip_bad && !rep->problems.empty()) LINLI_FUZZ_CHECK(!rep->written, "all-or-nothing import wrote with problems");
    for (const auto& p : rep->problems) (void)p.ToString();
  }
  // Whatever the catalog now holds must survive export and re-import.
  auto csv = ExportCatalogCsv(db);
  LINLI_FUZZ_CHECK(csv.ok(), "export failed: " + csv.status().ToString());
  auto rep = ImportCatalogCsv(db, *csv, {}, store.clock());
  LINLI_FUZZ_CHECK(rep.ok(), "re-import of the export failed: " + rep.status().ToString());
  std::string why;
  for (const auto& p : rep->problems) why += p.ToString() + "; ";
  LINLI_FUZZ_CHECK(rep->problems.empty(), "the export does not import back: " + why);
  return 0;
}

// ---- ESC/POS --------------------------------------------------------------------

// Byte 0 picks the paper width and the Chinese encoding; the rest is the stream.
inline int FuzzEscPos(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const int kWidths[] = {kPaper58mmDots, kPaper80mmDots, 64, 4096, 0, 7};
  static const char* kEncodings[] = {"GB18030", "GBK", "UTF-8", "bogus"};
  RenderOptions opts;
  opts.paper_width = kWidths[data[0] % 6];
  opts.chinese_encoding = kEncodings[(data[0] / 6) % 4];
  std::string_view bytes = AsText(data + 1, size - 1);
  RenderResult r = RenderEscPos(bytes, opts);
  const int want_width = (opts.paper_width >= 64 && opts.paper_width <= 4096) ? opts.paper_width : kPaper58mmDots;
  LINLI_FUZZ_CHECK(r.image.width == want_width, "image width " + std::to_string(r.image.width));
  LINLI_FUZZ_CHECK(r.image.height >= 1, "image height " + std::to_string(r.image.height));
  LINLI_FUZZ_CHECK(r.image.pixels.size() == size_t(r.image.width) * size_t(r.image.height), "pixel buffer size");
  for (const RenderIssue& i : r.issues) {
    // A whole-stream issue (the paper width) sits at offset 0, even in an empty stream.
    LINLI_FUZZ_CHECK(i.offset < std::max<size_t>(bytes.size(), 1),
                     "issue offset " + std::to_string(i.offset) + " past the end");
    LINLI_FUZZ_CHECK(!i.what.empty(), "an issue without a description");
  }
  LINLI_FUZZ_CHECK(r.cuts >= 0 && r.drawer_kicks >= 0, "negative counters");
  return 0;
}

// ---- Sync: push batches and other bodies ----------------------------------------

// The hub's push pipeline after authentication (server.cc Push): optional
// gunzip with the cap, the size limit, JSON, the event-count limit,
// PushRequest::FromJson, the event-type check and ToJournal. Byte 0: bit 0
// gunzips first. The other bodies either end parses are decoded too.
inline int FuzzSyncBatch(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(AsText(data + 1, size - 1));
  if (data[0] & 1) {
    constexpr size_t kCap = 1 << 20;
    auto raw = sync::Gunzip(body, kCap);
    if (!raw.ok()) {
      LINLI_FUZZ_CHECK(raw.status().code() == Status::Code::kInvalidArgument ||
                           raw.status().code() == Status::Code::kFailedPrecondition,
                       "gunzip failed with " + raw.status().ToString());
      return 0;
    }
    LINLI_FUZZ_CHECK(raw->size() <= kCap, "gunzip exceeded its cap");
    body = std::move(*raw);
  }
  if (body.size() > sync::kMaxBatchBytes) return 0;

  (void)sync::ErrorBody::Parse(body);
  auto j = std::optional<json>(sync::ParseJsonBody(body));
  if (j->is_discarded()) return 0;
  // Whatever ParseJsonBody lets through must be safe to copy and print (both
  // recurse once per nesting level).
  const json copy = *j;
  LINLI_FUZZ_CHECK(copy == *j, "a copy differs");
  (void)copy.dump(-1, ' ', false, json::error_handler_t::replace);
  (void)sync::Checkpoint::FromJson(*j);
  (void)sync::HealthResponse::FromJson(*j);
  (void)sync::EnrollRequest::FromJson(*j);
  (void)sync::EnrollResponse::FromJson(*j);
  (void)sync::HwmResponse::FromJson(*j);
  (void)sync::PushResponse::FromJson(*j);
  (void)sync::ChangesResponse::FromJson(*j);

  auto push = sync::PushRequest::FromJson(*j);
  if (!push.ok()) return 0;
  LINLI_FUZZ_CHECK(!push->events.empty() && push->events.size() <= size_t(sync::kMaxBatchEvents),
                   "a batch of " + std::to_string(push->events.size()) + " events was accepted");
  for (const sync::WireEvent& w : push->events) {
    LINLI_FUZZ_CHECK(w.seq >= 1, "seq < 1 accepted");
    (void)sync::IsAcceptedEventType(w.type, w.type_version);
    auto e = w.ToJournal();
    if (e.ok()) {
      const sync::WireEvent again = sync::WireEvent::FromJournal(*e);
      LINLI_FUZZ_CHECK(again.hash_hex.size() == 64 && again.signature_hex.size() == 128, "hex lengths");
    }
  }
  // Encode → decode is the identity.
  auto back = sync::PushRequest::FromJson(push->ToJson());
  LINLI_FUZZ_CHECK(back.ok(), "a decoded batch does not decode after encoding: " + back.status().message());
  LINLI_FUZZ_CHECK(back->events.size() == push->events.size() && back->device_id == push->device_id,
                   "batch round trip");
  return 0;
}

// ---- Hub: request authentication and gzip bodies -----------------------------------

// The pieces of the hub's device-request handling that need no socket: the
// signed headers (VerifyRequest against a fixed key at a fixed time) and the
// capped gunzip. Input: lines "METHOD\nPATH\nPROTOCOL\nDEVICE\nTIMESTAMP\nNONCE\n
// SIGNATURE\n" then the body. A request signed correctly for those method,
// path and body must verify; with one body byte changed it must not.
inline int FuzzHubRequest(const uint8_t* data, size_t size) {
  static const Ed25519KeyPair key = [] {
    auto k = GenerateEd25519();
    if (!k.ok()) FuzzFail("GenerateEd25519");
    return *k;
  }();
  constexpr int64_t kNow = 1795246200000;
  std::string_view in = AsText(data, size);
  std::vector<std::string> line;
  for (int i = 0; i < 7; ++i) {
    const size_t nl = in.find('\n');
    line.emplace_back(in.substr(0, nl));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  const std::string_view body = in;
  sync::SignedHeaders h{line[2], line[3], line[4], line[5], line[6]};
  Status st = sync::VerifyRequest(key.public_key, h, line[0], line[1], body, kNow);
  LINLI_FUZZ_CHECK(st.ok() || st.IsInvalidArgument() || st.code() == Status::Code::kPermissionDenied,
                   "VerifyRequest answered " + st.ToString());
  // Nobody holds the private key, so only a signature we make can pass.
  LINLI_FUZZ_CHECK(!st.ok(), "a forged signature verified");

  auto signed_h = sync::SignRequest(key.private_key, line[3], line[0], line[1], body, kNow, "0123456789abcdef0123456789abcdef");
  if (signed_h.ok()) {
    Status good = sync::VerifyRequest(key.public_key, *signed_h, line[0], line[1], body, kNow);
    LINLI_FUZZ_CHECK(good.ok(), "a correctly signed request was refused: " + good.ToString());
    std::string tampered(body);
    tampered.push_back('x');
    LINLI_FUZZ_CHECK(!sync::VerifyRequest(key.public_key, *signed_h, line[0], line[1], tampered, kNow).ok(),
                     "a tampered body verified");
  }

  // The body as a gzip upload, with a small cap so bombs are cheap to find.
  constexpr size_t kCap = 64 * 1024;
  auto raw = sync::Gunzip(body, kCap);
  if (raw.ok()) {
    LINLI_FUZZ_CHECK(raw->size() <= kCap, "gunzip exceeded its cap");
    auto z = sync::Gzip(*raw);
    LINLI_FUZZ_CHECK(z.ok(), "gzip failed");
    auto again = sync::Gunzip(*z, kCap);
    LINLI_FUZZ_CHECK(again.ok() && *again == *raw, "gzip round trip");
  } else {
    LINLI_FUZZ_CHECK(raw.status().code() == Status::Code::kInvalidArgument ||
                         raw.status().code() == Status::Code::kFailedPrecondition,
                     "gunzip failed with " + raw.status().ToString());
  }
  return 0;
}

// ---- Payment networks: what WeChat Pay and Alipay send back ------------------------

// WeChat Pay's XML answers (DecodeXml, signatures) and statements (ParseBill),
// and Alipay's statement CSV: hostile bytes from the network side. An
// accepted XML document must encode and decode back to the same parameters;
// a signature made over them must verify, and one byte changed must not;
// statement amounts are exact fen.
inline int FuzzPaymentAnswers(const uint8_t* data, size_t size) {
  using namespace linli::payments;
  std::string_view text = AsText(data, size);
  auto params = wechat::DecodeXml(text);
  if (params.ok()) {
    auto again = wechat::DecodeXml(wechat::EncodeXml(*params));
    LINLI_FUZZ_CHECK(again.ok() && *again == *params, "decoded XML does not encode back to the same parameters");
    const std::string key = "192006250b4c09247ec02edce69f6a2d";
    for (wechat::SignType type : {wechat::SignType::kMd5, wechat::SignType::kHmacSha256}) {
      wechat::Params signed_params = *params;
      signed_params["sign_type"] = wechat::SignTypeName(type);
      signed_params["sign"] = wechat::Sign(signed_params, key, type);
      LINLI_FUZZ_CHECK(wechat::VerifySign(signed_params, key, type), "a fresh signature does not verify");
      signed_params["sign_type"] += "x";
      LINLI_FUZZ_CHECK(!wechat::VerifySign(signed_params, key, type), "a changed parameter still verifies");
    }
  } else {
    LINLI_FUZZ_CHECK(params.status().message().size() < 1000, "refusal message grows with the input");
  }
  if (auto bill = wechat::ParseBill(text); bill.ok()) {
    LINLI_FUZZ_CHECK(bill->summary.count == static_cast<int64_t>(bill->rows.size()), "statement count disagrees");
  }
  if (size < 64 * 1024) {
    if (auto rows = ParseAlipayBillCsv(text); rows.ok()) {
      for (const AlipayBillRow& r : *rows) {
        LINLI_FUZZ_CHECK(r.amount_fen > INT64_MIN / 2 && r.amount_fen < INT64_MAX / 2, "statement amount out of range");
      }
    }
  }
  return 0;
}

// ---- Scripted till -----------------------------------------------------------------

// ParseTillScript, then RunTillScript against a scratch store with a small
// catalog (fresh every 200 inputs). Scripts with more than 16 sales or 64
// actions are skipped to keep each run short.
inline int FuzzTillScript(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  auto script = ParseTillScript(AsText(data, size));
  if (!script.ok()) return 0;
  if (script->is_object() && script->contains("sales") && (*script)["sales"].is_array()) {
    const json& sales = (*script)["sales"];
    if (sales.size() > 16) return 0;
    size_t actions = 0;
    for (const json& s : sales) {
      if (s.is_object() && s.contains("actions") && s["actions"].is_array()) actions += s["actions"].size();
    }
    if (actions > 64) return 0;
  }
  static ScratchStore store(200);
  static SandboxGateway gateway;
  Database& db = store.Get(/*with_catalog=*/true);
  store.clock().Advance(1000);
  for (int cols : {0, 32}) {
    TillScriptOptions opts;
    opts.receipt_columns = cols;
    TillScriptResult r = RunTillScript(db, store.clock(), &gateway, *script, opts);
    LINLI_FUZZ_CHECK(r.completed.is_array(), "completed is not an array");
    (void)r.completed.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return 0;
}

}  // namespace linli::fuzz
