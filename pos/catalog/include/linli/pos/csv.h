// RFC 4180 CSV reading and writing, UTF-8, for catalog import and export.
//
// Quoted fields may hold commas, quotes ("") and newlines. A UTF-8 byte-order
// mark at the start is skipped. Each record carries the 1-based line number
// where it starts, so errors can point at the line a person sees in an editor.
//
// Line ends: outside quotes, LF, CRLF and a bare CR (old Mac files, and some
// spreadsheet exports) each end a record; a blank line is not a record.
// Inside quotes every byte is data, CR, LF and NUL included. The writer
// always ends records with LF and quotes any field holding a comma, quote,
// CR or LF, and a record whose only field is empty as "", so that
// ParseCsv(CsvRow(r)) gives back r for every record ParseCsv returns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/status.h"

namespace linli {

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// Parses the whole text. InvalidArgument names the line of an unterminated
// quote or of stray characters after a closing quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// Quotes a field when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view s);
std::string CsvRow(const std::vector<std::string>& fields);  // with "\n"

}  // namespace linli
