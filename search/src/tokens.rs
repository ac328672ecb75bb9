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
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            flush(&mut cur, &mut out);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic());
            if boundary {
                flush(&mut cur, &mut out);
            }
        }
        cur.extend(c.to_lowercase());
        prev = Some(c);
    }
    flush(&mut cur, &mut out);
    out
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    if !cur.is_empty() {
        out.push(std::mem::take(cur));
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
    fn last_segment_and_temporary_names() {
        assert_eq!(last_segment("shop.public.orders"), "orders");
        assert_eq!(last_segment("/a/b/"), "b");
        assert!(looks_temporary("shop.public.orders_bak_2019"));
        assert!(looks_temporary("tmp_orders_v2"));
        assert!(!looks_temporary("shop.tmp.orders"));
        assert!(!looks_temporary("attempts"));
    }
}
