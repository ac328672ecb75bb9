//! Valid DDL that sqlparser refuses, rewritten into a form it reads.
//!
//! `CREATE TABLE t (a, b) AS SELECT …` (PostgreSQL, Snowflake, Redshift: a column list
//! without types names the query's columns) and Spark/Databricks'
//! `CREATE TABLE t USING DELTA PARTITIONED BY (…) LOCATION '…' AS SELECT …` fail to
//! parse, and the whole statement's target was lost (only its `SELECT` was recovered, as
//! a query of its own). Neither the column list nor the storage clauses change what the
//! query reads, so the tokens are rewritten to `CREATE TABLE t AS SELECT …` and the
//! names put back as the table's columns after parsing. The script parser only uses the
//! rewrite when the statement as written did not parse, and says what it did.

use sqlparser::ast::{ColumnDef, DataType, Ident, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::script::is_trivia;

/// A rewritten `CREATE TABLE … AS` and what the rewrite took out.
pub(crate) struct Rewrite {
    pub tokens: Vec<TokenWithSpan>,
    /// The untyped column list's names, in order (empty when there was none).
    pub columns: Vec<Ident>,
    /// Where the first removed token was, and what was done, for a warning.
    pub at: Location,
    pub note: String,
}

/// Words that may stand between `CREATE` and `TABLE`.
const TABLE_MODIFIERS: &[&str] = &[
    "global",
    "local",
    "temp",
    "temporary",
    "transient",
    "volatile",
    "unlogged",
    "external",
    "multiset",
    "or",
    "replace",
];

/// The rewrite of `tokens` (one statement's, trivia included), when it is a `CREATE
/// TABLE name` followed by an untyped column list, storage clauses, or both, before
/// `AS` and a query.
pub(crate) fn create_table_as(tokens: &[TokenWithSpan]) -> Option<Rewrite> {
    let sig: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .collect();
    let word = |k: usize| match sig.get(k).map(|&i| &tokens[i].token) {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    };
    let token = |k: usize| sig.get(k).map(|&i| &tokens[i].token);
    let mut k = 0;
    if word(k)?.keyword != Keyword::CREATE {
        return None;
    }
    k += 1;
    while word(k).is_some_and(|w| {
        w.quote_style.is_none()
            && TABLE_MODIFIERS
                .iter()
                .any(|m| w.value.eq_ignore_ascii_case(m))
    }) {
        k += 1;
    }
    if word(k)?.keyword != Keyword::TABLE {
        return None;
    }
    k += 1;
    if word(k).is_some_and(|w| w.keyword == Keyword::IF) {
        k += 3; // IF NOT EXISTS
    }
    // The table's name: words joined by dots.
    word(k)?;
    k += 1;
    while token(k) == Some(&Token::Period) {
        word(k + 1)?;
        k += 2;
    }
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut columns = Vec::new();
    let mut what = Vec::new();
    if token(k) == Some(&Token::LParen) {
        let open = k;
        k += 1;
        loop {
            let w = word(k)?;
            let mut ident = Ident::new(w.value.clone());
            ident.quote_style = w.quote_style;
            columns.push(ident);
            k += 1;
            match token(k)? {
                Token::Comma => k += 1,
                Token::RParen => break,
                // A type or a constraint: a column list sqlparser reads itself.
                _ => return None,
            }
        }
        removed.push((open, k));
        what.push("its column list has no types: read as the names of the query's columns");
        k += 1;
    }
    // Storage clauses up to the `AS` that starts the query.
    let clauses = k;
    let mut depth = 0usize;
    loop {
        match token(k)? {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.checked_sub(1)?,
            Token::Word(w)
                if depth == 0 && w.keyword == Keyword::AS && starts_query(token(k + 1)?) =>
            {
                break;
            }
            _ => {}
        }
        k += 1;
    }
    if k > clauses {
        removed.push((clauses, k - 1));
        what.push("its storage clauses are not read (they hold no lineage)");
    }
    let (first, _) = *removed.first()?;
    let at = tokens[sig[first]].span.start;
    let cut = |i: usize| {
        removed
            .iter()
            .any(|&(from, to)| i >= sig[from] && i <= sig[to])
    };
    let kept = (0..tokens.len())
        .filter(|&i| !cut(i))
        .map(|i| tokens[i].clone())
        .collect();
    Some(Rewrite {
        tokens: kept,
        columns,
        at,
        note: format!("CREATE TABLE … AS rewritten to parse: {}", what.join("; ")),
    })
}

/// Puts the column list's names back on the parsed table; `false` when the statement
/// is not a `CREATE TABLE … AS` (the rewrite is then not used).
pub(crate) fn restore_columns(st: &mut Statement, columns: &[Ident]) -> bool {
    let Statement::CreateTable(ct) = st else {
        return false;
    };
    if ct.query.is_none() {
        return false;
    }
    if ct.columns.is_empty() {
        ct.columns = columns
            .iter()
            .map(|name| ColumnDef {
                name: name.clone(),
                data_type: DataType::Unspecified,
                options: Vec::new(),
            })
            .collect();
    }
    true
}

fn starts_query(t: &Token) -> bool {
    match t {
        Token::LParen => true,
        Token::Word(w) => matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES),
        _ => false,
    }
}
