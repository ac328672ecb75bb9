//! SQL dialects and the naming rules that differ between them.
//!
//! Lineage depends on a dialect twice: the parser must accept its syntax, and names must
//! be compared the way the engine compares them (Postgres folds unquoted names to lower
//! case, Snowflake to upper case, ClickHouse not at all). Code elsewhere asks a
//! [`Dialect`] these questions instead of branching on dialect names.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use sqlparser::ast::Ident;
use sqlparser::dialect as sp;

/// A SQL dialect Weft can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// ANSI / anything else: the most permissive grammar.
    #[default]
    Generic,
    /// PostgreSQL.
    Postgres,
    /// Snowflake.
    Snowflake,
    /// Google BigQuery.
    BigQuery,
    /// Amazon Redshift.
    Redshift,
    /// MySQL and MariaDB.
    MySql,
    /// Microsoft SQL Server (T-SQL).
    MsSql,
    /// Apache Hive.
    Hive,
    /// Apache Spark SQL.
    Spark,
    /// Databricks SQL.
    Databricks,
    /// DuckDB.
    DuckDb,
    /// SQLite.
    Sqlite,
    /// ClickHouse.
    ClickHouse,
    /// Teradata: the generic grammar after its abbreviations and attribute phrases are
    /// rewritten (`crate::rewrite::teradata`).
    Teradata,
}

/// How a dialect treats the case of unquoted identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    Lower,
    Upper,
    Keep,
}

/// A dialect name that Weft does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SQL dialect `{0}` (known: {list})", list = Dialect::NAMES.join(", "))]
pub struct UnknownDialect(pub String);

impl Dialect {
    /// The names [`FromStr`] accepts, for help texts and error messages.
    pub const NAMES: &'static [&'static str] = &[
        "generic",
        "ansi",
        "postgres",
        "snowflake",
        "bigquery",
        "redshift",
        "mysql",
        "mssql",
        "tsql",
        "hive",
        "spark",
        "sparksql",
        "databricks",
        "duckdb",
        "sqlite",
        "clickhouse",
        "teradata",
    ];

    /// The sqlparser grammar for this dialect.
    pub(crate) fn parser_dialect(self) -> Box<dyn sp::Dialect> {
        match self {
            Dialect::Generic => Box::new(sp::GenericDialect {}),
            Dialect::Postgres => Box::new(sp::PostgreSqlDialect {}),
            Dialect::Snowflake => Box::new(sp::SnowflakeDialect {}),
            Dialect::BigQuery => Box::new(sp::BigQueryDialect {}),
            Dialect::Redshift => Box::new(sp::RedshiftSqlDialect {}),
            Dialect::MySql => Box::new(sp::MySqlDialect {}),
            Dialect::MsSql => Box::new(sp::MsSqlDialect {}),
            Dialect::Hive => Box::new(sp::HiveDialect {}),
            Dialect::Spark | Dialect::Databricks => Box::new(sp::DatabricksDialect {}),
            Dialect::DuckDb => Box::new(sp::DuckDbDialect {}),
            Dialect::Sqlite => Box::new(sp::SQLiteDialect {}),
            Dialect::ClickHouse => Box::new(sp::ClickHouseDialect {}),
            Dialect::Teradata => Box::new(sp::GenericDialect {}),
        }
    }

    fn fold(self) -> Fold {
        match self {
            Dialect::Snowflake => Fold::Upper,
            Dialect::Generic | Dialect::Postgres | Dialect::Redshift | Dialect::Teradata => {
                Fold::Lower
            }
            Dialect::Hive | Dialect::Spark | Dialect::Databricks => Fold::Lower,
            _ => Fold::Keep,
        }
    }

    /// Whether a quoted identifier may hold a whole dotted path, as BigQuery's
    /// `` `project.dataset.table` `` does.
    pub(crate) fn quoted_paths(self) -> bool {
        matches!(self, Dialect::BigQuery)
    }

    /// The name an identifier denotes, after the dialect's case folding.
    pub(crate) fn normalize(self, ident: &Ident) -> String {
        self.normalized(ident).into_owned()
    }

    /// [`Dialect::normalize`] without a copy when folding changes nothing, which is
    /// the common case (lower-case SQL in a lower-folding dialect); name resolution
    /// folds every part of every column reference.
    pub(crate) fn normalized(self, ident: &Ident) -> Cow<'_, str> {
        let v = ident.value.as_str();
        if ident.quote_style.is_some() {
            return Cow::Borrowed(v);
        }
        match self.fold() {
            Fold::Lower if v.is_ascii() && !v.bytes().any(|b| b.is_ascii_uppercase()) => {
                Cow::Borrowed(v)
            }
            Fold::Lower => Cow::Owned(v.to_lowercase()),
            Fold::Upper if v.is_ascii() && !v.bytes().any(|b| b.is_ascii_lowercase()) => {
                Cow::Borrowed(v)
            }
            Fold::Upper => Cow::Owned(v.to_uppercase()),
            Fold::Keep => Cow::Borrowed(v),
        }
    }

    /// Whether two normalized names may denote the same object.
    ///
    /// Case is ignored even where the engine would not: names also come from schema
    /// snapshots, and catalogs store their own case (DataHub lower-cases Snowflake's
    /// upper-case names), so an exact-case rule would lose real matches. Callers that
    /// can choose among several candidates prefer an exact match first.
    pub(crate) fn same(self, a: &str, b: &str) -> bool {
        a == b || a.eq_ignore_ascii_case(b)
    }
}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "generic" | "ansi" => Dialect::Generic,
            "postgres" | "postgresql" => Dialect::Postgres,
            "snowflake" => Dialect::Snowflake,
            "bigquery" => Dialect::BigQuery,
            "redshift" => Dialect::Redshift,
            "mysql" | "mariadb" => Dialect::MySql,
            "mssql" | "tsql" | "sqlserver" => Dialect::MsSql,
            "hive" => Dialect::Hive,
            "spark" | "sparksql" => Dialect::Spark,
            "databricks" => Dialect::Databricks,
            "duckdb" => Dialect::DuckDb,
            "sqlite" => Dialect::Sqlite,
            "clickhouse" => Dialect::ClickHouse,
            "teradata" => Dialect::Teradata,
            _ => return Err(UnknownDialect(s.to_owned())),
        })
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Generic => "generic",
            Dialect::Postgres => "postgres",
            Dialect::Snowflake => "snowflake",
            Dialect::BigQuery => "bigquery",
            Dialect::Redshift => "redshift",
            Dialect::MySql => "mysql",
            Dialect::MsSql => "mssql",
            Dialect::Hive => "hive",
            Dialect::Spark => "spark",
            Dialect::Databricks => "databricks",
            Dialect::DuckDb => "duckdb",
            Dialect::Sqlite => "sqlite",
            Dialect::ClickHouse => "clickhouse",
            Dialect::Teradata => "teradata",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_map() {
        for name in Dialect::NAMES {
            let d: Dialect = name.parse().unwrap();
            let again: Dialect = d.to_string().parse().unwrap();
            assert_eq!(d, again);
        }
        assert_eq!("tsql".parse::<Dialect>().unwrap(), Dialect::MsSql);
        assert_eq!("sparksql".parse::<Dialect>().unwrap(), Dialect::Spark);
        assert!("oracle-ish".parse::<Dialect>().is_err());
    }

    #[test]
    fn folding_follows_the_engine() {
        let unquoted = Ident::new("MyCol");
        let quoted = Ident::with_quote('"', "MyCol");
        assert_eq!(Dialect::Postgres.normalize(&unquoted), "mycol");
        assert_eq!(Dialect::Snowflake.normalize(&unquoted), "MYCOL");
        assert_eq!(Dialect::ClickHouse.normalize(&unquoted), "MyCol");
        assert_eq!(Dialect::Postgres.normalize(&quoted), "MyCol");
        assert!(Dialect::Snowflake.same("TOTALPRICE", "totalprice"));
    }

    #[test]
    fn folding_copies_only_when_it_changes_the_name() {
        let d = Dialect::Postgres;
        assert!(matches!(
            d.normalized(&Ident::new("col_1")),
            Cow::Borrowed("col_1")
        ));
        assert!(matches!(d.normalized(&Ident::new("Col")), Cow::Owned(s) if s == "col"));
        // Non-ASCII goes through Unicode folding, titlecase letters included.
        assert_eq!(d.normalized(&Ident::new("ÉTÉ")), "été");
        assert_eq!(d.normalized(&Ident::new("ǅx")), "ǆx");
        let s = Dialect::Snowflake;
        assert!(matches!(
            s.normalized(&Ident::new("COL")),
            Cow::Borrowed("COL")
        ));
        assert_eq!(s.normalized(&Ident::new("été")), "ÉTÉ");
        assert!(matches!(
            d.normalized(&Ident::with_quote('"', "MiXed")),
            Cow::Borrowed("MiXed")
        ));
    }
}
