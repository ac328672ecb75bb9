//! API tokens created with `weft token create`: only the SHA-256 of each secret.

use sqlx::Row;

use super::bulk::{Val, execute, fetch};
use super::{Store, StoreError, now_micros};

/// What a token may do. `admin` implies the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read anything.
    Read,
    /// Push metadata (OpenLineage events).
    Write,
    /// Decide on tags and retract lineage edges.
    Review,
    /// Everything.
    Admin,
}

impl Scope {
    /// The scope's name in configuration and on the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Review => "review",
            Scope::Admin => "admin",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Scope::Read => 1,
            Scope::Write => 2,
            Scope::Review => 4,
            Scope::Admin => 8,
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Scope, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            "review" => Ok(Scope::Review),
            "admin" => Ok(Scope::Admin),
            other => Err(format!(
                "unknown scope {other:?} (read, write, review or admin)"
            )),
        }
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u8);

impl Scopes {
    /// Every scope (tokens given on the command line, and authentication off).
    pub const ALL: Scopes = Scopes(15);
    /// Read only (callers without a token when reads are open).
    pub const READ: Scopes = Scopes(1);

    /// Whether `scope` is allowed; `admin` allows everything.
    pub fn allows(self, scope: Scope) -> bool {
        self.0 & (scope.bit() | Scope::Admin.bit()) != 0
    }

    /// Parses `read,write` (also accepts a list).
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Scopes, String> {
        let mut bits = 0;
        for s in items {
            for part in s.split(',').filter(|p| !p.trim().is_empty()) {
                bits |= part.parse::<Scope>()?.bit();
            }
        }
        if bits == 0 {
            return Err("at least one scope is needed".into());
        }
        Ok(Scopes(bits))
    }

    /// `read,write` form, for storage and listing.
    pub fn to_text(self) -> String {
        [Scope::Read, Scope::Write, Scope::Review, Scope::Admin]
            .into_iter()
            .filter(|s| self.0 & s.bit() != 0)
            .map(Scope::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// One token the server accepts.
#[derive(Debug, Clone)]
pub struct Token {
    /// Recorded as the actor of every change made with it.
    pub name: String,
    /// SHA-256 of the secret.
    pub sha256: Vec<u8>,
    /// What it may do.
    pub scopes: Scopes,
}

/// A token as `weft token list` shows it (never the secret).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// Name, recorded as the actor of its changes.
    pub name: String,
    /// Scopes.
    pub scopes: String,
    /// When it was created (µs).
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Stores a new token; fails if the name is taken.
    pub async fn create_token(
        &self,
        name: &str,
        sha256: Vec<u8>,
        scopes: Scopes,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        execute(
            &mut conn,
            self.backend().sql(
                "INSERT INTO api_tokens (name, secret_sha256, scopes, created_at) VALUES (?, ?, ?, ?)",
            ),
            vec![
                name.into(),
                Val::Bytes(sha256),
                scopes.to_text().into(),
                Val::I64(now_micros()),
            ],
        )
        .await?;
        Ok(())
    }

    /// Revokes a token by name; whether one was active.
    pub async fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let n = execute(
            &mut conn,
            self.backend()
                .sql("UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"),
            vec![Val::I64(now_micros()), name.into()],
        )
        .await?;
        Ok(n > 0)
    }

    /// Every token, revoked ones included.
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            "SELECT name, scopes, created_at, revoked_at FROM api_tokens ORDER BY name".into(),
            vec![],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    name: r.try_get(0)?,
                    scopes: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                    revoked_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The tokens that authenticate.
    pub async fn active_tokens(&self) -> Result<Vec<Token>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            "SELECT name, secret_sha256, scopes FROM api_tokens WHERE revoked_at IS NULL".into(),
            vec![],
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let scopes: String = r.try_get(2)?;
            let Ok(scopes) = Scopes::parse([scopes.as_str()]) else {
                continue;
            };
            out.push(Token {
                name: r.try_get(0)?,
                sha256: r.try_get(1)?,
                scopes,
            });
        }
        Ok(out)
    }
}
