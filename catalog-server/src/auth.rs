//! Bearer-token authentication and scopes for the whole HTTP API.
//!
//! Off until a token exists (configured, or created with `weft token create`), so the
//! embedded default needs no setup and existing OpenLineage producers (which send no
//! token, or one Marquez ignored) keep working. Once on, every request but health and
//! metrics needs a token whose scopes cover it: `read` for reads (unless reads are
//! configured open), `write` for pushes, `review` for review decisions and retractions,
//! `admin` for everything. Secrets are compared by SHA-256, so neither configuration
//! nor the store holds a secret.
//!
//! Tokens created by the CLI live in the store; the server keeps an in-memory copy,
//! refreshed every few seconds, so authenticating a request costs no query and a
//! revoked token stops working within [`REFRESH`].

use std::sync::RwLock;
use std::time::Duration;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
pub use weft_store::tokens::{Scope, Scopes, Token};

/// How often the server re-reads the tokens in the store.
pub const REFRESH: Duration = Duration::from_secs(3);

/// SHA-256 of a token secret, as stored.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No token: authentication is off, or reads are open.
    Anonymous,
    /// A token, by name.
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

/// The tokens a server accepts: from configuration, and from the store (refreshed).
#[derive(Debug, Default)]
pub struct TokenSet {
    configured: Vec<Token>,
    stored: RwLock<Vec<Token>>,
    /// Whether callers without a token may read.
    pub open_reads: bool,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or one that is not known (401).
    Unauthenticated,
    /// A known token without the scope (403).
    Forbidden,
}

impl TokenSet {
    /// Tokens from configuration.
    pub fn new(configured: Vec<Token>, open_reads: bool) -> TokenSet {
        TokenSet {
            configured,
            stored: RwLock::new(Vec::new()),
            open_reads,
        }
    }

    /// Replaces the tokens read from the store.
    pub fn set_stored(&self, tokens: Vec<Token>) {
        *self.stored.write().unwrap_or_else(|e| e.into_inner()) = tokens;
    }

    /// Whether authentication is on: some token exists.
    pub fn enabled(&self) -> bool {
        !self.configured.is_empty()
            || !self
                .stored
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
    }

    /// The caller and what it may do, from the `Authorization` header.
    pub fn identify(&self, headers: &HeaderMap) -> Result<(Caller, Scopes), Refusal> {
        if !self.enabled() {
            return Ok((Caller::Anonymous, Scopes::ALL));
        }
        let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
            return if self.open_reads {
                Ok((Caller::Anonymous, Scopes::READ))
            } else {
                Err(Refusal::Unauthenticated)
            };
        };
        let secret = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, s)| s.trim())
            .ok_or(Refusal::Unauthenticated)?;
        let hash = hash_secret(secret);
        let stored = self.stored.read().unwrap_or_else(|e| e.into_inner());
        self.configured
            .iter()
            .chain(stored.iter())
            .find(|t| constant_time_eq(&t.sha256, &hash))
            .map(|t| (Caller::Token(t.name.clone()), t.scopes))
            .ok_or(Refusal::Unauthenticated)
    }

    /// The caller, if it may do `scope`.
    pub fn authorize(&self, headers: &HeaderMap, scope: Scope) -> Result<Caller, Refusal> {
        let (caller, scopes) = self.identify(headers)?;
        if scopes.allows(scope) {
            Ok(caller)
        } else if caller == Caller::Anonymous {
            Err(Refusal::Unauthenticated)
        } else {
            Err(Refusal::Forbidden)
        }
    }
}

/// Checks the `Authorization` header for a caller allowed to `scope`; `None` means the
/// request must be refused (the router's middleware has already answered 401 or 403
/// by then, so handlers only need the name).
pub fn authenticate(tokens: &TokenSet, headers: &HeaderMap, scope: Scope) -> Option<Caller> {
    tokens.authorize(headers, scope).ok()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new random secret: 32 bytes from the operating system, hex, with a recognisable
/// prefix so leaked secrets can be found by scanners.
pub fn new_secret() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let mut s = String::from("weft_");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(secret: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(s) = secret {
            h.insert(
                axum::http::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {s}")).expect("header"),
            );
        }
        h
    }

    #[test]
    fn scopes_are_enforced_once_a_token_exists() {
        let off = TokenSet::new(vec![], false);
        assert_eq!(
            off.authorize(&headers(None), Scope::Admin),
            Ok(Caller::Anonymous)
        );
        let set = TokenSet::new(
            vec![Token {
                name: "ci".into(),
                sha256: hash_secret("s1"),
                scopes: Scopes::parse(["read,write"]).expect("scopes"),
            }],
            false,
        );
        set.set_stored(vec![Token {
            name: "root".into(),
            sha256: hash_secret("s2"),
            scopes: Scopes::parse(["admin"]).expect("scopes"),
        }]);
        assert_eq!(
            set.authorize(&headers(Some("s1")), Scope::Write),
            Ok(Caller::Token("ci".into()))
        );
        assert_eq!(
            set.authorize(&headers(Some("s1")), Scope::Review),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            set.authorize(&headers(Some("s2")), Scope::Review),
            Ok(Caller::Token("root".into()))
        );
        assert_eq!(
            set.authorize(&headers(Some("nope")), Scope::Read),
            Err(Refusal::Unauthenticated)
        );
        assert_eq!(
            set.authorize(&headers(None), Scope::Read),
            Err(Refusal::Unauthenticated)
        );
        let open = TokenSet::new(set.configured.clone(), true);
        assert_eq!(
            open.authorize(&headers(None), Scope::Read),
            Ok(Caller::Anonymous)
        );
        assert_eq!(
            open.authorize(&headers(None), Scope::Write),
            Err(Refusal::Unauthenticated)
        );
        assert!(Scopes::parse(["read,owner"]).is_err());
        assert_eq!(
            Scopes::parse(["write", "read"]).map(Scopes::to_text),
            Ok("read,write".into())
        );
    }
}
