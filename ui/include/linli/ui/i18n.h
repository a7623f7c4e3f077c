// The counter's words: the shop's string tables (linli/i18n/i18n.h, shared
// with the CLI), named in linli::ui so the counter's code says Tr("key.pay").
// Every string a cashier sees is a key in the zh_CN and en tables
// (ui/i18n/*.json); see linli/i18n/i18n.h for the lookup, the fallback and
// how a keyed Status is shown.
#pragma once

#include "linli/i18n/i18n.h"

namespace linli::ui {

using i18n::EmbeddedTable;
using i18n::kAllLanguages;
using i18n::Lang;
using i18n::Language;
using i18n::LanguageCode;
using i18n::Localizer;
using i18n::ParseLanguage;
using i18n::StringTable;
using i18n::Tr;
using i18n::ReadersHalf;
using i18n::TrF;
using i18n::TrStatus;

}  // namespace linli::ui
