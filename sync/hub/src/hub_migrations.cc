// The hub's SQLite migrations (schema/hub/sqlite/), embedded at build time.
// The generated file defines `const` arrays, which have internal linkage
// unless declared extern first, so they are declared here and the generated
// source is included after.
#include "linli/pos/migrations.h"

namespace linli {
extern const Migration kHubSqliteMigrations[];
extern const int kHubSqliteMigrations_count;
}  // namespace linli

#include "kHubSqliteMigrations.cc"
