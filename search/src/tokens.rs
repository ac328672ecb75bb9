//! How names become words.
//!
//! Catalog names are not prose: `fct_orders`, `dim-customer`, `shop.public.orderItems`,
//! `/warehouse/raw/Orders2019`. A user typing "orders" expects all of them, so names are
//! split on `.`, `_`, `-`, `/`, whitespace and camelCase boundaries, and lower-cased,
//! before Tantivy's own tokenizer sees them. Queries go through the same function, so a
//! query for `orderItems` finds `order_items`.

/// The words of a name, lower-cased, in order (duplicates kept).
///
/// ```
/// use weft_search::tokens::name_words;
/// assert_eq!(name_words("shop.public.fct_orderItems-v2"), ["shop", "public", "fct", "order", "items", "v", "2"]);
/// ```
pub fn name_words(name: &str) -> Vec<String> {
    word_spans(name).into_iter().map(|(_, w)| w).collect()
}

/// The words of a name with their byte ranges in `name`: what highlighting marks.
///
/// ```
/// use weft_search::tokens::word_spans;
/// let s = word_spans("fct_orderItems");
/// assert_eq!(s[1], (4..9, "order".to_string()));
/// ```
pub fn word_spans(name: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut begin = 0;
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        if !c.is_alphanumeric() {
            flush(&mut cur, begin..i, &mut out);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic());
            if boundary {
                flush(&mut cur, begin..i, &mut out);
            }
        }
        if cur.is_empty() {
            begin = i;
        }
        cur.extend(c.to_lowercase());
        prev = Some(c);
    }
    flush(&mut cur, begin..name.len(), &mut out);
    out
}

fn flush(
    cur: &mut String,
    range: std::ops::Range<usize>,
    out: &mut Vec<(std::ops::Range<usize>, String)>,
) {
    if !cur.is_empty() {
        out.push((range, std::mem::take(cur)));
    }
}

/// Whether `a` and `b` are at most one edit apart (insertion, deletion, substitution or
/// transposition of neighbours): the typo tolerance of the query, reproduced to mark
/// which name words a fuzzy match hit.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let head = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        let tail_eq = |from: usize| short[from..] == long[from..];
        // Substitution at `head`, or transposition of `head` and `head + 1`.
        tail_eq(head + 1)
            || (head + 1 < short.len()
                && short[head] == long[head + 1]
                && short[head + 1] == long[head]
                && tail_eq(head + 2))
    } else {
        short[head..] == long[head + 1..]
    }
}

/// The last segment of a dotted or slashed name (`shop.public.orders` → `orders`):
/// what people mean when they type a table's name.
pub fn last_segment(name: &str) -> &str {
    name.rsplit(['.', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or(name)
}

/// Words that mark a copy rather than the real thing (`orders_bak_2019`,
/// `tmp_orders_v2`): such names are ranked down.
pub fn looks_temporary(name: &str) -> bool {
    const MARKERS: &[&str] = &[
        "tmp",
        "temp",
        "bak",
        "backup",
        "old",
        "copy",
        "test",
        "scratch",
        "deprecated",
        "archive",
    ];
    name_words(last_segment(name))
        .iter()
        .any(|w| MARKERS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separators_case_and_digits() {
        assert_eq!(name_words("fct_orders"), ["fct", "orders"]);
        assert_eq!(name_words("dim-Customer"), ["dim", "customer"]);
        assert_eq!(name_words("orderItems"), ["order", "items"]);
        assert_eq!(
            name_words("/warehouse/raw/Orders2019"),
            ["warehouse", "raw", "orders", "2019"]
        );
        assert_eq!(name_words("HTTPStatus"), ["httpstatus"]);
        assert!(name_words("..__").is_empty());
    }

    #[test]
    fn spans_point_into_the_name_and_edits_are_counted() {
        let name = "shop.public.fct_orderItems";
        let spans = word_spans(name);
        let words: Vec<&str> = spans.iter().map(|(r, _)| &name[r.clone()]).collect();
        assert_eq!(words, ["shop", "public", "fct", "order", "Items"]);
        assert!(within_one_edit("orders", "ordres"));
        assert!(within_one_edit("orders", "order"));
        assert!(within_one_edit("orders", "orxers"));
        assert!(!within_one_edit("orders", "odrers_"));
        assert!(!within_one_edit("orders", "customers"));
    }

    #[test]
    fn last_segment_and_temporary_names() {
        assert_eq!(last_segment("shop.public.orders"), "orders");
        assert_eq!(last_segment("/a/b/"), "b");
        assert!(looks_temporary("shop.public.orders_bak_2019"));
        assert!(looks_temporary("tmp_orders_v2"));
        assert!(!looks_temporary("shop.tmp.orders"));
        assert!(!looks_temporary("attempts"));
    }
}
