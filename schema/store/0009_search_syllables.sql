-- 0009: product names character by character for the counter's mixed
-- searches (issue 12: kk可乐, 可口kl, kekou kele; pos/catalog name_match.h).
-- pinyin_syllables holds PinyinIndexer's syllables string, e.g.
-- "可ke 口kou 可ke 乐le 3 3 0 m l". It needs ICU, so this file cannot fill it:
-- NULL means "not built yet", and OpenStore builds it for those rows after
-- migrating (the partial index finds them without a scan). UpsertProduct
-- writes it for every import and HQ feed row.
-- DO NOT EDIT once landed; add a new numbered file instead.

ALTER TABLE products ADD COLUMN pinyin_syllables TEXT;
CREATE INDEX products_without_syllables ON products(id) WHERE pinyin_syllables IS NULL;
