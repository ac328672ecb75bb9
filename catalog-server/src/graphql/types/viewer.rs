//! Who is calling.

use super::*;
use crate::auth::{Caller, Scope};

/// The caller, as the server sees its token: what a client shows (who is signed in)
/// and what it offers (edits, review decisions) before trying them.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
#[graphql(name = "Viewer")]
pub struct ViewerInfo {
    /// Whether the server checks tokens (it does once any token exists). When false,
    /// everyone may do everything and `name` is null.
    pub auth_enabled: bool,
    /// The token's name, the actor recorded on the caller's changes; null without a
    /// token (authentication off, or a tokenless reader where reads are open).
    pub name: Option<String>,
    /// What the caller may do, among `read`, `write`, `review` and `admin`. `admin`
    /// allows the others, so an admin token lists all four; a write-only token lists
    /// only `write`.
    pub scopes: Vec<String>,
}

impl ViewerInfo {
    /// The request's caller.
    pub fn of(v: &crate::graphql::Viewer, auth_enabled: bool) -> ViewerInfo {
        ViewerInfo {
            auth_enabled,
            name: match &v.caller {
                Caller::Token(name) => Some(name.clone()),
                Caller::Anonymous => None,
            },
            scopes: [Scope::Read, Scope::Write, Scope::Review, Scope::Admin]
                .into_iter()
                .filter(|s| v.scopes.allows(*s))
                .map(|s| s.as_str().to_owned())
                .collect(),
        }
    }
}
