//! Bearer-token authentication for the HTTP API.
//!
//! Off until a token is configured, so the embedded default needs no setup and existing
//! OpenLineage producers (which send no token, or one Marquez ignored) keep working.
//! Secrets are compared by SHA-256, so configuration may hold only hashes.

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// SHA-256 of a token secret, as stored.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Who is calling, when authentication is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// Authentication is off.
    Anonymous,
    /// A configured token, by name.
    Token(String),
}

impl Caller {
    /// The actor recorded in the change log.
    pub fn actor(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Token(name) => name,
        }
    }
}

/// Checks the `Authorization` header; `None` means 401.
pub fn authenticate(tokens: &[(String, Vec<u8>)], headers: &HeaderMap) -> Option<Caller> {
    if tokens.is_empty() {
        return Some(Caller::Anonymous);
    }
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let hash = hash_secret(secret.trim());
    tokens
        .iter()
        .find(|(_, h)| constant_time_eq(h, &hash))
        .map(|(name, _)| Caller::Token(name.clone()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
