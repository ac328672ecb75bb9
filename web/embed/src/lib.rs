//! The web UI's built bundle (`web/dist`, Vite's output), compiled into the binary.
//!
//! Why embedded: `weft serve` is one file to deploy, and the UI it serves always matches
//! the API it was built with. Why committed and precomputed: `cargo build` needs neither
//! Node nor the network, and a request costs a table lookup — the gzip variant, the
//! ETag and the content type were all worked out by `build.rs`.
//!
//! Paths are relative to `dist/` with `/` separators (`index.html`,
//! `assets/index-BdX3k9aZ.js`). When the crate was built without `dist/`, the table is
//! empty: [`index`] is `None` and the server says the UI is not built.
//!
//! No dependencies at run time; HTTP (caching headers, content negotiation) is the
//! server's business (`catalog-server/src/web.rs`).

#![deny(missing_docs)]

/// One file of the bundle.
#[derive(Debug)]
pub struct Asset {
    /// The file as built.
    pub bytes: &'static [u8],
    /// The same bytes gzip-compressed (best level), when that is smaller.
    pub gzip: Option<&'static [u8]>,
    /// The `Content-Type` by extension (`text/html; charset=utf-8`, …).
    pub content_type: &'static str,
    /// Whether the name is content-hashed (`assets/name-XXXXXXXX.ext`, Vite's
    /// `-[hash:8]`): a new build gives new content a new name, so the file may be cached
    /// forever.
    pub immutable: bool,
    /// A strong ETag for `bytes`, quoted (`"3f…"`): a hash of the content, so it changes
    /// exactly when the file does, across builds and restarts.
    pub etag: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path` (relative to `dist/`; one leading `/` is ignored), if the bundle
/// has it. Exact match only: no decoding, no `index.html` for directories.
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = path.strip_prefix('/').unwrap_or(path);
    ASSETS
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| &ASSETS[i].1)
}

/// The single-page app's entry, `index.html`; `None` when the UI was not built.
pub fn index() -> Option<&'static Asset> {
    asset("index.html")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn the_table_is_sorted_and_every_variant_matches_its_file() {
        assert!(ASSETS.windows(2).all(|w| w[0].0 < w[1].0), "sorted, unique");
        for (path, a) in ASSETS {
            assert_eq!(asset(path).map(|x| x.etag), Some(a.etag));
            assert_eq!(asset(&format!("/{path}")).map(|x| x.etag), Some(a.etag));
            assert!(a.etag.len() == 34 && a.etag.starts_with('"') && a.etag.ends_with('"'));
            if let Some(gz) = a.gzip {
                assert!(gz.len() < a.bytes.len(), "{path}: gzip only when smaller");
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(gz)
                    .read_to_end(&mut out)
                    .expect("valid gzip");
                assert!(out == a.bytes, "{path}: gzip variant differs");
            }
            if path.starts_with("assets/") && a.immutable {
                assert!(path.contains('-'), "{path}");
            }
        }
    }

    #[test]
    fn the_table_matches_dist_on_disk() {
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
        if !dist.is_dir() {
            assert!(index().is_none());
            return;
        }
        let index_html = std::fs::read(dist.join("index.html")).expect("dist/index.html");
        assert!(index().expect("index.html embedded").bytes == index_html);
        assert_eq!(index().unwrap().content_type, "text/html; charset=utf-8");
        assert!(!index().unwrap().immutable);
        assert!(asset("assets/nope-12345678.js").is_none());
        assert!(asset("").is_none());
    }
}
