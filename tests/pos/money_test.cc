#include <doctest/doctest.h>
#include "linli/pos/money.h"
TEST_CASE("placeholder") { CHECK(linli::ParseYuan("3.5").value().fen() == 350); }
