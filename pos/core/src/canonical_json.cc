#include "linli/pos/canonical_json.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "linli/pos/text.h"

namespace linli {
namespace {

using Json = nlohmann::json;

// One step of the path from the root to the value being written. The path is
// kept as pointers and only turned into text when something is refused, so
// the common case costs nothing.
struct PathStep {
  const std::string* key = nullptr;  // member name, or null for an array index
  size_t index = 0;
};

bool IsIdentifier(const std::string& key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return true;
}

// Appends `s` as a JSON string. The caller has checked it is valid UTF-8.
void AppendString(std::string& out, const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;  // ASCII and UTF-8 bytes as they are
        }
    }
  }
  out += '"';
}

// "$", "$.lines[2].qty", "$[\"单 价\"]". Keys that are not plain identifiers
// are written in brackets as JSON strings; an invalid-UTF-8 key as "?".
std::string PathText(const std::vector<PathStep>& path) {
  std::string out = "$";
  for (const PathStep& step : path) {
    if (step.key == nullptr) {
      out += '[' + std::to_string(step.index) + ']';
    } else if (IsIdentifier(*step.key)) {
      out += '.' + *step.key;
    } else if (IsValidUtf8(*step.key)) {
      out += '[';
      AppendString(out, *step.key);
      out += ']';
    } else {
      out += "[?]";
    }
  }
  return out;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Status Write(const Json& v) {
    switch (v.type()) {
      case Json::value_t::null:
        out_ += "null";
        return Status::Ok();
      case Json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return Status::Ok();
      case Json::value_t::number_integer:
        out_ += std::to_string(v.get<int64_t>());
        return Status::Ok();
      case Json::value_t::number_unsigned: {
        const uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Refuse("integer " + std::to_string(u) + " is beyond the int64 range");
        }
        out_ += std::to_string(u);
        return Status::Ok();
      }
      case Json::value_t::number_float:
        return Refuse("is a floating-point number (" + v.dump() +
                      "); journal payloads take integers only: fen, milli-units, basis points");
      case Json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (!IsValidUtf8(s)) return Refuse("is a string that is not valid UTF-8");
        AppendString(out_, s);
        return Status::Ok();
      }
      case Json::value_t::array:
        return WriteArray(v);
      case Json::value_t::object:
        return WriteObject(v);
      case Json::value_t::binary:
        return Refuse("is a binary value, which JSON text cannot hold");
      case Json::value_t::discarded:
        return Refuse("is a discarded value (a failed parse)");
    }
    return Refuse("has an unknown JSON type");
  }

 private:
  Status Refuse(const std::string& what) {
    return Status::InvalidArgument("JSON value at " + PathText(path_) + " " + what);
  }

  Status Enter() {
    if (static_cast<int>(path_.size()) >= kMaxCanonicalJsonDepth) {
      return Refuse("is nested deeper than " + std::to_string(kMaxCanonicalJsonDepth) + " levels");
    }
    return Status::Ok();
  }

  Status WriteArray(const Json& v) {
    LINLI_RETURN_IF_ERROR(Enter());
    out_ += '[';
    size_t i = 0;
    for (const Json& item : v) {
      if (i > 0) out_ += ',';
      path_.push_back({nullptr, i});
      LINLI_RETURN_IF_ERROR(Write(item));
      path_.pop_back();
      ++i;
    }
    out_ += ']';
    return Status::Ok();
  }

  // nlohmann::json keeps members in a std::map<std::string, json>, whose
  // std::less<std::string> compares bytes as unsigned char (char_traits<char>),
  // so iteration order is already the canonical order: UTF-8 byte order.
  Status WriteObject(const Json& v) {
    LINLI_RETURN_IF_ERROR(Enter());
    out_ += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      path_.push_back({&key, 0});
      if (!IsValidUtf8(key)) return Refuse("has a key that is not valid UTF-8");
      if (!first) out_ += ',';
      first = false;
      AppendString(out_, key);
      out_ += ':';
      LINLI_RETURN_IF_ERROR(Write(it.value()));
      path_.pop_back();
    }
    out_ += '}';
    return Status::Ok();
  }

  std::string& out_;
  std::vector<PathStep> path_;
};

}  // namespace

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  out.reserve(256);
  Writer writer(out);
  Status st = writer.Write(value);
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
