// Till users (cashier, manager, owner) and their PINs.
//
// PINs are 4–8 digits, stored only as salted scrypt hashes (crypto.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

enum class Role { kCashier = 0, kManager = 1, kOwner = 2 };  // ordered by authority

Result<Role> ParseRole(std::string_view s);  // "cashier"|"manager"|"owner" (or 收银员/店长/店主)
const char* RoleName(Role r);

struct User {
  std::string id;    // the number typed at sign-in, e.g. "1001"
  std::string name;  // e.g. "张三"
  Role role = Role::kCashier;
};

// Adds a user, or replaces name, role and PIN of an existing id.
// InvalidArgument names the bad field (id, PIN).
Status AddUser(Database& db, const User& user, std::string_view pin, const Clock& clock);

// PermissionDenied "wrong PIN" or NotFound for an unknown/disabled id.
Result<User> Authenticate(Database& db, const std::string& id, std::string_view pin);

Result<std::vector<User>> ListUsers(Database& db);

// Staff management by a signed-in manager or owner (`by`). Each change is
// one audit_log row ("user_disable", "user_enable", "user_set_pin": user_id
// is `by`, before/after the user's state; the PIN itself is never logged).
// PermissionDenied when `by` is a cashier, or a manager acting on an owner;
// NotFound for an unknown id.
//
// SetUserActive(false) disables: Authenticate refuses the user from then on.
// FailedPrecondition when `by` disables themself or the last active owner.
Status SetUserActive(Database& db, const User& by, const std::string& id, bool active, const Clock& clock);

// Gives the user a new PIN (4–8 digits, as AddUser checks it).
Status SetUserPin(Database& db, const User& by, const std::string& id, std::string_view pin, const Clock& clock);

}  // namespace linli
