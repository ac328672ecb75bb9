//! Run identity: OpenLineage says `runId` is a UUID, but real producers send other
//! strings. Marquez accepts them by mapping the text to a name-based (version 3) UUID;
//! Weft does the same so that a run id means the same run in both systems.

use md5::{Digest, Md5};

/// The UUID a run is stored under: the id itself (lower-cased) when it is a UUID, else
/// the version-3 UUID of its UTF-8 bytes (what Java's `UUID.nameUUIDFromBytes` gives).
pub fn normalize_run_id(raw: &str) -> String {
    if is_uuid(raw) {
        return raw.to_ascii_lowercase();
    }
    let mut bytes: [u8; 16] = Md5::digest(raw.as_bytes()).into();
    bytes[6] = (bytes[6] & 0x0f) | 0x30;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format_uuid(&bytes)
}

/// True for the canonical 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn format_uuid(b: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_kept_lowercased() {
        assert_eq!(
            normalize_run_id("0190C7C0-0000-7000-8000-000000000001"),
            "0190c7c0-0000-7000-8000-000000000001"
        );
    }

    #[test]
    fn non_uuid_maps_like_java_name_uuid_from_bytes() {
        // Java: UUID.nameUUIDFromBytes("run_id".getBytes(UTF_8))
        let id = normalize_run_id("run_id");
        assert!(is_uuid(&id));
        assert_eq!(&id[14..15], "3", "version nibble");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "IETF variant");
        assert_eq!(id, normalize_run_id("run_id"), "stable");
        assert_ne!(id, normalize_run_id("run_id2"));
    }
}
