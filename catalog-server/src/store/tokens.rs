//! API tokens created with `weft token create`: only the SHA-256 of each secret.

use sqlx::Row;

use super::bulk::{Val, execute, fetch};
use super::{Store, StoreError, now_micros};
use crate::auth::{Scopes, Token};

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
