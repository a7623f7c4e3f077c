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

// ---- The zip Alipay serves ---------------------------------------------------
// A zip is read from its central directory (the local headers of Java-written
// zips leave sizes to a trailing descriptor). A deflated entry is inflated by
// wrapping its raw deflate data as a gzip member, with the CRC-32 and size the
// directory gives, and handing it to the protocol's capped Gunzip: zlib stays
// wrapped where it is, and the CRC is checked.

#include "linli/pos/text.h"
#include "linli/sync/protocol.h"

namespace linli::payments {
namespace {

uint32_t Le(std::string_view s, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

struct ZipEntry {
  std::string name;
  uint16_t method = 0;
  uint16_t flags = 0;
  uint32_t crc = 0;
  uint32_t compressed = 0;
  uint32_t size = 0;
  uint32_t local_offset = 0;
};

Result<std::vector<ZipEntry>> ZipDirectory(std::string_view zip) {
  if (zip.size() < 22) return Status::InvalidArgument("the Alipay statement zip is cut short");
  size_t eocd = std::string_view::npos;
  const size_t lowest = zip.size() > 22 + 65535 ? zip.size() - 22 - 65535 : 0;
  for (size_t i = zip.size() - 22 + 1; i-- > lowest;) {
    if (zip.compare(i, 4, "PK\x05\x06") == 0) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) return Status::InvalidArgument("the Alipay statement zip has no directory");
  const uint32_t count = Le(zip, eocd + 10, 2);
  const uint32_t cd_size = Le(zip, eocd + 12, 4);
  size_t at = Le(zip, eocd + 16, 4);
  if (count == 0xFFFF || at == 0xFFFFFFFFu || at + cd_size > eocd) {
    return Status::FailedPrecondition("the Alipay statement zip is zip64 or damaged");
  }
  std::vector<ZipEntry> out;
  for (uint32_t i = 0; i < count; ++i) {
    if (at + 46 > eocd || zip.compare(at, 4, "PK\x01\x02") != 0) {
      return Status::InvalidArgument("the Alipay statement zip's directory is damaged");
    }
    ZipEntry e;
    e.flags = static_cast<uint16_t>(Le(zip, at + 8, 2));
    e.method = static_cast<uint16_t>(Le(zip, at + 10, 2));
    e.crc = Le(zip, at + 16, 4);
    e.compressed = Le(zip, at + 20, 4);
    e.size = Le(zip, at + 24, 4);
    const uint32_t name_len = Le(zip, at + 28, 2), extra = Le(zip, at + 30, 2), comment = Le(zip, at + 32, 2);
    e.local_offset = Le(zip, at + 42, 4);
    if (at + 46 + name_len > eocd) return Status::InvalidArgument("the Alipay statement zip's directory is damaged");
    e.name = std::string(zip.substr(at + 46, name_len));
    out.push_back(e);
    at += 46 + name_len + extra + comment;
  }
  return out;
}

Result<std::string> ZipData(std::string_view zip, const ZipEntry& e) {
  if (e.flags & 1) return Status::FailedPrecondition("the Alipay statement zip is encrypted");
  const size_t h = e.local_offset;
  if (h + 30 > zip.size() || zip.compare(h, 4, "PK\x03\x04") != 0) {
    return Status::InvalidArgument("the Alipay statement zip entry " + e.name + " is damaged");
  }
  const size_t data = h + 30 + Le(zip, h + 26, 2) + Le(zip, h + 28, 2);
  if (data + e.compressed > zip.size()) return Status::InvalidArgument("the Alipay statement zip is cut short");
  std::string_view raw = zip.substr(data, e.compressed);
  if (e.method == 0) return std::string(raw);
  if (e.method != 8) {
    return Status::FailedPrecondition("the Alipay statement zip uses compression method " +
                                      std::to_string(e.method));
  }
  std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  gz.append(raw);
  for (uint32_t v : {e.crc, e.size}) {
    for (int i = 0; i < 4; ++i) gz += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  return sync::Gunzip(gz);
}

Result<std::vector<AlipayBillRow>> ParseText(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return ParseAlipayBillCsv(bytes);
  Result<std::string> utf8 = Gb18030ToUtf8(bytes);
  if (!utf8.ok()) return Status::InvalidArgument("the Alipay statement is neither UTF-8 nor GBK text");
  return ParseAlipayBillCsv(*utf8);
}

}  // namespace

Result<std::vector<AlipayBillRow>> ParseAlipayBillFile(std::string_view bytes) {
  if (bytes.rfind("PK\x03\x04", 0) != 0) return ParseText(bytes);
  Result<std::vector<ZipEntry>> entries = ZipDirectory(bytes);
  if (!entries.ok()) return entries.status();
  Status last = Status::InvalidArgument("the Alipay statement zip holds no file");
  for (const ZipEntry& e : *entries) {
    if (!e.name.empty() && e.name.back() == '/') continue;
    Result<std::string> data = ZipData(bytes, e);
    if (!data.ok()) {
      last = data.status();
      continue;
    }
    Result<std::vector<AlipayBillRow>> rows = ParseText(*data);
    if (rows.ok()) return rows;  // the 业务明细 file; the 汇总 one lacks its columns
    last = rows.status();
  }
  return last;
}

}  // namespace linli::payments
