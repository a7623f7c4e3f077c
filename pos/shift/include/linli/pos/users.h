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

}  // namespace linli
