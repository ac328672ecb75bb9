//! Valid statements that sqlparser refuses, rewritten into a form it reads.
//!
//! `CREATE TABLE t (a, b) AS SELECT …` (PostgreSQL, Snowflake, Redshift: a column list
//! without types names the query's columns) and Spark/Databricks'
//! `CREATE TABLE t USING DELTA PARTITIONED BY (…) LOCATION '…' AS SELECT …` fail to
//! parse, and the whole statement's target was lost (only its `SELECT` was recovered, as
//! a query of its own). Neither the column list nor the storage clauses change what the
//! query reads, so the tokens are rewritten to `CREATE TABLE t AS SELECT …` and the
//! names put back as the table's columns after parsing. `INSERT INTO t (WITH … SELECT
//! …)` (a parenthesised query, PostgreSQL, Teradata, Oracle) is read as a column list
//! and fails; the parentheses are dropped. The script parser only uses a rewrite when
//! the statement as written did not parse, and says what it did.
//!
//! Teradata's abbreviations and attribute phrases ([`teradata`]) are a token pass over
//! every script in that dialect instead: there they are keywords, never names.

use sqlparser::ast::{ColumnDef, DataType, Ident, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::script::is_trivia;

/// A rewritten statement and what the rewrite took out.
pub(crate) struct Rewrite {
    pub tokens: Vec<TokenWithSpan>,
    /// What the parsed statement must be, and what to put back into it.
    expect: Expect,
    /// Where the first removed token was, and what was done, for a warning.
    pub at: Location,
    pub note: String,
}

enum Expect {
    /// A `CREATE TABLE … AS`, with the untyped column list's names in order (empty
    /// when there was none).
    CreateTableAs(Vec<Ident>),
    /// An `INSERT` with a query.
    InsertQuery,
}

/// The rewrite of one statement's tokens (trivia included), if it is a form this module
/// knows.
pub(crate) fn rewrite(tokens: &[TokenWithSpan]) -> Option<Rewrite> {
    // Every statement of every script passes here: decide on its first word before
    // looking further.
    match &tokens.iter().find(|t| !is_trivia(&t.token))?.token {
        Token::Word(w) if w.keyword == Keyword::CREATE => create_table_as(tokens),
        Token::Word(w) if w.keyword == Keyword::INSERT => insert_query(tokens),
        _ => None,
    }
}

impl Rewrite {
    /// Puts back what the rewrite took out of `st`; `false` when `st` is not what the
    /// rewrite was for (it is then not used).
    pub(crate) fn restore(&self, st: &mut Statement) -> bool {
        match (&self.expect, st) {
            (Expect::CreateTableAs(columns), Statement::CreateTable(ct)) if ct.query.is_some() => {
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
            (Expect::InsertQuery, Statement::Insert(ins)) => ins.source.is_some(),
            _ => false,
        }
    }
}

/// The significant (non-trivia) token positions of `tokens`.
fn significant(tokens: &[TokenWithSpan]) -> Vec<usize> {
    (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .collect()
}

/// `tokens` without the significant tokens at the given positions of `sig`.
fn without(
    tokens: &[TokenWithSpan],
    sig: &[usize],
    removed: &[(usize, usize)],
) -> Vec<TokenWithSpan> {
    let cut = |i: usize| {
        removed
            .iter()
            .any(|&(from, to)| i >= sig[from] && i <= sig[to])
    };
    (0..tokens.len())
        .filter(|&i| !cut(i))
        .map(|i| tokens[i].clone())
        .collect()
}

/// `INSERT [INTO] name (WITH|SELECT …)`: the parentheses around the query dropped.
fn insert_query(tokens: &[TokenWithSpan]) -> Option<Rewrite> {
    // The form is decided within the first dozen tokens; only then is the whole
    // statement indexed.
    let head: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .take(12)
        .collect();
    insert_query_open(tokens, &head)?;
    let sig = significant(tokens);
    let open = insert_query_open(tokens, &sig)?;
    let token = |k: usize| sig.get(k).map(|&i| &tokens[i].token);
    let mut k = open;
    let mut depth = 0usize;
    let close = loop {
        match token(k)? {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    break k;
                }
            }
            _ => {}
        }
        k += 1;
    };
    Some(Rewrite {
        tokens: without(tokens, &sig, &[(open, open), (close, close)]),
        expect: Expect::InsertQuery,
        at: tokens[sig[open]].span.start,
        note:
            "INSERT rewritten to parse: the parentheses around its query were read as a column list"
                .to_owned(),
    })
}

/// Where `INSERT [INTO] name (` opens a parenthesised `WITH`/`SELECT`, as a position of
/// `sig` (the significant positions, or a prefix of them).
fn insert_query_open(tokens: &[TokenWithSpan], sig: &[usize]) -> Option<usize> {
    let token = |k: usize| sig.get(k).map(|&i| &tokens[i].token);
    let keyword = |k: usize| match token(k) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    };
    if keyword(0)? != Keyword::INSERT {
        return None;
    }
    let mut k = 1;
    if keyword(k) == Some(Keyword::INTO) {
        k += 1;
    }
    keyword(k)?;
    k += 1;
    while token(k) == Some(&Token::Period) {
        keyword(k + 1)?;
        k += 2;
    }
    (token(k)? == &Token::LParen && matches!(keyword(k + 1)?, Keyword::WITH | Keyword::SELECT))
        .then_some(k)
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
fn create_table_as(tokens: &[TokenWithSpan]) -> Option<Rewrite> {
    let sig = significant(tokens);
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
    Some(Rewrite {
        tokens: without(tokens, &sig, &removed),
        expect: Expect::CreateTableAs(columns),
        at: tokens[sig[first]].span.start,
        note: format!("CREATE TABLE … AS rewritten to parse: {}", what.join("; ")),
    })
}

fn starts_query(t: &Token) -> bool {
    match t {
        Token::LParen => true,
        Token::Word(w) => matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES),
        _ => false,
    }
}

/// Teradata's abbreviations and attribute phrases, in place: `SEL`, `INS`, `UPD`, `DEL`
/// are `SELECT`, `INSERT`, `UPDATE`, `DELETE`; `EQ`, `NE`, `LT`, `LE`, `GT`, `GE` are
/// comparison operators (all reserved words in Teradata, so never names); a `(TITLE
/// '…')` or `(FORMAT '…')` phrase after an expression only changes how a client shows
/// it and is dropped, and `(NAMED x)` is the alias `AS x`.
pub(crate) fn teradata(tokens: &mut Vec<TokenWithSpan>) {
    for t in tokens.iter_mut() {
        let Token::Word(w) = &t.token else { continue };
        if w.quote_style.is_some() {
            continue;
        }
        let replacement = match w.value.to_ascii_lowercase().as_str() {
            "sel" => Token::make_keyword("SELECT"),
            "ins" => Token::make_keyword("INSERT"),
            "upd" => Token::make_keyword("UPDATE"),
            "del" => Token::make_keyword("DELETE"),
            "eq" => Token::Eq,
            "ne" => Token::Neq,
            "lt" => Token::Lt,
            "le" => Token::LtEq,
            "gt" => Token::Gt,
            "ge" => Token::GtEq,
            _ => continue,
        };
        t.token = replacement;
    }
    let sig = significant(tokens);
    let token = |k: usize| sig.get(k).map(|&i| &tokens[i].token);
    let word = |k: usize, name: &str| matches!(token(k), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(name));
    let mut removed = Vec::new();
    let mut named = Vec::new();
    for k in 0..sig.len() {
        if token(k) != Some(&Token::LParen) || token(k + 3) != Some(&Token::RParen) {
            continue;
        }
        let string = matches!(token(k + 2), Some(Token::SingleQuotedString(_)));
        if (word(k + 1, "title") || word(k + 1, "format")) && string {
            removed.push((k, k + 3));
        } else if word(k + 1, "named") && matches!(token(k + 2), Some(Token::Word(_))) {
            removed.push((k, k));
            removed.push((k + 3, k + 3));
            named.push(sig[k + 1]);
        }
    }
    if removed.is_empty() {
        return;
    }
    for &i in &named {
        tokens[i].token = Token::make_keyword("AS");
    }
    let kept = without(tokens, &sig, &removed);
    *tokens = kept;
}
