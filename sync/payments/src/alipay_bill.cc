// The 业务明细 statement Alipay's bill download gives, for reconciliation.
#include <map>

#include "linli/payments/alipay_gateway.h"
#include "linli/pos/csv.h"
#include "linli/pos/money.h"

namespace linli::payments {
namespace {

// Alipay pads values with tabs (so spreadsheets keep long numbers as text)
// and spaces.
std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

Result<std::vector<AlipayBillRow>> ParseAlipayBillCsv(std::string_view csv_utf8) {
  // Drop the '#' lines (title, account, period, totals), keeping line numbers.
  std::string text;
  std::vector<int> line_of;  // record line in `text` → line in the file
  int file_line = 0;
  size_t pos = 0;
  while (pos <= csv_utf8.size()) {
    size_t nl = csv_utf8.find('\n', pos);
    if (nl == std::string_view::npos) nl = csv_utf8.size();
    std::string_view line = csv_utf8.substr(pos, nl - pos);
    ++file_line;
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.remove_prefix(3);
    if (!line.empty() && line[0] != '#' && !Trim(line).empty()) {
      text.append(line);
      text += '\n';
      line_of.push_back(file_line);
    }
    if (nl == csv_utf8.size()) break;
    pos = nl + 1;
  }
  Result<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) return Status::InvalidArgument("the Alipay statement is not CSV: " + records.status().message());
  if (records->empty()) return Status::InvalidArgument("the Alipay statement has no header row");
  auto at = [&](int record_line) {
    return record_line >= 1 && static_cast<size_t>(record_line) <= line_of.size() ? line_of[record_line - 1] : 0;
  };

  std::map<std::string, size_t> col;
  const CsvRecord& header = records->front();
  for (size_t i = 0; i < header.fields.size(); ++i) col[Trim(header.fields[i])] = i;
  for (const char* need : {"支付宝交易号", "商户订单号", "业务类型", "订单金额（元）"}) {
    if (!col.count(need)) {
      return Status::InvalidArgument(std::string("the Alipay statement's header has no column ") + need +
                                     " (line " + std::to_string(at(header.line)) + ")");
    }
  }
  std::vector<AlipayBillRow> out;
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    auto field = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it != col.end() && it->second < rec.fields.size() ? Trim(rec.fields[it->second]) : "";
    };
    auto money = [&](const char* name, int64_t* fen) -> Status {
      const std::string v = field(name);
      if (v.empty()) return Status::Ok();
      Result<Money> m = ParseYuan(v, Sign::kAny);
      if (!m.ok()) {
        return Status::InvalidArgument("line " + std::to_string(at(rec.line)) + " of the Alipay statement: " +
                                       name + " \"" + v + "\": " + m.status().message());
      }
      *fen = m->fen();
      return Status::Ok();
    };
    AlipayBillRow row;
    row.trade_no = field("支付宝交易号");
    row.out_trade_no = field("商户订单号");
    row.business_type = field("业务类型");
    row.subject = field("商品名称");
    row.created_at = field("创建时间");
    row.finished_at = field("完成时间");
    row.out_request_no = field("退款批次号/请求号");
    LINLI_RETURN_IF_ERROR(money("订单金额（元）", &row.amount_fen));
    LINLI_RETURN_IF_ERROR(money("商家实收（元）", &row.received_fen));
    LINLI_RETURN_IF_ERROR(money("服务费（元）", &row.fee_fen));
    if (row.trade_no.empty()) {
      return Status::InvalidArgument("line " + std::to_string(at(rec.line)) +
                                     " of the Alipay statement has no 支付宝交易号");
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace linli::payments
