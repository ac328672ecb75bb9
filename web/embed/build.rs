//! Turns `../dist` (the Vite build of `web/`) into a static table the crate includes.
//!
//! Work done here is done once per change of the bundle, not per request or per start:
//! the gzip variant at the best level (served to every browser, so worth the build
//! time), the ETag (a content hash, so it changes exactly when the bytes do) and the
//! content type. Everything comes from one read of each file (see `main`).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let dist = manifest.join("..").join("dist");
    println!("cargo:rerun-if-changed=build.rs");

    let mut files = Vec::new();
    if dist.is_dir() {
        println!("cargo:rerun-if-changed={}", dist.display());
        walk(&dist, &dist, &mut files);
    } else {
        // A missing path would make cargo rerun this script on every build (and rebuild
        // everything that depends on the crate); watching `web/` instead notices when a
        // build creates `dist/`.
        println!("cargo:rerun-if-changed={}", manifest.join("..").display());
        println!(
            "cargo:warning=web/dist not found: weft will be built without the web UI (run `npm run build` in web/)"
        );
    }
    files.sort();

    // The table includes copies in OUT_DIR, not the files in dist/: each file is read
    // once, and its bytes, gzip variant and ETag all come from that one read. Including
    // dist/ directly would race a front-end build running meanwhile (Vite empties dist/
    // first), leaving a binary whose gzip variant or ETag belongs to other bytes, or a
    // failed compile.
    let copies = out_dir.join("dist");
    let _ = std::fs::remove_dir_all(&copies);
    std::fs::create_dir_all(&copies).expect("create OUT_DIR/dist");
    let mut table = String::from(
        "/// Every file of the bundle, sorted by path (relative to `dist/`, `/`-separated).\n\
         static ASSETS: &[(&str, Asset)] = &[\n",
    );
    for (i, (rel, path)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(path).unwrap_or_else(|e| changed(path, e));
        let copy = copies.join(i.to_string());
        std::fs::write(&copy, &bytes).expect("write a copy to OUT_DIR");
        let gzip = match gzip(&bytes) {
            Some(gz) => {
                let gz_path = copies.join(format!("{i}.gz"));
                std::fs::write(&gz_path, gz).expect("write gzip variant");
                format!("Some(include_bytes!({:?}))", path_str(&gz_path))
            }
            None => "None".to_owned(),
        };
        writeln!(
            table,
            "    ({rel:?}, Asset {{ bytes: include_bytes!({bytes_path:?}), gzip: {gzip}, \
             content_type: {ct:?}, immutable: {immutable}, etag: {etag:?} }}),",
            bytes_path = path_str(&copy),
            ct = content_type(rel),
            immutable = is_hashed(rel),
            etag = etag(&bytes),
        )
        .expect("write to a String");
    }
    table.push_str("];\n");
    std::fs::write(out_dir.join("assets.rs"), table).expect("write OUT_DIR/assets.rs");
}

/// Every regular file under `dir`, as (path relative to `root` with `/`, full path).
/// Dot-files and dot-directories (`.vite/manifest.json`, editor droppings) are left out:
/// nothing in the app links to them.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| changed(dir, e));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| changed(dir, e));
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            println!("cargo:warning=skipping {}: not UTF-8", path.display());
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        // `metadata` follows symlinks: a linked file is served like a copy.
        let meta = std::fs::metadata(&path).unwrap_or_else(|e| changed(&path, e));
        if meta.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(root, &path, out);
        } else if meta.is_file() {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .components()
                .map(|c| c.as_os_str().to_str().expect("checked UTF-8"))
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
}

/// A file listed a moment ago cannot be read: most likely a front-end build is
/// rewriting `dist/` right now. Failing says so; the next `cargo build` starts over.
fn changed(path: &Path, e: std::io::Error) -> ! {
    panic!(
        "{}: {e} (is `npm run build` rewriting web/dist? build again when it is done)",
        path.display()
    )
}

fn path_str(p: &Path) -> &str {
    p.to_str()
        .unwrap_or_else(|| panic!("{} is not UTF-8", p.display()))
}

/// The gzip variant at the best level, when it is smaller than the file.
fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    // GzEncoder writes mtime 0 and no file name: the output depends on the bytes only,
    // so builds are reproducible.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("gzip into memory");
    let gz = enc.finish().expect("gzip into memory");
    (gz.len() < bytes.len()).then_some(gz)
}

/// A strong ETag: the quoted hex of the first 16 bytes of the content's SHA-256.
fn etag(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut s = String::from("\"");
    for b in &digest[..16] {
        write!(s, "{b:02x}").expect("write to a String");
    }
    s.push('"');
    s
}

/// The `Content-Type` by extension; text types say UTF-8 (Vite writes UTF-8).
fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Whether a file is content-hashed: under `assets/`, with Vite's `-` and 8 characters
/// of `[A-Za-z0-9_-]` right before an extension (`index-BdX3k9aZ.js`, also
/// `index-BdX3k9aZ.js.map`). Such a name never gets other content, so browsers may keep
/// it forever.
fn is_hashed(rel: &str) -> bool {
    let Some(path) = rel.strip_prefix("assets/") else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('.').any(|(dot, _)| {
        let stem = &name[..dot];
        let n = stem.len();
        n > 9
            && stem.as_bytes()[n - 9] == b'-'
            && stem.as_bytes()[n - 8..]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    })
}
