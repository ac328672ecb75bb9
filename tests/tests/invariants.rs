//! Who may write which table, checked over the sources.
//!
//! Only `weft-store` runs SQL against Weft's own database: it owns the connection pool,
//! and every other crate reads and writes through its typed functions. The derived
//! views derive their state through store calls, and a view's derived tables are
//! written only by that view's store call (which records its cursor in the same
//! transaction). This test walks every workspace member listed in the root
//! `Cargo.toml` and fails, listing `file:line`, when
//!
//! - (a) a crate other than the store depends on `sqlx` or names `sqlx::` in a source
//!   file, or
//! - (b) a string literal holding SQL that writes (`INSERT INTO`, `UPDATE <name> SET`,
//!   `DELETE FROM`, `CREATE TABLE`, `CREATE INDEX`, `DROP TABLE`, `ALTER TABLE`,
//!   `ON CONFLICT`) appears in a `.rs` file outside `store/`.
//!
//! The exceptions are listed below, each with why it is one.

use std::path::{Path, PathBuf};

/// The crate that owns Weft's database: it alone runs SQL on it.
const STORE: &str = "store";

/// Crates other than the store that may depend on `sqlx`, and why.
const SQLX_CRATES: &[(&str, &str)] = &[(
    "ingest",
    "its crawlers connect to *other* databases (the MySQL and PostgreSQL sources they \
     describe) through sqlx; they never open Weft's store",
)];

/// Files outside the store that may name `sqlx::`, and why.
const SQLX_FILES: &[(&str, &str)] = &[
    (
        "ingest/src/crawl/mysql.rs",
        "the MySQL crawler: reads a source's information_schema",
    ),
    (
        "ingest/src/crawl/postgres.rs",
        "the PostgreSQL crawler: reads a source's catalog",
    ),
    (
        "ingest/src/crawl/mod.rs",
        "maps the crawlers' sqlx errors to crawl errors",
    ),
    (
        "ingest/tests/crawl_mysql.rs",
        "creates the source schema the MySQL crawler is tested against",
    ),
    (
        "ingest/tests/crawl_postgres.rs",
        "creates the source schema the PostgreSQL crawler is tested against",
    ),
];

/// Where string literals may hold SQL that writes without running it on Weft's
/// database (paths relative to the workspace root; a trailing `/` is a directory), and
/// why. None of these can run SQL on the store: check (a) keeps sqlx out of their
/// crates, except the crawlers', which connect only to the sources they describe.
const SQL_TEXT: &[(&str, &str)] = &[
    (
        "lineage/",
        "the lineage crate parses SQL as data: its sources, tests and fixtures are full \
         of SQL text it analyses, never runs",
    ),
    (
        "ingest/src/sql.rs",
        "its unit tests hand jobs' SQL to the analyser (data, never run)",
    ),
    (
        "ingest/src/querylog/normalize.rs",
        "its unit tests hand query-log statements to the normaliser (data, never run)",
    ),
    (
        "ingest/tests/querylog.rs",
        "query-log fixtures: statements a warehouse ran, as data",
    ),
    (
        "bench/loadgen/src/generate.rs",
        "generates the SQL facets of synthetic jobs: event data",
    ),
    (
        "tests/tests/cli.rs",
        "SQL facets and scripts given to `weft lineage` and pushed as event data",
    ),
    (
        "tests/tests/graphql_ui.rs",
        "a job's SQL facet, pushed as event data",
    ),
    (
        "tests/tests/input_limits.rs",
        "an oversized SQL facet, pushed as event data",
    ),
    (
        "tests/tests/lineage_cli.rs",
        "SQL scripts given to `weft lineage` to analyse",
    ),
    (
        "tests/tests/pii_review.rs",
        "jobs' SQL facets, pushed as event data",
    ),
    (
        "tests/tests/search_relevance.rs",
        "a job's SQL facet, pushed as event data",
    ),
    (
        "tests/tests/sql_lineage.rs",
        "jobs' SQL facets, pushed as event data",
    ),
    (
        "ingest/tests/crawl_mysql.rs",
        "DDL for the MySQL source the crawler is tested against, not Weft's database",
    ),
    (
        "ingest/tests/crawl_postgres.rs",
        "DDL for the PostgreSQL source the crawler is tested against, not Weft's database",
    ),
    (
        "tests/tests/crawl.rs",
        "DDL and rows for the source databases `weft crawl` is tested against",
    ),
    (
        "tests/tests/crawl_report.rs",
        "DDL for the source database a crawl report is built from",
    ),
    (
        "tests/tests/log_anchor.rs",
        "tampers with a server's change log behind its back, on purpose, through the database's \
         own client (python sqlite3, psql), to prove `weft verify` catches it",
    ),
    (
        "tests/tests/kafka.rs",
        "renames a table behind a running server's back, on purpose, through psql, so that \
         the store refuses the Kafka consumer's commits and the test sees it pause and skip \
         nothing",
    ),
];

/// This file: it names what it looks for, so it is not scanned.
const THIS_FILE: &str = "tests/tests/invariants.rs";

/// SQL that writes, as it appears in a literal (whitespace collapsed). `UPDATE <name>
/// SET` is matched apart, in [`writes_sql`].
const WRITING_SQL: &[&str] = &[
    "INSERT INTO",
    "DELETE FROM",
    "CREATE TABLE",
    "CREATE INDEX",
    "DROP TABLE",
    "ALTER TABLE",
    "ON CONFLICT",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent: the workspace root")
        .to_owned()
}

/// The `members = [...]` of the root `Cargo.toml`.
fn members(root: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("root Cargo.toml");
    let start = manifest.find("members = [").expect("workspace members");
    let list = &manifest[start + "members = [".len()..];
    let list = &list[..list.find(']').expect("end of members")];
    let members: Vec<String> = list
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect();
    assert!(members.contains(&STORE.to_owned()), "{members:?}");
    members
}

/// Every file under `dir`, except build output.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && name != ".git" {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// The string literals of a Rust file: (line it starts on, its text). Comments and
/// char literals are skipped; raw and byte strings count as strings.
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
        } else if c == 'r' && !prev_ident && matches!(next, Some('"' | '#')) {
            // r"…", r#"…"#: ends at a quote followed by as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            let start = line;
            let mut text = String::new();
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    break;
                }
                if chars[j] == '\n' {
                    line += 1;
                }
                text.push(chars[j]);
                j += 1;
            }
            out.push((start, text));
            i = j + 1 + hashes;
        } else if c == '"' {
            let start = line;
            let mut text = String::new();
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\n' {
                    line += 1;
                }
                if chars[j] == '\\' {
                    if chars.get(j + 1) == Some(&'\n') {
                        line += 1;
                    }
                    text.push(' ');
                    j += 2;
                    continue;
                }
                text.push(chars[j]);
                j += 1;
            }
            out.push((start, text));
            i = j + 1;
        } else if c == '\'' {
            // A char literal ('"', '\'', 'x') is skipped; a lifetime ('a) is not one.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The writing SQL in a literal, if any.
fn writes_sql(literal: &str) -> Option<String> {
    let text = literal.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(w) = WRITING_SQL.iter().find(|w| text.contains(*w)) {
        return Some((*w).to_owned());
    }
    let words: Vec<&str> = text.split(' ').collect();
    words
        .windows(3)
        .find(|w| w[0] == "UPDATE" && w[2] == "SET")
        .map(|w| w.join(" "))
}

/// What breaks the invariant in the workspace under `root`, as `file:line: why`.
fn violations(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let sqlx_crate =
        |member: &str| member == STORE || SQLX_CRATES.iter().any(|(c, _)| *c == member);
    for member in members(root) {
        let dir = root.join(&member);
        if !sqlx_crate(&member) {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            for (n, l) in manifest.lines().enumerate() {
                let l = l.trim();
                let key = l.split(['=', '.', ' ']).next().unwrap_or_default();
                if key == "sqlx" || l.ends_with(".sqlx]") {
                    out.push(format!(
                        "{member}/Cargo.toml:{}: depends on sqlx outside the store",
                        n + 1
                    ));
                }
            }
        }
        if member == STORE {
            continue;
        }
        let mut all = Vec::new();
        files(&dir, &mut all);
        all.sort();
        for path in all
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            if rel == THIS_FILE {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let may_name_sqlx = SQLX_FILES.iter().any(|(f, _)| *f == rel);
            if !may_name_sqlx {
                for (n, l) in src.lines().enumerate() {
                    let code = l.split("//").next().unwrap_or_default();
                    if code.contains("sqlx::") {
                        out.push(format!("{rel}:{}: names sqlx:: outside the store", n + 1));
                    }
                }
            }
            if SQL_TEXT.iter().any(|(p, _)| match p.strip_suffix('/') {
                Some(dir) => rel.starts_with(&format!("{dir}/")),
                None => rel == *p,
            }) {
                continue;
            }
            for (line, literal) in string_literals(&src) {
                if let Some(what) = writes_sql(&literal) {
                    out.push(format!(
                        "{rel}:{line}: SQL that writes ({what}) outside the store"
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn only_the_store_runs_sql_on_weft_database() {
    let found = violations(&root());
    assert!(
        found.is_empty(),
        "only weft-store may run SQL on Weft's database; views and handlers go through its \
         typed functions:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_listed_exception_still_exists() {
    // An exception for a file that is gone would silently allow its replacement.
    let root = root();
    for f in SQLX_FILES
        .iter()
        .map(|(f, _)| *f)
        .chain(SQL_TEXT.iter().map(|(p, _)| *p))
    {
        assert!(root.join(f).exists(), "listed exception {f} does not exist");
    }
}

#[test]
fn the_scanner_sees_writing_sql_in_literals_only() {
    let src = "// INSERT INTO in a comment\n\
               let a = \"SELECT 1\";\n\
               let b = \"UPDATE datasets \\\n     SET x = 1\";\n\
               let c = r#\"DELETE FROM t\"#;\n\
               let d = '\"'; let e = \"ON CONFLICT (k) DO NOTHING\";\n";
    let found: Vec<(usize, Option<String>)> = string_literals(src)
        .into_iter()
        .map(|(line, s)| (line, writes_sql(&s)))
        .filter(|(_, w)| w.is_some())
        .collect();
    assert_eq!(
        found,
        vec![
            (3, Some("UPDATE datasets SET".to_owned())),
            (5, Some("DELETE FROM".to_owned())),
            (6, Some("ON CONFLICT".to_owned())),
        ]
    );
}
