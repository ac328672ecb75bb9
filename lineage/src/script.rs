//! Splitting a script into statements and parsing each on its own.
//!
//! sqlparser's `parse_statements` stops at the first error; a catalog reading query logs
//! and dbt output must not lose a whole script to one statement it cannot read. The
//! script is tokenized once, cut at top-level semicolons, and each piece parsed apart.
//! When a piece fails, parsing resumes at the next statement keyword that opens a
//! procedural block body (`BEGIN INSERT …`, `THEN UPDATE …`), which recovers the DML
//! inside stored procedures that the grammar does not cover.

use sqlparser::ast::Statement;
use sqlparser::dialect::Dialect as ParserDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::dialect::Dialect;
use crate::output::Position;

/// sqlparser's own nesting limit; deeper input becomes an error, not a stack overflow.
pub(crate) const PARSER_RECURSION_LIMIT: usize = 64;

/// The most operators one nesting level may chain (`a + b + …`, `… UNION …`).
///
/// sqlparser builds such chains without recursion, but the tree it builds is as deep as
/// the chain, and dropping, cloning or printing it recurses: a megabyte of `+ a` would
/// overflow the stack. 10 000 keeps the deepest tree far inside a 2 MiB thread stack
/// and is well past what generated SQL writes between two commas.
pub(crate) const MAX_CHAIN: usize = 10_000;

/// The longest script that is parsed at all: [`weft_schemas::limits::MAX_PARSED_SQL_BYTES`].
///
/// Tokens, the syntax tree and the analysis each cost several times the text; an 8 MB
/// generated statement took 1.5 GB. A longer script is one error entry, unread.
pub(crate) const MAX_SCRIPT_BYTES: usize = weft_schemas::limits::MAX_PARSED_SQL_BYTES;

/// The most tokens one statement may have: 300,000.
///
/// Bounds what one statement's tree and analysis can hold, and so the number of
/// projections and column references in it, whatever its bytes: a megabyte
/// `SELECT c0, c1, …` of 140,000 columns (about 280,000 tokens) is still analysed, a
/// megabyte of one-letter columns is not. Past this the statement is an error entry,
/// not parsed.
pub(crate) const MAX_STATEMENT_TOKENS: usize = 300_000;

/// One parsed statement, or where and why parsing failed.
pub(crate) struct Parsed {
    /// A warning about how the statement was read (see [`crate::rewrite`]).
    pub note: Option<(Position, String)>,
    pub position: Position,
    pub result: Result<Statement, (Position, String)>,
}

fn pos(l: Location) -> Position {
    Position {
        line: l.line,
        column: l.column,
    }
}

/// Parses a whole script into statements in order.
pub(crate) fn parse_script(sql: &str, dialect: &dyn ParserDialect, weft: Dialect) -> Vec<Parsed> {
    let mut out = Vec::new();
    if sql.len() > MAX_SCRIPT_BYTES {
        let start = Position { line: 1, column: 1 };
        out.push(Parsed {
            note: None,
            position: start,
            result: Err((
                start,
                format!(
                    "script is {} bytes; at most {MAX_SCRIPT_BYTES} are analysed (resource limit)",
                    sql.len()
                ),
            )),
        });
        return out;
    }
    match tokenize(dialect, sql) {
        Ok(mut tokens) => {
            if weft == Dialect::Teradata {
                crate::rewrite::teradata(&mut tokens);
            }
            for chunk in split(tokens) {
                parse_chunk(chunk, dialect, &mut out);
            }
        }
        Err(_) => {
            // Tokenizing failed somewhere (an unterminated quote, usually). Cut the raw
            // text instead and tokenize piece by piece, so the error stays with its piece.
            for (start, piece) in split_raw(sql) {
                match tokenize(dialect, piece) {
                    Ok(mut tokens) => {
                        for t in &mut tokens {
                            t.span.start = shift(t.span.start, start);
                            t.span.end = shift(t.span.end, start);
                        }
                        if weft == Dialect::Teradata {
                            crate::rewrite::teradata(&mut tokens);
                        }
                        for chunk in split(tokens) {
                            parse_chunk(chunk, dialect, &mut out);
                        }
                    }
                    Err(e) => {
                        let first = first_token_offset(piece);
                        let at = shift(e.location, start);
                        out.push(Parsed {
                            note: None,
                            position: pos(shift(first, start)),
                            result: Err((pos(at), e.message)),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Tokenizes into a buffer sized from the text.
///
/// Growing the token vector from empty re-copies it a dozen times on a typical query
/// (a token with its span is ~90 bytes); SQL as written averages a token, whitespace
/// included, every 3 to 4 bytes, so a quarter of the length avoids most of that
/// without reserving much more than is used.
fn tokenize(
    dialect: &dyn ParserDialect,
    sql: &str,
) -> Result<Vec<TokenWithSpan>, sqlparser::tokenizer::TokenizerError> {
    let mut tokens = Vec::with_capacity(sql.len() / 4 + 8);
    Tokenizer::new(dialect, sql).tokenize_with_location_into_buf(&mut tokens)?;
    Ok(tokens)
}

/// Moves a location inside a piece that starts at `base` to script coordinates.
pub(crate) fn shift(l: Location, base: Location) -> Location {
    if l.line <= 1 {
        Location {
            line: base.line,
            column: base.column + l.column.saturating_sub(1),
        }
    } else {
        Location {
            line: base.line + l.line - 1,
            column: l.column,
        }
    }
}

fn first_token_offset(piece: &str) -> Location {
    let mut loc = Location { line: 1, column: 1 };
    for c in piece.chars() {
        match c {
            '\n' => {
                loc.line += 1;
                loc.column = 1;
            }
            c if c.is_whitespace() => loc.column += 1,
            _ => break,
        }
    }
    loc
}

/// Cuts raw text at semicolons outside quotes and comments; an unterminated quote runs to
/// the end. Returns each piece with the location of its first character.
fn split_raw(sql: &str) -> Vec<(Location, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_loc = Location { line: 1, column: 1 };
    let mut loc = start_loc;
    let mut quote: Option<char> = None;
    let mut chars = sql.char_indices().peekable();
    let mut line_comment = false;
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            _ if line_comment => line_comment = c != '\n',
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '-') if matches!(chars.peek(), Some((_, '-'))) => line_comment = true,
            (None, ';') => {
                pieces.push((start_loc, &sql[start..i]));
                start = i + 1;
            }
            _ => {}
        }
        if c == '\n' {
            loc.line += 1;
            loc.column = 1;
        } else {
            loc.column += 1;
        }
        if start == i + c.len_utf8() {
            start_loc = loc;
        }
    }
    pieces.push((start_loc, &sql[start..]));
    pieces
        .into_iter()
        .filter(|(_, p)| !p.trim().is_empty())
        .collect()
}

/// Cuts a token stream at semicolons outside parentheses; drops empty pieces.
///
/// The pieces are cut off the stream's end, so each token moves at most once, and a
/// script of one statement (the usual case) is handed on without moving at all.
fn split(mut tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut eof = false;
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::SemiColon if depth == 0 => cuts.push(i),
            Token::EOF => eof = true,
            _ => {}
        }
    }
    if eof {
        // The tokenizer does not emit EOF today; should it, the cut positions shift.
        tokens.retain(|t| t.token != Token::EOF);
        return split(tokens);
    }
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    for &cut in cuts.iter().rev() {
        chunks.push(tokens.split_off(cut + 1));
        tokens.truncate(cut);
    }
    chunks.push(tokens);
    chunks.reverse();
    chunks.retain(|c| c.iter().any(|t| !is_trivia(&t.token)));
    chunks
}

pub(crate) fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_) | Token::EOF)
}

/// Keywords that can start a statement we take lineage from.
fn starts_statement(t: &Token) -> bool {
    matches!(t, Token::Word(w) if matches!(w.keyword,
        Keyword::SELECT | Keyword::INSERT | Keyword::WITH | Keyword::CREATE | Keyword::MERGE
        | Keyword::UPDATE | Keyword::DELETE | Keyword::ALTER | Keyword::DROP))
}

/// Keywords after which a procedural block's body begins.
fn opens_block(t: &Token) -> bool {
    matches!(t, Token::Word(w) if matches!(w.keyword,
        Keyword::BEGIN | Keyword::THEN | Keyword::ELSE | Keyword::DO | Keyword::AS)
        || w.value.eq_ignore_ascii_case("loop"))
}

/// Parses one semicolon-free piece, as [`parse_statements`] does; when that fails and the
/// piece is valid DDL sqlparser refuses ([`crate::rewrite`]), the rewritten piece is used
/// if it reads better, with a note on its first statement.
fn parse_chunk(chunk: Vec<TokenWithSpan>, dialect: &dyn ParserDialect, out: &mut Vec<Parsed>) {
    let rewrite = crate::rewrite::rewrite(&chunk);
    let mark = out.len();
    parse_statements(chunk, dialect, out);
    let Some(mut rw) = rewrite else { return };
    let errors = |ps: &[Parsed]| ps.iter().filter(|p| p.result.is_err()).count();
    if errors(&out[mark..]) == 0 {
        return;
    }
    let mut again = Vec::new();
    parse_statements(std::mem::take(&mut rw.tokens), dialect, &mut again);
    let Some(Ok(first)) = again.first_mut().map(|p| p.result.as_mut()) else {
        return;
    };
    if !rw.restore(first) || errors(&again) >= errors(&out[mark..]) {
        return;
    }
    again[0].note = Some((pos(rw.at), rw.note));
    out.truncate(mark);
    out.extend(again);
}

/// Parses one semicolon-free piece, which may hold several statements (T-SQL scripts
/// often omit semicolons), recovering after an error at the next block body.
fn parse_statements(chunk: Vec<TokenWithSpan>, dialect: &dyn ParserDialect, out: &mut Vec<Parsed>) {
    if let Some(at) = overlong_chain(&chunk) {
        let start = chunk
            .iter()
            .find(|t| !is_trivia(&t.token))
            .map_or(at, |t| t.span.start);
        out.push(Parsed {
            note: None,
            position: pos(start),
            result: Err((
                pos(at),
                format!(
                    "more than {MAX_CHAIN} chained operators in one expression (resource limit)"
                ),
            )),
        });
        return;
    }
    let tokens = chunk.iter().filter(|t| !is_trivia(&t.token)).count();
    if tokens > MAX_STATEMENT_TOKENS {
        let start = chunk
            .iter()
            .find(|t| !is_trivia(&t.token))
            .map_or(Position { line: 1, column: 1 }, |t| pos(t.span.start));
        out.push(Parsed {
            note: None,
            position: start,
            result: Err((
                start,
                format!(
                    "{tokens} tokens in one statement; at most {MAX_STATEMENT_TOKENS} are parsed (resource limit)"
                ),
            )),
        });
        return;
    }
    let mut tokens = chunk;
    loop {
        let Some(start) = tokens.iter().position(|t| !is_trivia(&t.token)) else {
            return;
        };
        let start_pos = pos(tokens[start].span.start);
        let len = tokens.len();
        // The parser takes the tokens without a copy; the rare recovery below reads
        // them back from it.
        let mut parser = Parser::new(dialect)
            .with_recursion_limit(PARSER_RECURSION_LIMIT)
            .with_tokens_with_locations(tokens);
        let mut ok_any = false;
        let failed_loc = loop {
            while parser.consume_token(&Token::SemiColon) {}
            let next = parser.peek_token_ref();
            if next.token == Token::EOF {
                return;
            }
            let at_loc = next.span.start;
            let at = pos(at_loc);
            match parser.parse_statement() {
                Ok(st) => {
                    ok_any = true;
                    out.push(Parsed {
                        note: None,
                        position: at,
                        result: Ok(st),
                    });
                }
                Err(e) => {
                    let (where_, message) = locate(&e, at);
                    out.push(Parsed {
                        note: None,
                        position: if ok_any { at } else { start_pos },
                        result: Err((where_, message)),
                    });
                    break at_loc;
                }
            }
        };
        // Resume at the next statement keyword that follows a block opener.
        let failed_at = (start..len)
            .find(|&i| parser.token_at(i).span.start == failed_loc)
            .unwrap_or(start);
        let mut next = None;
        let mut prev_sig: Option<&Token> = None;
        for i in failed_at + 1..len {
            let t = &parser.token_at(i).token;
            if is_trivia(t) {
                continue;
            }
            if starts_statement(t) && prev_sig.is_some_and(opens_block) {
                next = Some(i);
                break;
            }
            prev_sig = Some(t);
        }
        match next {
            Some(i) => tokens = (i..len).map(|j| parser.token_at(j).clone()).collect(),
            None => return,
        }
    }
}

/// Where a nesting level first chains more than [`MAX_CHAIN`] operators, if anywhere.
fn overlong_chain(chunk: &[TokenWithSpan]) -> Option<Location> {
    let mut counts: Vec<usize> = vec![0];
    for t in chunk {
        match &t.token {
            Token::LParen | Token::LBracket => counts.push(0),
            Token::RParen | Token::RBracket => {
                if counts.len() > 1 {
                    counts.pop();
                }
            }
            Token::Comma => {
                if let Some(c) = counts.last_mut() {
                    *c = 0;
                }
            }
            Token::Whitespace(_) | Token::Word(_) | Token::Number(..) | Token::EOF => {
                if let Token::Word(w) = &t.token
                    && matches!(
                        w.keyword,
                        Keyword::AND
                            | Keyword::OR
                            | Keyword::UNION
                            | Keyword::EXCEPT
                            | Keyword::INTERSECT
                            | Keyword::MINUS
                    )
                {
                    bump(&mut counts);
                }
            }
            Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => {}
            _ => bump(&mut counts),
        }
        if counts.last().is_some_and(|&c| c > MAX_CHAIN) {
            return Some(t.span.start);
        }
    }
    None
}

fn bump(counts: &mut [usize]) {
    if let Some(c) = counts.last_mut() {
        *c += 1;
    }
}

/// The position sqlparser puts in its message text (`… at Line: 3, Column: 7`), or the
/// statement start when it gives none.
fn locate(e: &ParserError, fallback: Position) -> (Position, String) {
    let (text, position) = match e {
        ParserError::RecursionLimitExceeded => {
            return (
                fallback,
                "nested too deeply (recursion limit exceeded)".to_owned(),
            );
        }
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => {
            (m.as_str(), parse_location(m).unwrap_or(fallback))
        }
    };
    let text = text.rfind(" at Line: ").map_or(text, |i| &text[..i]);
    (position, text.to_owned())
}

fn parse_location(m: &str) -> Option<Position> {
    let i = m.rfind("Line: ")?;
    let rest = &m[i + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Position {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::GenericDialect;

    fn parse(sql: &str) -> Vec<Result<String, (Position, String)>> {
        parse_script(sql, &GenericDialect {}, Dialect::Generic)
            .into_iter()
            .map(|p| p.result.map(|s| s.to_string()))
            .collect()
    }

    #[test]
    fn a_script_over_the_size_limit_is_one_error_unread() {
        let sql = format!("SELECT {} FROM t", "c, ".repeat(MAX_SCRIPT_BYTES / 3));
        let r = parse(&sql);
        assert_eq!(r.len(), 1);
        let (_, message) = r[0].clone().unwrap_err();
        assert!(message.contains("resource limit"), "{message}");
    }

    #[test]
    fn a_statement_over_the_token_limit_is_an_error_and_the_next_still_parses() {
        let columns = vec!["a"; MAX_STATEMENT_TOKENS / 2 + 1];
        let sql = format!("SELECT {} FROM t;\nSELECT a FROM u", columns.join(","));
        assert!(sql.len() <= MAX_SCRIPT_BYTES);
        let r = parse(&sql);
        assert_eq!(r.len(), 2);
        let (_, message) = r[0].clone().unwrap_err();
        assert!(message.contains("tokens in one statement"), "{message}");
        assert_eq!(r[1].as_deref(), Ok("SELECT a FROM u"));
    }

    #[test]
    fn a_bad_statement_does_not_hide_the_others() {
        let r = parse("SELECT a FROM t;\nSELEC b FROM u;\nSELECT c FROM v");
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].as_deref(), Ok("SELECT a FROM t"));
        let (p, _) = r[1].clone().unwrap_err();
        assert_eq!(p, Position { line: 2, column: 1 });
        assert_eq!(r[2].as_deref(), Ok("SELECT c FROM v"));
    }

    #[test]
    fn unterminated_quote_is_an_error_with_position() {
        let r = parse("SELECT 1;\n  SELECT 'oops FROM t");
        assert_eq!(r.len(), 2);
        assert!(r[0].is_ok());
        let (p, msg) = r[1].clone().unwrap_err();
        assert_eq!(p.line, 2);
        assert!(msg.to_lowercase().contains("unterminated"), "{msg}");
    }

    #[test]
    fn block_bodies_are_recovered() {
        let r = parse("CREATE PROCEDURE p() AS BEGIN INSERT INTO a SELECT x FROM b");
        assert!(
            r.iter()
                .any(|s| s.as_deref() == Ok("INSERT INTO a SELECT x FROM b")),
            "{r:?}"
        );
    }

    #[test]
    fn recovery_resumes_with_positions_in_script_coordinates() {
        let sql = "SELECT 1;\nCREATE PROCEDURE p() AS BEGIN\n  INSERT INTO a SELECT x FROM b;\n  UPDATE c SET y = 1;\nEND";
        let parsed = parse_script(sql, &GenericDialect {}, Dialect::Generic);
        let ok: Vec<(Position, String)> = parsed
            .iter()
            .filter_map(|p| p.result.as_ref().ok().map(|s| (p.position, s.to_string())))
            .collect();
        assert_eq!(ok[0].1, "SELECT 1");
        let insert = ok
            .iter()
            .find(|(_, s)| s.starts_with("INSERT"))
            .expect("the INSERT in the block body is recovered");
        assert_eq!(insert.0, Position { line: 3, column: 3 });
        assert!(
            ok.iter()
                .any(|(p, s)| s == "UPDATE c SET y = 1" && p.line == 4),
            "{ok:?}"
        );
    }

    #[test]
    fn semicolons_inside_parentheses_do_not_cut() {
        let r = parse("SELECT f(';') FROM t WHERE x IN (SELECT 1; SELECT 2);SELECT 3");
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(r[0].is_err());
        assert_eq!(r[1].as_deref(), Ok("SELECT 3"));
    }

    #[test]
    fn depth_bombs_are_errors() {
        let sql = format!("SELECT {}1{} FROM t", "(".repeat(5000), ")".repeat(5000));
        let r = parse(&sql);
        assert_eq!(r.len(), 1);
        assert!(r[0].is_err());
    }

    #[test]
    fn locations_are_read_from_messages() {
        assert_eq!(
            parse_location("Expected: x, found: y at Line: 12, Column: 34"),
            Some(Position {
                line: 12,
                column: 34
            })
        );
        assert_eq!(parse_location("no location"), None);
    }
}
