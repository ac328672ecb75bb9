//! Signed log heads: a checkpoint that proves it came from the server holding the key.
//!
//! A checkpoint kept outside the store lets `weft verify` find a truncated or rewritten
//! tail, but only if the checkpoint itself is genuine: whoever can edit the database may
//! also be able to edit the file the checkpoints go to. With a signing key configured,
//! every head the server reports (`GET /api/v1/log/head`, each checkpoint line) carries
//! an HMAC-SHA256 over its sequence number, hash and time, and `weft verify` given the
//! same key refuses a checkpoint whose signature does not match.
//!
//! The scheme is symmetric: whoever verifies holds the key, so keep it where the
//! database's writers cannot read it (a secret store, a file only the service and the
//! auditors can open). A public-key signature would let anyone verify without being able
//! to sign; this keeps to what the dependency tree already has.

use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::log::{LogHead, hex, unhex};

/// The algorithm named in signed heads, so a later scheme can sit beside it.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// Shortest key accepted: 16 bytes (128 bits) after trimming.
const MIN_KEY_BYTES: usize = 16;

/// A key that signs and verifies log heads (the MAC keyed once, cloned per use).
#[derive(Clone)]
pub struct HeadKey(Hmac<Sha256>);

impl std::fmt::Debug for HeadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeadKey(..)")
    }
}

/// Why a key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read.
    #[error("reading the log signing key {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The key is too short to be a secret.
    #[error(
        "the log signing key {path} holds {len} bytes; at least {MIN_KEY_BYTES} are needed (e.g. `openssl rand -hex 32`)"
    )]
    TooShort {
        /// The file.
        path: String,
        /// Its length after trimming.
        len: usize,
    },
}

impl HeadKey {
    /// Reads a key file: its bytes, without surrounding whitespace (so `openssl rand
    /// -hex 32 > key` works as is).
    pub fn load(path: &Path) -> Result<HeadKey, KeyError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        let key = bytes.trim_ascii().to_vec();
        if key.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort {
                path: shown,
                len: key.len(),
            });
        }
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
            .map(HeadKey)
            .map_err(|_| KeyError::TooShort {
                path: shown,
                len: key.len(),
            })
    }

    fn mac(&self, seq: i64, hash_hex: &str, at: i64) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(format!("weft.log.head.v1\n{seq}\n{hash_hex}\n{at}").as_bytes());
        mac
    }

    /// The head as JSON with its signature: `{seq, hash, at, signature, algorithm}`.
    pub fn sign(&self, head: &LogHead) -> serde_json::Value {
        let mut v = head.to_json();
        let hash_hex = hex(&head.hash);
        let sig = self
            .mac(head.seq, &hash_hex, head.at)
            .finalize()
            .into_bytes();
        v["signature"] = hex(&sig).into();
        v["algorithm"] = ALGORITHM.into();
        v
    }

    /// Whether a head as JSON (an API answer, a checkpoint line) carries this key's
    /// signature; compared in constant time.
    pub fn verifies(&self, head: &serde_json::Value) -> bool {
        let (Some(seq), Some(hash), Some(at), Some(sig)) = (
            head["seq"].as_i64(),
            head["hash"].as_str(),
            head["at"].as_i64(),
            head["signature"].as_str(),
        ) else {
            return false;
        };
        if head["algorithm"].as_str() != Some(ALGORITHM) {
            return false;
        }
        let Some(sig) = unhex(sig) else { return false };
        self.mac(seq, hash, at).verify_slice(&sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> HeadKey {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key");
        std::fs::write(&p, text).unwrap();
        HeadKey::load(&p).unwrap()
    }

    #[test]
    fn a_signed_head_verifies_and_any_change_breaks_it() {
        let k = key("0123456789abcdef0123456789abcdef\n");
        let head = LogHead {
            seq: 42,
            hash: vec![7; 32],
            at: 1_700_000_000_000_000,
        };
        let signed = k.sign(&head);
        assert!(k.verifies(&signed));
        for (field, value) in [
            ("seq", serde_json::json!(41)),
            ("at", serde_json::json!(1)),
            ("hash", serde_json::json!(hex(&[8; 32]))),
            ("signature", serde_json::json!("00")),
            ("algorithm", serde_json::json!("none")),
        ] {
            let mut forged = signed.clone();
            forged[field] = value;
            assert!(!k.verifies(&forged), "{field} changed");
        }
        let mut unsigned = signed.clone();
        unsigned.as_object_mut().unwrap().remove("signature");
        assert!(!k.verifies(&unsigned));
        assert!(!key("another key of enough length").verifies(&signed));
    }

    #[test]
    fn short_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key");
        std::fs::write(&p, "short\n").unwrap();
        assert!(matches!(
            HeadKey::load(&p),
            Err(KeyError::TooShort { len: 5, .. })
        ));
    }
}
