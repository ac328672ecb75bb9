//! Bounds on a GraphQL document, checked before async-graphql parses and validates it.
//!
//! Depth and complexity limits run during validation, and validation itself is not
//! bounded: thirty fragments that each spread the next twice make a 1.4 KB document
//! that expands to 2^30 fields, and validating it takes minutes and all the memory.
//! So a document is measured first, in time linear in its size:
//!
//! - its bytes (`max_document_bytes`), before anything else;
//! - its tokens and bracket nesting, with a cheap lexer (`max_tokens`; nesting past
//!   [`MAX_NESTING`] is refused so the parser's recursion stays shallow);
//! - once parsed, the number of fields its operations and fragments expand to with
//!   every fragment spread inlined (`max_expanded_fields`), each fragment measured
//!   once (memoised), cycles refused; and its aliases (`max_aliases`).
//!
//! A refusal is a request error with `extensions.code` `DOCUMENT_TOO_LARGE` (bytes) or
//! `TOO_COMPLEX` (the rest).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

/// Deepest nesting of `{`, `(` and `[` accepted by the lexer.
pub const MAX_NESTING: usize = 64;

/// The limits (from `[graphql]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_document_bytes: usize,
    /// Most tokens in a document.
    pub max_tokens: usize,
    /// Most fields the document expands to, fragment spreads inlined.
    pub max_expanded_fields: u64,
    /// Most aliased fields in a document.
    pub max_aliases: usize,
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// `DOCUMENT_TOO_LARGE` or `TOO_COMPLEX`.
    pub code: &'static str,
    /// For the client.
    pub message: String,
}

fn too_complex(message: String) -> Refused {
    Refused {
        code: "TOO_COMPLEX",
        message,
    }
}

impl Refused {
    /// As a GraphQL error with `extensions.code`.
    pub fn into_server_error(self) -> ServerError {
        let mut e = ServerError::new(self.message, None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", self.code);
        e.extensions = Some(ext);
        e
    }
}

/// The same check as a schema extension, before async-graphql parses a document: it
/// covers the WebSocket path (subscriptions), which does not go through `http.rs`.
pub struct Bounds(pub Limits);

impl ExtensionFactory for Bounds {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(BoundsExtension(self.0))
    }
}

struct BoundsExtension(Limits);

#[async_graphql::async_trait::async_trait]
impl Extension for BoundsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        check(query, &self.0).map_err(Refused::into_server_error)?;
        next.run(ctx, query, variables).await
    }
}

/// Checks `query` against `limits`; a document that does not parse passes (the parser
/// reports it properly).
pub fn check(query: &str, limits: &Limits) -> Result<(), Refused> {
    if query.len() > limits.max_document_bytes {
        return Err(Refused {
            code: "DOCUMENT_TOO_LARGE",
            message: format!(
                "the document is {} bytes; this server accepts at most {}",
                query.len(),
                limits.max_document_bytes
            ),
        });
    }
    let (tokens, nesting) = lex(query, limits.max_tokens);
    if tokens > limits.max_tokens {
        return Err(too_complex(format!(
            "the document has more than {} tokens",
            limits.max_tokens
        )));
    }
    if nesting > MAX_NESTING {
        return Err(too_complex(format!(
            "the document nests brackets more than {MAX_NESTING} deep"
        )));
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return Ok(());
    };
    let aliases = count_aliases(&doc);
    if aliases > limits.max_aliases {
        return Err(too_complex(format!(
            "the document has {aliases} aliases; this server accepts at most {}",
            limits.max_aliases
        )));
    }
    let size = expanded_size(&doc)?;
    if size > limits.max_expanded_fields {
        return Err(too_complex(format!(
            "the document expands to {} fields with its fragments inlined; this server accepts at most {}",
            if size == u64::MAX {
                "too many".to_owned()
            } else {
                size.to_string()
            },
            limits.max_expanded_fields
        )));
    }
    Ok(())
}

/// The number of tokens (stopping to count past `cap`) and the deepest bracket nesting.
fn lex(query: &str, cap: usize) -> (usize, usize) {
    let b = query.as_bytes();
    let (mut i, mut tokens, mut depth, mut deepest) = (0, 0usize, 0usize, 0usize);
    while i < b.len() && tokens <= cap {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.' | b'+'))
                {
                    i += 1;
                }
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            b'{' | b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                i += 1;
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
        tokens += 1;
    }
    (tokens, deepest)
}

fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + walk(&f.node.selection_set.node)
                }
                Selection::InlineFragment(f) => walk(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    doc.operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|f| walk(&f.node.selection_set.node)),
        )
        .sum()
}

/// How many fields the operations and fragments expand to, spreads inlined (saturating
/// at `u64::MAX`); a fragment cycle is refused.
fn expanded_size(doc: &ExecutableDocument) -> Result<u64, Refused> {
    struct Walk<'a> {
        doc: &'a ExecutableDocument,
        /// A fragment's size once known; `None` while it is being measured.
        memo: HashMap<&'a str, Option<u64>>,
    }
    impl<'a> Walk<'a> {
        fn set(&mut self, set: &'a SelectionSet) -> Result<u64, Refused> {
            let mut n: u64 = 0;
            for s in &set.items {
                let add = match &s.node {
                    Selection::Field(f) => {
                        1u64.saturating_add(self.set(&f.node.selection_set.node)?)
                    }
                    Selection::InlineFragment(f) => self.set(&f.node.selection_set.node)?,
                    Selection::FragmentSpread(f) => {
                        self.fragment(f.node.fragment_name.node.as_str())?
                    }
                };
                n = n.saturating_add(add);
            }
            Ok(n)
        }
        fn fragment(&mut self, name: &'a str) -> Result<u64, Refused> {
            match self.memo.get(name) {
                Some(Some(n)) => return Ok(*n),
                Some(None) => {
                    return Err(too_complex(format!(
                        "fragment {name} spreads itself (a cycle)"
                    )));
                }
                None => {}
            }
            let doc = self.doc;
            let Some(def) = doc.fragments.iter().find(|(n, _)| n.as_str() == name) else {
                // Unknown: validation names it.
                return Ok(0);
            };
            self.memo.insert(name, None);
            let n = self.set(&def.1.node.selection_set.node)?;
            self.memo.insert(name, Some(n));
            Ok(n)
        }
    }
    let mut w = Walk {
        doc,
        memo: HashMap::new(),
    };
    let mut total: u64 = 0;
    for (_, op) in doc.operations.iter() {
        total = total.saturating_add(w.set(&op.node.selection_set.node)?);
    }
    for name in doc.fragments.keys() {
        total = total.saturating_add(w.fragment(name.as_str())?);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_document_bytes: 64 * 1024,
        max_tokens: 15_000,
        max_expanded_fields: 10_000,
        max_aliases: 200,
    };

    fn fan_out(n: usize) -> String {
        let mut q = String::from("{ ...F0 }\n");
        for i in 0..n - 1 {
            q.push_str(&format!(
                "fragment F{i} on Query {{ ...F{j} ...F{j} }}\n",
                j = i + 1
            ));
        }
        q.push_str(&format!("fragment F{} on Query {{ __typename }}\n", n - 1));
        q
    }

    #[test]
    fn fragment_fan_out_is_refused() {
        let e = check(&fan_out(30), &LIMITS).unwrap_err();
        assert_eq!(e.code, "TOO_COMPLEX", "{e:?}");
        // 2^10 fields: fine.
        check(&fan_out(11), &LIMITS).unwrap();
    }

    #[test]
    fn expanded_size_counts_spreads() {
        let doc = async_graphql::parser::parse_query(
            "{ a b { c ...X } } fragment X on B { d e ... on B { f } }",
        )
        .unwrap();
        // operation: a, b, c, d, e, f = 6; fragment X alone: 3.
        assert_eq!(expanded_size(&doc).unwrap(), 9);
    }

    #[tokio::test]
    async fn the_schema_extension_refuses_before_validation() {
        struct Q;
        #[async_graphql::Object]
        impl Q {
            async fn a(&self) -> i32 {
                1
            }
        }
        let schema = async_graphql::Schema::build(
            Q,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        )
        .extension(Bounds(LIMITS))
        .finish();
        let r = schema.execute(fan_out(30).as_str()).await;
        let code = r.errors[0].extensions.as_ref().and_then(|x| x.get("code"));
        assert_eq!(code, Some(&async_graphql::Value::from("TOO_COMPLEX")));
        assert!(schema.execute("{ a }").await.errors.is_empty());
    }

    #[test]
    fn cycles_are_refused() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert_eq!(check(q, &LIMITS).unwrap_err().code, "TOO_COMPLEX");
    }

    #[test]
    fn aliases_bytes_tokens_and_nesting() {
        let many: String = (0..201).map(|i| format!("a{i}: __typename ")).collect();
        assert_eq!(
            check(&format!("{{ {many} }}"), &LIMITS).unwrap_err().code,
            "TOO_COMPLEX"
        );
        let big = format!("{{ {} }}", "__typename ".repeat(10_000));
        assert_eq!(check(&big, &LIMITS).unwrap_err().code, "DOCUMENT_TOO_LARGE");
        let tokens = format!("{{ {} }}", "a ".repeat(20_000));
        assert_eq!(check(&tokens, &LIMITS).unwrap_err().code, "TOO_COMPLEX");
        let deep = format!("{}{}", "{a".repeat(100), "}".repeat(100));
        assert_eq!(check(&deep, &LIMITS).unwrap_err().code, "TOO_COMPLEX");
    }

    #[test]
    fn ordinary_documents_pass() {
        let page = include_str!("../../../schemas/examples/dataset_page.graphql");
        check(page, &LIMITS).unwrap();
        let (tokens, _) = lex(
            r#"query Q($x: Int = 1) { a(s: "x y \" z", t: """b c""") ...F }"#,
            100,
        );
        assert_eq!(tokens, 23);
    }
}
