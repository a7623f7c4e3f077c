#include "linli/pos/name_match.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "linli/pos/text.h"

namespace linli {
namespace {

bool IsAsciiAlnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Splits a word in the query: bytes below 0x80 that are not letters or
// digits are not characters of a name, and control characters and spaces end
// a word.
bool EndsWord(unsigned char c) { return c <= ' ' || c == 0x7F; }

// The byte length of the UTF-8 sequence led by `c` (1 for a stray byte, so a
// bad sequence is compared byte by byte and matches nothing).
size_t Utf8Len(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return c < 0xF8 ? 4 : 1;
}

}  // namespace

NameQuery::NameQuery(std::string_view query) {
  const std::string q = NormalizeQuery(query);
  std::set<std::string> seen;
  Word w;
  auto finish = [&] {
    if (!w.text.empty() && seen.insert(w.text).second) {
      w.first = words_.empty();
      words_.push_back(std::move(w));
    }
    w = Word();
  };
  bool part_latin = false;
  for (size_t i = 0; i < q.size();) {
    const auto c = static_cast<unsigned char>(q[i]);
    if (EndsWord(c)) {
      finish();
      ++i;
      continue;
    }
    const size_t n = std::min(Utf8Len(c), q.size() - i);
    if (c < 0x80 && !IsAsciiAlnum(c)) {  // punctuation inside a word
      ++i;
      continue;
    }
    const bool latin = c < 0x80;
    if (w.parts.empty() || latin != part_latin) w.parts.emplace_back();
    part_latin = latin;
    w.parts.back().append(q, i, n);
    w.text.append(q, i, n);
    i += n;
  }
  finish();
  std::stable_sort(words_.begin(), words_.end(),
                   [](const Word& a, const Word& b) { return a.text.size() > b.text.size(); });
}

NameQuery::Token NameQuery::TokenAt(std::string_view syl, size_t i) {
  size_t end = syl.find(' ', i);
  if (end == std::string_view::npos) end = syl.size();
  Token tok{i, 1, end, 0, end};
  const auto c = static_cast<unsigned char>(syl[i]);
  if (c >= 0x80) {
    tok.text_len = std::min(Utf8Len(c), end - i);
    tok.syl_pos = i + tok.text_len;
    tok.syl_len = end - tok.syl_pos;
  } else {
    tok.text_len = end - i;  // one ASCII character
  }
  while (tok.next < syl.size() && syl[tok.next] == ' ') ++tok.next;
  return tok;
}

size_t NameQuery::MatchAt(std::string_view part, std::string_view syl, size_t start) const {
  cur_.assign(1, 0);
  for (size_t pos = start; pos < syl.size() && !cur_.empty();) {
    const Token tok = TokenAt(syl, pos);
    next_.clear();
    auto reach = [&](size_t q) {
      if (q == part.size()) return true;
      if (std::find(next_.begin(), next_.end(), q) == next_.end()) next_.push_back(q);
      return false;
    };
    for (size_t q : cur_) {
      if (q + tok.text_len <= part.size() && part.compare(q, tok.text_len, syl.substr(tok.text_pos, tok.text_len)) == 0) {
        if (reach(q + tok.text_len)) return tok.next;
      }
      // Any prefix of the syllable, at least its first letter.
      for (size_t k = 0; k < tok.syl_len && q + k < part.size() && part[q + k] == syl[tok.syl_pos + k]; ++k) {
        if (reach(q + k + 1)) return tok.next;
      }
    }
    std::swap(cur_, next_);
    pos = tok.next;
  }
  return 0;
}

size_t NameQuery::NextStart(std::string_view part, std::string_view syl, size_t from) {
  // Only where the part's first character can begin: at a token (a letter,
  // digit or Hanzi) or at a Hanzi's syllable. Cheap, so most names are
  // refused without being split into tokens.
  const auto first = static_cast<unsigned char>(part[0]);
  const std::string_view head = part.substr(0, std::min(Utf8Len(first), part.size()));
  for (size_t i = syl.find(head, from); i != std::string_view::npos; i = syl.find(head, i + 1)) {
    if (i == 0 || syl[i - 1] == ' ') return i;
    if (first < 0x80 && static_cast<unsigned char>(syl[i - 1]) >= 0x80) {
      const size_t space = syl.rfind(' ', i);
      const size_t tok = space == std::string_view::npos ? 0 : space + 1;
      if (tok >= from) return tok;
    }
  }
  return std::string_view::npos;
}

bool NameQuery::MatchWord(const Word& w, std::string_view syl, NameMatch& m) const {
  // Adjacent characters first: the word as one run, from the earliest start.
  for (size_t s = NextStart(w.text, syl, 0); s != std::string_view::npos; s = NextStart(w.text, syl, s + 1)) {
    if (MatchAt(w.text, syl, s)) {
      if (w.first) m.at_start = s == 0;
      return true;
    }
  }
  if (w.parts.size() < 2) return false;
  // Each Hanzi/Latin part adjacent within itself, the parts in order. Ending
  // each part as early as possible leaves the most room for the next.
  size_t pos = 0;
  for (size_t i = 0; i < w.parts.size(); ++i) {
    size_t best_end = 0, best_start = 0;
    for (size_t s = NextStart(w.parts[i], syl, pos); s != std::string_view::npos && (best_end == 0 || s < best_end);
         s = NextStart(w.parts[i], syl, s + 1)) {
      const size_t end = MatchAt(w.parts[i], syl, s);
      if (end && (best_end == 0 || end < best_end)) {
        best_end = end;
        best_start = s;
      }
    }
    if (best_end == 0) return false;
    if (i == 0 && w.first) m.at_start = best_start == 0;
    pos = best_end;
  }
  m.adjacent = false;
  return true;
}

std::optional<NameMatch> NameQuery::Match(std::string_view syl) const {
  if (words_.empty()) return std::nullopt;
  // Every matched query byte is a distinct byte of the syllables string.
  for (const Word& w : words_) {
    if (w.text.size() > syl.size() || NextStart(w.text, syl, 0) == std::string_view::npos) return std::nullopt;
  }
  NameMatch m;
  for (const Word& w : words_) {
    if (!MatchWord(w, syl, m)) return std::nullopt;
  }
  return m;
}

}  // namespace linli
