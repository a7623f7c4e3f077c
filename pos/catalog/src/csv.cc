#include "linli/pos/csv.h"

namespace linli {

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  int line = 1;
  rec.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted field
  bool record_has_content = false;
  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_record = [&] {
    end_field();
    // A blank line is not a record.
    if (record_has_content || rec.fields.size() > 1 || !rec.fields[0].empty()) out.push_back(std::move(rec));
    rec = CsvRecord();
    record_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      end_field();
      record_has_content = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
      rec.line = line;
    } else if (c == '"' && field.empty() && !after_quote) {
      in_quotes = true;
      record_has_content = true;
    } else if (after_quote) {
      return Status::InvalidArgument("line " + std::to_string(line) +
                                     ": unexpected character after a closing quote; "
                                     "write a quote inside a quoted field as \"\"");
    } else {
      field += c;
    }
  }
  if (in_quotes) {
    return Status::InvalidArgument("line " + std::to_string(rec.line) +
                                   ": a quoted field is never closed; add the missing \"");
  }
  if (!field.empty() || !rec.fields.empty() || after_quote || record_has_content) end_record();
  return out;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

std::string CsvRow(const std::vector<std::string>& fields) {
  // A lone empty field written bare would be a blank line, which the reader
  // skips: quote it so the record survives.
  if (fields.size() == 1 && fields[0].empty()) return "\"\"\n";
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) row += ',';
    row += CsvField(fields[i]);
  }
  row += '\n';
  return row;
}

}  // namespace linli
