#include "linli/ui/devices.h"

#include "linli/drivers/escpos.h"
#include "linli/drivers/escpos_render.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"

namespace linli::ui {
namespace {

// linli::Printer on its own connection to the store.
class DbCounterPrinter final : public CounterPrinter {
 public:
  DbCounterPrinter(std::unique_ptr<Database> db, std::unique_ptr<PrinterTransport> transport,
                   const Clock& clock, PrinterConfig config)
      : db_(std::move(db)),
        transport_(std::move(transport)),
        printer_(*db_, *transport_, clock, std::move(config)) {}

  SalePrintOutcome PrintSale(const CommittedSale& sale) override { return printer_.PrintSale(sale); }
  PrintOutcome PrintReceipt(const std::string& receipt_no, bool reprint) override {
    return printer_.PrintReceipt(receipt_no, reprint);
  }
  PrintOutcome PrintReport(const std::string& text) override { return printer_.PrintReport(text); }
  int columns() const override { return printer_.config().profile.columns; }
  std::string describe() const override {
    return transport_->uri() + " (" + printer_.config().profile.name + ")";
  }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<PrinterTransport> transport_;
  Printer printer_;
};

}  // namespace

Result<std::unique_ptr<CounterPrinter>> OpenCounterPrinter(const std::string& db_path, const std::string& uri,
                                                           const std::string& profile, const Clock& clock) {
  auto db = OpenStore(db_path);
  if (!db.ok()) return db.status();
  auto prof = FindProfile(**db, profile.empty() ? "generic58" : profile);  // the store's own profiles too
  if (!prof.ok()) return prof.status();
  auto transport = OpenTransport(uri);
  if (!transport.ok()) return transport.status();
  PrinterConfig config;
  config.profile = *prof;
  return std::unique_ptr<CounterPrinter>(
      new DbCounterPrinter(std::move(*db), std::move(*transport), clock, std::move(config)));
}

SalePrintOutcome FakeCounterPrinter::PrintSale(const CommittedSale& sale) {
  std::lock_guard<std::mutex> lock(mu_);
  SalePrintOutcome out;
  out.receipt.status = fail_with;
  if (fail_with.ok()) {
    sales_.push_back(sale.receipt_no);
    out.drawer_kicked = true;
    ++kicks_;
  }
  return out;
}

PrintOutcome FakeCounterPrinter::PrintReceipt(const std::string& receipt_no, bool /*reprint*/) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fail_with.ok()) receipts_.push_back(receipt_no);
  return {0, fail_with};
}

PrintOutcome FakeCounterPrinter::PrintReport(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fail_with.ok()) reports_.push_back(text);
  return {0, fail_with};
}

std::vector<std::string> FakeCounterPrinter::sales() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sales_;
}
std::vector<std::string> FakeCounterPrinter::reports() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reports_;
}
int FakeCounterPrinter::drawer_kicks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return kicks_;
}

Result<GrayImage> RenderReceiptPreview(Database& db, const std::string& receipt_no, const std::string& profile,
                                       bool reprint) {
  auto prof = FindProfile(db, profile.empty() ? "generic58" : profile);
  if (!prof.ok()) return prof.status();
  auto model = BuildReceipt(db, receipt_no, reprint);
  if (!model.ok()) return model.status();
  auto bytes = EncodeReceipt(*model, *prof);
  if (!bytes.ok()) return bytes.status();
  RenderOptions options;
  options.paper_width = prof->dots;
  options.chinese_encoding = TextEncodingName(prof->encoding);
  return RenderEscPos(*bytes, options).image;
}

}  // namespace linli::ui
