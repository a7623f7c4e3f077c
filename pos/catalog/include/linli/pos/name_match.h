// Matching a search query against a product name the way people type it at
// the counter (issue 12): pinyin initials, full pinyin and Hanzi mixed in one
// word (kk可乐, 可口kl, kekou), several words, numbers inside a name.
//
// The name is matched character by character through its syllables string
// (Pinyin::syllables, stored in products.pinyin_syllables):
//   "可口可乐 330ml" → "可ke 口kou 可ke 乐le 3 3 0 m l"
// Spaces, punctuation, symbols and emoji are not characters here, so the
// words of a name run together: kkkl330 and kl3 match 可口可乐 330ml.
//
// The query is width-folded and lower-cased (NormalizeQuery) and split into
// words on spaces (and control characters); ASCII punctuation inside a word
// is ignored (330-ml is 330ml). Every word must match; words may match in any
// order and overlap ("kele kekou" matches as well as "kekou kele").
//
// A word matches when it can be consumed left to right by adjacent characters
// of the name, starting at any character, each character taking
//   - a Hanzi: the character itself,
//   - its pinyin syllable or any prefix of it, at least the first letter
//     (可: "k" or "ke"; 张: "z", "zh", "zha", "zhan", "zhang"),
//   - an ASCII letter or digit: itself (case-insensitive),
//   - another letter or digit (ア, α): itself.
// The match may end inside a syllable (可口可乐 for "kekouk"). One further
// allowance: where a word switches between Hanzi and Latin letters or digits
// (a cashier switching input method), the next part may skip ahead in the
// name: "ke可" matches 可口可乐 (ke → the first 可, 可 → the second). The
// parts must still come in order ("可乐口" does not match 可口可乐), and such
// a match ranks after adjacent ones.
//
// Readings: one per character, the one ICU's Han-Latin transliterator picks
// for the name in context (可乐 → "ke le", 音乐 → "yin yue"). The other readings
// of a polyphonic character do not match: 可口可乐 is not found by "keyue".
//
// Thread safety: a NameQuery keeps scratch buffers; one per thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linli {

// How a query matched one name, for ranking.
struct NameMatch {
  bool at_start = false;   // the query's first word matched from the name's first character
  bool adjacent = true;    // no word needed the skip-ahead allowance
};

class NameQuery {
 public:
  // `query` as typed; any bytes (invalid UTF-8, control characters, emoji)
  // are safe and simply match nothing they are not.
  explicit NameQuery(std::string_view query);

  // True when there is no word to match (empty, only spaces or punctuation);
  // Match then returns nullopt for every name.
  bool empty() const { return words_.empty(); }

  // How the query matches the name whose syllables string is `syllables`
  // (Pinyin::syllables), or nullopt when some word does not match.
  std::optional<NameMatch> Match(std::string_view syllables) const;

 private:
  struct Word {
    std::string text;                 // the word without punctuation
    std::vector<std::string> parts;   // its Hanzi and Latin runs, in order
    bool first = false;               // the query's first word
  };
  struct Token {                      // one character of the name, by byte offset in syllables
    size_t text_pos, text_len;        // the character (a Hanzi, or a letter)
    size_t syl_pos, syl_len;          // a Hanzi's syllable; 0 length otherwise
    size_t next;                      // where the next token starts (or the end)
  };
  static Token TokenAt(std::string_view syl, size_t i);
  // The first token at or after byte `from` where `part` may begin, or npos.
  static size_t NextStart(std::string_view part, std::string_view syl, size_t from);

  // Where the token after the shortest match of `part` starting at the token
  // at byte `start` begins, or 0 when it does not match there.
  size_t MatchAt(std::string_view part, std::string_view syl, size_t start) const;
  bool MatchWord(const Word& w, std::string_view syl, NameMatch& m) const;

  std::vector<Word> words_;  // longest first, so a name fails fast
  mutable std::vector<size_t> cur_, next_;
};

}  // namespace linli
