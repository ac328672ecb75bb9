//! Scripts of any length, a statement at a time.
//!
//! [`crate::analyze`] takes a whole script in memory and holds every statement's tokens,
//! tree and lineage at once, which is right for a job's SQL facet but not for a dbt
//! project compiled into one file or a migration history of 100,000 statements. Here
//! [`ScriptSplitter`] reads a script from any [`BufRead`] and cuts it at each top-level
//! `;` without tokenizing it, and [`ScriptAnalyzer`] analyses the pieces one by one,
//! carrying the tables and views created earlier in the script. Memory is bounded by
//! the largest statement, and the caller can write each statement's lineage as soon as
//! it is known.

use std::io::{self, BufRead};

use sqlparser::dialect::Dialect as ParserDialect;
use sqlparser::tokenizer::Location;

use crate::output::{LineageError, Position, StatementLineage};
use crate::schema::SchemaProvider;
use crate::{Dialect, Options, catalog, schema, script, statement};

/// The longest statement [`ScriptSplitter`] keeps: [`weft_schemas::limits::MAX_PARSED_SQL_BYTES`]
/// (1 MiB), the limit [`crate::analyze`] applies to a whole script.
///
/// When streaming, the limit is per statement: a script may be as long as it likes, but
/// one statement longer than this is an error entry, read through and never held.
pub const MAX_STATEMENT_BYTES: usize = script::MAX_SCRIPT_BYTES;

/// One statement's text cut from a script (rarely several, when the dialect's
/// statements are not separated by `;`), with where it starts in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPiece {
    /// Where the piece's first byte (just after the previous `;`) is in the script.
    pub start: Position,
    /// Byte offset of that first byte in the script.
    pub offset: u64,
    /// The text, without the `;` that ends it; `Err(len)` when it is longer than the
    /// splitter's limit (then the text was not kept).
    pub text: Result<String, usize>,
    /// Where the first character that is not whitespace is, for errors about the piece
    /// as a whole.
    pub first: Position,
}

/// What the scanner is inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// A quoted string or identifier closed by this byte; `escapes` when a backslash
    /// escapes the next byte.
    Quoted {
        close: u8,
        escapes: bool,
    },
    LineComment,
    /// A `/* */` comment, at this nesting depth.
    BlockComment(usize),
    /// A `$tag$ … $tag$` string; the tag is in `ScriptSplitter::tag`.
    Dollar,
}

/// What the dialect's tokenizer treats as quoting and comments, read once.
#[derive(Debug, Clone, Copy)]
struct Rules {
    backslash: bool,
    hash_comment: bool,
    hash_needs_space: bool,
    slash_comment: bool,
    nested_comments: bool,
    dollar_quotes: bool,
    backtick: bool,
    bracket: bool,
}

impl Rules {
    fn new(dialect: Dialect, parser: &dyn ParserDialect) -> Self {
        Rules {
            backslash: parser.supports_string_literal_backslash_escape(),
            hash_comment: parser.supports_hash_comment(),
            hash_needs_space: parser.requires_hash_comment_space(),
            slash_comment: dialect == Dialect::Snowflake,
            nested_comments: parser.supports_nested_comments(),
            dollar_quotes: !parser.supports_dollar_placeholder(),
            backtick: parser.is_delimited_identifier_start('`'),
            bracket: parser.is_delimited_identifier_start('['),
        }
    }
}

/// Cuts a script into statements at `;` outside strings, quoted identifiers, comments
/// and dollar-quoted bodies, reading it in buffer-sized steps.
///
/// It follows the dialect's tokenizer rules for what quotes (backslash escapes, `E'…'`,
/// `#` and `//` comments, nested block comments, `$tag$` strings, `[identifiers]`), so a
/// `;` inside any of them does not cut. Unlike the whole-script path it cuts at a `;`
/// inside parentheses too: no statement the parser accepts has one there, and one stray
/// `(` must not join the rest of a long script into a single oversized statement.
/// Pieces keep their start line and column, so positions in errors and diagnostics are
/// those of the script.
pub struct ScriptSplitter<R> {
    reader: R,
    scan: Scanner,
    done: bool,
}

/// The splitter's state between bytes.
struct Scanner {
    rules: Rules,
    max_bytes: usize,
    state: State,
    /// The current piece's bytes (dropped once it is over the limit).
    buf: Vec<u8>,
    /// Bytes in the current piece, kept or not.
    len: usize,
    start: Position,
    offset: u64,
    first: Option<Position>,
    /// Where the next byte is.
    at: Position,
    at_offset: u64,
    /// The two previous bytes (for `--`, `/*`, `E'`, `\\`); 0 after a token that must
    /// not combine with the next byte.
    prev: u8,
    prev2: u8,
    /// The tag of the dollar-quoted string being read or opened, `$` on both sides.
    tag: Vec<u8>,
    /// The last bytes read inside a dollar-quoted string, as many as the tag has.
    window: Vec<u8>,
    /// Reading a possible `$tag$` opener.
    opening: bool,
}

impl<R: BufRead> ScriptSplitter<R> {
    /// A splitter over `reader` for scripts in `dialect`, keeping statements up to
    /// [`MAX_STATEMENT_BYTES`].
    pub fn new(reader: R, dialect: Dialect) -> Self {
        let parser = dialect.parser_dialect();
        let start = Position { line: 1, column: 1 };
        ScriptSplitter {
            reader,
            done: false,
            scan: Scanner {
                rules: Rules::new(dialect, parser.as_ref()),
                max_bytes: MAX_STATEMENT_BYTES,
                state: State::Code,
                buf: Vec::new(),
                len: 0,
                start,
                offset: 0,
                first: None,
                at: start,
                at_offset: 0,
                prev: 0,
                prev2: 0,
                tag: Vec::new(),
                window: Vec::new(),
                opening: false,
            },
        }
    }

    /// Sets the longest statement kept (for tests of the limit).
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.scan.max_bytes = max_bytes;
        self
    }
}

impl Scanner {
    /// Ends the current piece.
    fn cut(&mut self) -> io::Result<ScriptPiece> {
        let text = if self.len > self.max_bytes {
            Err(self.len)
        } else {
            match String::from_utf8(std::mem::take(&mut self.buf)) {
                Ok(s) => Ok(s),
                Err(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "the statement at line {}, column {} is not valid UTF-8",
                            self.start.line, self.start.column
                        ),
                    ));
                }
            }
        };
        let piece = ScriptPiece {
            start: self.start,
            offset: self.offset,
            text,
            first: self.first.unwrap_or(self.start),
        };
        self.buf.clear();
        self.len = 0;
        self.first = None;
        Ok(piece)
    }

    /// Scans one byte; true when it is a `;` that ends a statement.
    fn step(&mut self, b: u8) -> bool {
        let r = self.rules;
        let (prev, prev2) = (self.prev, self.prev2);
        self.prev2 = prev;
        self.prev = b;
        match self.state {
            State::Code => {
                if self.opening {
                    if b == b'$' {
                        self.tag.push(b);
                        self.opening = false;
                        self.window.clear();
                        self.state = State::Dollar;
                        return false;
                    }
                    if is_word(b) {
                        self.tag.push(b);
                        return false;
                    }
                    self.opening = false;
                }
                match b {
                    b';' => return true,
                    b'\'' => {
                        // `E'…'`: PostgreSQL's escape strings, backslashes included.
                        let escape = matches!(prev, b'e' | b'E') && !is_word(prev2);
                        self.state = State::Quoted {
                            close: b,
                            escapes: r.backslash || escape,
                        };
                    }
                    b'"' => {
                        self.state = State::Quoted {
                            close: b,
                            escapes: r.backslash,
                        }
                    }
                    b'`' if r.backtick => {
                        self.state = State::Quoted {
                            close: b,
                            escapes: false,
                        }
                    }
                    b'[' if r.bracket => {
                        self.state = State::Quoted {
                            close: b']',
                            escapes: false,
                        }
                    }
                    b'-' if prev == b'-' => self.state = State::LineComment,
                    b'/' if prev == b'/' && r.slash_comment => self.state = State::LineComment,
                    b'*' if prev == b'/' => {
                        self.state = State::BlockComment(1);
                        // The `*` must not also close it (`/*/`).
                        self.prev = 0;
                    }
                    b'#' if r.hash_comment && !r.hash_needs_space => {
                        self.state = State::LineComment
                    }
                    // `# comment` where the dialect needs the space: decided one byte late.
                    b' ' | b'!' if r.hash_comment && r.hash_needs_space && prev == b'#' => {
                        self.state = State::LineComment
                    }
                    b'$' if r.dollar_quotes && !is_word(prev) => {
                        self.opening = true;
                        self.tag.clear();
                        self.tag.push(b);
                        // `$$` opens at once: the tag is empty.
                        self.prev = 0;
                    }
                    _ => {}
                }
            }
            State::Quoted { close, escapes } => {
                if escapes && b == b'\\' && prev == b'\\' {
                    // An escaped backslash escapes nothing after it.
                    self.prev = 0;
                } else if b == close && !(escapes && prev == b'\\') {
                    self.state = State::Code;
                    // `''` reopens at once, and the closing quote must not read as `E'`.
                    self.prev = 0;
                }
            }
            State::LineComment => {
                if b == b'\n' {
                    self.state = State::Code;
                }
            }
            State::BlockComment(depth) => {
                if b == b'/' && prev == b'*' {
                    self.state = if depth > 1 {
                        State::BlockComment(depth - 1)
                    } else {
                        State::Code
                    };
                    self.prev = 0;
                } else if b == b'*' && prev == b'/' && r.nested_comments {
                    self.state = State::BlockComment(depth + 1);
                    self.prev = 0;
                }
            }
            State::Dollar => {
                self.window.push(b);
                if self.window.len() > self.tag.len() {
                    self.window.remove(0);
                }
                if self.window == self.tag {
                    self.state = State::Code;
                    self.prev = 0;
                }
            }
        }
        false
    }

    /// Moves the position past byte `b`; columns count characters, as the tokenizer's do.
    fn advance(&mut self, b: u8) {
        self.at_offset += 1;
        if b == b'\n' {
            self.at.line += 1;
            self.at.column = 1;
        } else if b & 0xC0 != 0x80 {
            self.at.column += 1;
        }
    }

    /// Appends bytes to the current piece, or only counts them once it is over the limit.
    fn keep(&mut self, bytes: &[u8]) {
        self.len += bytes.len();
        if self.len > self.max_bytes {
            self.buf = Vec::new();
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<R: BufRead> Iterator for ScriptSplitter<R> {
    type Item = io::Result<ScriptPiece>;

    fn next(&mut self) -> Option<io::Result<ScriptPiece>> {
        if self.done {
            return None;
        }
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if chunk.is_empty() {
                self.done = true;
                if self.scan.len == 0 {
                    return None;
                }
                return Some(self.scan.cut());
            }
            let scan = &mut self.scan;
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if scan.step(b) {
                    end = Some(i);
                    break;
                }
                if scan.first.is_none() && !b.is_ascii_whitespace() {
                    scan.first = Some(scan.at);
                }
                scan.advance(b);
            }
            match end {
                None => {
                    let n = chunk.len();
                    scan.keep(chunk);
                    self.reader.consume(n);
                }
                Some(i) => {
                    scan.keep(&chunk[..i]);
                    self.reader.consume(i + 1);
                    let piece = scan.cut();
                    scan.advance(b';');
                    scan.start = scan.at;
                    scan.offset = scan.at_offset;
                    return Some(piece);
                }
            }
        }
    }
}

/// Analyses a script's statements one piece at a time, in order, carrying what earlier
/// statements created (tables, views, temporary tables) and the schema lookups made.
///
/// Fed the pieces of a [`ScriptSplitter`], it gives the same statements, indexes,
/// positions and lineage as [`crate::analyze`] on the whole text, for scripts whose
/// statements parse.
pub struct ScriptAnalyzer<'a> {
    options: &'a Options,
    schema: &'a dyn SchemaProvider,
    parser: Box<dyn ParserDialect>,
    catalog: catalog::ScriptCatalog,
    known: schema::SchemaCache,
    next_index: usize,
}

impl<'a> ScriptAnalyzer<'a> {
    /// An analyzer at the start of a script.
    pub fn new(options: &'a Options, schema: &'a dyn SchemaProvider) -> Self {
        ScriptAnalyzer {
            options,
            schema,
            parser: options.dialect.parser_dialect(),
            catalog: catalog::ScriptCatalog::default(),
            known: schema::SchemaCache::default(),
            next_index: 0,
        }
    }

    /// The lineage of the statements in one piece, indexed after the earlier pieces'.
    pub fn piece(&mut self, piece: &ScriptPiece) -> Vec<StatementLineage> {
        match &piece.text {
            Ok(text) => self.text(text, piece.start),
            Err(len) => {
                let index = self.take_index();
                vec![StatementLineage {
                    index,
                    position: piece.first,
                    result: Err(LineageError::Parse {
                        statement: index,
                        dialect: self.options.dialect,
                        position: piece.first,
                        message: format!(
                            "statement is {len} bytes; at most {MAX_STATEMENT_BYTES} are analysed (resource limit)"
                        ),
                    }),
                }]
            }
        }
    }

    fn take_index(&mut self) -> usize {
        let i = self.next_index;
        self.next_index += 1;
        i
    }

    /// The lineage of the statements in `sql`, which starts at `base` in the script.
    pub(crate) fn text(&mut self, sql: &str, base: Position) -> Vec<StatementLineage> {
        let parsed = script::parse_script(sql, self.parser.as_ref(), self.options.dialect);
        let mut out = Vec::with_capacity(parsed.len());
        for p in parsed {
            let index = self.take_index();
            let position = shift(p.position, base);
            let result = match p.result {
                Ok(st) => {
                    let mut a = statement::Analyzer::new(
                        self.options,
                        self.schema,
                        &mut self.catalog,
                        &mut self.known,
                    );
                    a.position = p.position;
                    a.statement(&st)
                        .map(|mut l| {
                            if let Some((at, message)) = p.note {
                                l.diagnostics.insert(
                                    0,
                                    crate::output::Diagnostic {
                                        severity: crate::output::Severity::Warning,
                                        message,
                                        position: at,
                                    },
                                );
                            }
                            for d in &mut l.diagnostics {
                                d.position = shift(d.position, base);
                            }
                            l
                        })
                        .map_err(|statement::TooDeep| LineageError::TooDeep {
                            statement: index,
                            dialect: self.options.dialect,
                            position,
                        })
                }
                Err((at, message)) => Err(LineageError::Parse {
                    statement: index,
                    dialect: self.options.dialect,
                    position: shift(at, base),
                    message,
                }),
            };
            if let Err(e) = &result {
                tracing::debug!(error = %e, "statement without lineage");
            }
            out.push(StatementLineage {
                index,
                position,
                result,
            });
        }
        out
    }
}

/// Moves a position inside a piece that starts at `base` to script coordinates.
fn shift(p: Position, base: Position) -> Position {
    let l = script::shift(
        Location {
            line: p.line,
            column: p.column,
        },
        Location {
            line: base.line,
            column: base.column,
        },
    );
    Position {
        line: l.line,
        column: l.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(sql: &str, dialect: Dialect) -> Vec<(Position, String)> {
        ScriptSplitter::new(sql.as_bytes(), dialect)
            .map(|p| {
                let p = p.expect("in-memory reads do not fail");
                (p.start, p.text.expect("under the limit"))
            })
            .collect()
    }

    #[test]
    fn cuts_at_semicolons_outside_quotes_and_comments() {
        let sql = "SELECT ';' AS a; -- x; y\nSELECT \"b;\" /* ; */ FROM t;\nSELECT 3";
        let p = pieces(sql, Dialect::Generic);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0].1, "SELECT ';' AS a");
        assert_eq!(
            p[1].0,
            Position {
                line: 1,
                column: 17
            }
        );
        assert_eq!(
            p[2],
            (
                Position {
                    line: 2,
                    column: 28
                },
                "\nSELECT 3".to_owned()
            )
        );
    }

    #[test]
    fn dollar_quotes_and_escape_strings_hold_semicolons() {
        let sql =
            "CREATE FUNCTION f() AS $body$ SELECT 1; $body$; SELECT E'it\\'s;' ; SELECT $$a;b$$";
        let p = pieces(sql, Dialect::Postgres);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].1.ends_with("$body$"), "{p:?}");
        assert_eq!(p[1].1, " SELECT E'it\\'s;' ");
    }

    #[test]
    fn backslashes_escape_only_where_the_dialect_says() {
        // MySQL: `\'` does not close the string; PostgreSQL: it does.
        let sql = "SELECT 'a\\';b'; SELECT 2";
        assert_eq!(pieces(sql, Dialect::MySql)[0].1, "SELECT 'a\\';b'");
        assert_eq!(pieces(sql, Dialect::Postgres)[0].1, "SELECT 'a\\'");
    }

    #[test]
    fn an_oversized_statement_is_counted_not_kept() {
        let sql = format!("SELECT 1; SELECT '{}'; SELECT 3", "x".repeat(100));
        let p: Vec<ScriptPiece> = ScriptSplitter::new(sql.as_bytes(), Dialect::Generic)
            .with_max_bytes(50)
            .map(|p| p.expect("in memory"))
            .collect();
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].text, Err(110));
        assert_eq!(
            p[1].first,
            Position {
                line: 1,
                column: 11
            }
        );
        assert_eq!(p[2].text.as_deref(), Ok(" SELECT 3"));
    }

    #[test]
    fn streamed_analysis_matches_the_whole_script() {
        let sql = "CREATE TEMP TABLE t AS SELECT a, b FROM s;\n\n  INSERT INTO x SELECT a FROM t WHERE b > 0;\nSELEC oops;\nSELECT q FROM t";
        let options = Options::default();
        let whole = crate::analyze(sql, &options, &crate::NoSchema);
        let mut a = ScriptAnalyzer::new(&options, &crate::NoSchema);
        let streamed: Vec<StatementLineage> = ScriptSplitter::new(sql.as_bytes(), Dialect::Generic)
            .flat_map(|p| a.piece(&p.expect("in memory")))
            .collect();
        assert_eq!(streamed, whole.statements);
    }
}
