// Canonical JSON: the one byte form of a JSON document that the journal hashes
// and signs (DESIGN §6, pos/journal/JOURNAL_FORMAT.md §2).
//
// Two documents that are equal as JSON values produce the same bytes, however
// they were built. The form is:
//   - no whitespace anywhere;
//   - object members sorted by key, comparing the keys' UTF-8 bytes as
//     unsigned values (which is also Unicode code point order);
//   - strings kept as UTF-8, not \u-escaped. Only '"' and '\' and the control
//     characters U+0000..U+001F are escaped: \" \\ \b \f \n \r \t, and the
//     rest as \u00xx with lowercase hex;
//   - integers in plain decimal (-12, 0, 350), in the int64 range;
//   - true, false, null as themselves.
//
// Money and quantities are integers in Linli (fen, milli-units, basis
// points), so a floating-point number in a payload is a bug: it is refused,
// never rounded.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "linli/pos/status.h"

namespace linli {

// Deepest nesting of arrays/objects CanonicalJson accepts.
inline constexpr int kMaxCanonicalJsonDepth = 64;

// Returns the canonical bytes of `value`.
//
// InvalidArgument, naming the JSON path of the first offending value
// ("$.lines[2].qty", "$[\"单价\"]"), when the document holds:
//   - a floating-point number (even 1.0);
//   - an unsigned integer above INT64_MAX;
//   - a string or an object key that is not valid UTF-8 (overlong forms,
//     surrogates and code points above U+10FFFF are invalid too);
//   - a binary value, or nesting deeper than kMaxCanonicalJsonDepth.
// Never throws.
Result<std::string> CanonicalJson(const nlohmann::json& value);

}  // namespace linli
