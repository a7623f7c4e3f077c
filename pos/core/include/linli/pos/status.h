// Status and Result<T>: how every fallible call in pos reports its outcome.
//
// A Status is OK or carries a code and a message meant for a person: it says
// what was wrong and, where it can, what to do about it. Result<T> holds either
// a value or a non-OK Status. Both are cheap to move and never throw.
//
// The message is English, for logs, the CLI and tests. A Status a cashier may
// meet at the counter can also carry a message key with named arguments,
//   return Status::NotFound("there is no line " + n).WithKey("pos.no_line", {{"line", n}});
// which the counter looks up in its string tables (ui/i18n/*.json, where the
// text names the arguments: "没有第 {line} 行") to show the same words in the
// cashier's language. Without a key the counter shows the message.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace linli {

class [[nodiscard]] Status {
 public:
  // Named arguments of a message key: {{"qty", "13"}, {"line", "2"}}.
  using MessageArgs = std::vector<std::pair<std::string, std::string>>;

  enum class Code {
    kOk = 0,
    kInvalidArgument,   // the caller's input is wrong; the message names it
    kNotFound,          // the thing asked for does not exist
    kAlreadyExists,     // a unique thing would be duplicated
    kFailedPrecondition,// the state does not allow it (e.g. schema too new)
    kPermissionDenied,  // wrong PIN, role too low
    kCorruption,        // stored data fails a check (hash, integrity)
    kIoError,           // the disk or OS failed (full disk, I/O error)
    kUnavailable,       // a peer (hub, printer, gateway) did not answer
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }

  // This Status with a message key and its arguments (see above). The code
  // and the message stay as they are; an OK Status takes no key.
  Status WithKey(std::string key, MessageArgs args = {}) const&;
  Status WithKey(std::string key, MessageArgs args = {}) &&;
  // "" when the Status carries no key.
  const std::string& message_key() const { return message_key_; }
  const MessageArgs& message_args() const { return message_args_; }

  // "invalid argument: <message>", or "OK". The key is not part of it.
  std::string ToString() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string message_key_;
  MessageArgs message_args_;
};

// Either a T or a non-OK Status. Accessing value() of an error is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace linli

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define LINLI_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::linli::Status linli_st_ = (expr);      \
    if (!linli_st_.ok()) return linli_st_;   \
  } while (0)
