//! The web UI and GraphiQL, served from the bundle compiled into the binary
//! (`weft-web`, built from `web/dist`).
//!
//! The router's fallback lands here, so API routes keep precedence by construction;
//! a path under `/api/`, `/graphql`, `/healthz`, `/readyz` or `/metrics` that no route
//! matched stays the API's JSON 404. For everything else:
//!
//! - a file of the bundle is served as built: content-hashed `assets/` files are
//!   cacheable forever (`immutable`; a new build gives new content a new name), the rest
//!   `no-cache` (revalidated by ETag, so a new build shows at the next load);
//! - a missing `/assets/…` file is a plain 404, never `index.html`: a page still running
//!   an old build that asks for a chunk it no longer has must get an error it can act on,
//!   not HTML parsed as JavaScript;
//! - any other GET is one of the single-page app's routes (`/`, `/datasets/…`, deep
//!   links with encoded slashes): `index.html`, and the app's router reads the URL.
//!
//! Every answer negotiates gzip (precompressed by `weft-web`'s build script) and says
//! `Vary: Accept-Encoding`; HTML carries a Content-Security-Policy that allows the app
//! and nothing else. No token is needed for any of it (the app shows its own sign-in
//! page); the data still comes through the API, which the guard protects.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;

/// Whether `path` belongs to the API: its first segment is `api`, `graphql`, `healthz`,
/// `readyz` or `metrics`. Such a path is never answered with the UI, and the guard
/// treats it as before the UI existed.
pub fn is_api_path(path: &str) -> bool {
    let first = path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .next()
        .unwrap_or("");
    matches!(first, "api" | "graphql" | "healthz" | "readyz" | "metrics")
}

/// The router's fallback: the API's JSON 404 under API paths, the UI elsewhere.
pub async fn fallback(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if is_api_path(path) {
        return crate::api::ops::not_found().await.into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        let mut resp = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "the web UI answers GET and HEAD only; the API is under /api/v1 and /graphql",
        )
        .into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    if path == "/assets" || path.starts_with("/assets/") {
        return match weft_web::asset(path) {
            Some(asset) => serve(asset, &headers),
            None => plain_not_found(),
        };
    }
    if let Some(asset) = weft_web::asset(path) {
        return serve(asset, &headers);
    }
    match weft_web::index() {
        Some(index) => serve(index, &headers),
        None => not_built(
            "Weft's web UI is not part of this build",
            "<code>web/dist</code> was missing when <code>weft</code> was compiled. Run \
             <code>npm run build</code> in <code>web/</code>, then build <code>weft</code> \
             again.",
        ),
    }
}

/// GraphiQL for `GET /graphql` from a browser: the bundle's `graphiql.html`, whose
/// scripts and styles come from this server, so it works with no internet.
pub fn graphiql(headers: &HeaderMap) -> Response {
    match weft_web::asset("graphiql.html") {
        Some(page) => serve(page, headers),
        None => not_built(
            "GraphiQL is not part of this build",
            "<code>web/dist/graphiql.html</code> was missing when <code>weft</code> was \
             compiled. Run <code>npm run build</code> in <code>web/</code>, then build \
             <code>weft</code> again. The API itself works: POST GraphQL requests to \
             <code>/graphql</code>.",
        ),
    }
}

/// One file of the bundle: 304 when the client's copy is current, else the bytes,
/// gzip-compressed when the client accepts it and that variant exists.
fn serve(asset: &'static weft_web::Asset, req: &HeaderMap) -> Response {
    let gzip = asset.gzip.filter(|_| accepts_gzip(req));
    let etag = match gzip {
        // A strong ETag names one representation: the compressed bytes are another.
        Some(_) => gzip_etag(asset.etag),
        None => asset.etag.to_owned(),
    };
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if asset.content_type.starts_with("text/html") {
        if let Ok(v) = HeaderValue::from_str(&content_security_policy(req)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    if none_match(req, asset.etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    let body = match gzip {
        Some(bytes) => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            bytes
        }
        None => asset.bytes,
    };
    (StatusCode::OK, headers, Body::from(body)).into_response()
}

/// The ETag of an asset's gzip variant: `"…-gzip"` from `"…"`.
fn gzip_etag(etag: &str) -> String {
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}-gzip\""),
        None => format!("{etag}-gzip"),
    }
}

/// Whether `If-None-Match` names the asset (either variant; weak comparison, as RFC
/// 9110 asks for this header) or is `*`.
fn none_match(req: &HeaderMap, etag: &str) -> bool {
    let gz = gzip_etag(etag);
    req.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*" || tag == etag || tag == gz
        })
}

/// Whether the request's `Accept-Encoding` allows gzip (every header line counts).
fn accepts_gzip(req: &HeaderMap) -> bool {
    let joined = req
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    gzip_acceptable(&joined)
}

/// Whether an `Accept-Encoding` value allows gzip: `gzip` (or `x-gzip`) with a weight
/// above 0, or, when gzip is not named, `*` with a weight above 0 (RFC 9110 §12.5.3).
/// An entry with a malformed weight is ignored; no header means no gzip (identity is
/// always acceptable, so that is the safe reading).
fn gzip_acceptable(value: &str) -> bool {
    let mut gzip: Option<u16> = None;
    let mut star: Option<u16> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        if coding.is_empty() {
            continue;
        }
        let mut weight = Some(1000);
        for param in parts {
            let (name, val) = param.split_once('=').unwrap_or((param, ""));
            if name.trim().eq_ignore_ascii_case("q") {
                weight = qvalue(val.trim());
            }
        }
        let Some(weight) = weight else { continue };
        let slot = if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            &mut gzip
        } else if coding == "*" {
            &mut star
        } else {
            continue;
        };
        *slot = Some(slot.map_or(weight, |w| w.max(weight)));
    }
    gzip.or(star).is_some_and(|w| w > 0)
}

/// A weight (`q=`) in thousandths: `0`, `0.5`, `0.001`, `1`, `1.000`; `None` when it is
/// not one (RFC 9110 §12.4.2: at most three decimals, at most 1).
fn qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = frac
        .bytes()
        .zip([100u16, 10, 1])
        .map(|(d, scale)| u16::from(d - b'0') * scale)
        .sum::<u16>();
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The policy for the app's and GraphiQL's HTML: scripts, styles, fonts and images from
/// this server only (inline styles allowed: React Flow and GraphiQL position elements
/// with them; fonts and icons may be `data:` URIs), requests to this server only,
/// WebSockets included (`'self'` covers `ws:` in CSP 3 browsers; the explicit
/// `ws://host` is for older ones), no plugins, no framing.
fn content_security_policy(req: &HeaderMap) -> String {
    let mut connect = String::from("'self'");
    // The Host header goes into a header value: only a plain host[:port] is echoed.
    if let Some(host) = req
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
    {
        connect.push_str(&format!(" ws://{host} wss://{host}"));
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src {connect}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// A missing bundle file: a short text 404, never the app's HTML.
fn plain_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        "no such file in the web UI's build\n",
    )
        .into_response()
}

/// A page saying what is missing from this build, instead of the UI.
fn not_built(title: &str, detail: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family: sans-serif; max-width: 40em; margin: 3em auto\">\n\
         <h1>{title}</h1>\n<p>{detail}</p>\n\
         <p>The API works without it: <code>/api/v1</code> and <code>/graphql</code>.</p>\n\
         </body>\n</html>\n"
    );
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_weights() {
        for (value, want) in [
            ("gzip", true),
            ("gzip, deflate, br, zstd", true),
            ("GZIP", true),
            ("x-gzip", true),
            ("br;q=1.0, gzip;q=0.8, *;q=0.1", true),
            ("gzip;q=0.001", true),
            ("gzip ; Q=0.5", true),
            ("gzip;q=1.", true),
            ("*", true),
            ("identity;q=0, gzip", true),
            ("", false),
            ("identity", false),
            ("deflate, br", false),
            ("gzip;q=0", false),
            ("gzip;q=0.0", false),
            ("gzip;q=0.000", false),
            ("gzip; q=0", false),
            ("gzip;Q=0", false),
            ("*;q=0", false),
            // gzip named with 0 wins over a `*` that would allow it.
            ("gzip;q=0, *", false),
            ("*, gzip;q=0", false),
            // A malformed weight ignores its entry.
            ("gzip;q=1.5", false),
            ("gzip;q=0.0001", false),
            ("gzip;q=-1", false),
            ("gzip;q=", false),
            ("gzip;q=abc, *;q=0.5", true),
            // Listed twice: the better weight counts.
            ("gzip;q=0, gzip;q=0.5", true),
            ("gzipped", false),
        ] {
            assert_eq!(gzip_acceptable(value), want, "{value:?}");
        }
    }

    #[test]
    fn qvalues() {
        assert_eq!(qvalue("0"), Some(0));
        assert_eq!(qvalue("0.5"), Some(500));
        assert_eq!(qvalue("0.25"), Some(250));
        assert_eq!(qvalue("0.001"), Some(1));
        assert_eq!(qvalue("1"), Some(1000));
        assert_eq!(qvalue("1.000"), Some(1000));
        assert_eq!(qvalue("1.001"), None);
        assert_eq!(qvalue("2"), None);
        assert_eq!(qvalue(".5"), None);
        assert_eq!(qvalue(""), None);
    }

    #[test]
    fn several_accept_encoding_lines_are_one_list() {
        let mut h = HeaderMap::new();
        h.append(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        assert!(!accepts_gzip(&h));
        h.append(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(accepts_gzip(&h));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_compares_weakly_and_knows_both_variants() {
        let etag = "\"0123abcd\"";
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_static(v));
            h
        };
        assert!(none_match(&with("\"0123abcd\""), etag));
        assert!(none_match(&with("W/\"0123abcd\""), etag));
        assert!(none_match(&with("\"0123abcd-gzip\""), etag));
        assert!(none_match(&with("\"x\", \"0123abcd\""), etag));
        assert!(none_match(&with("*"), etag));
        assert!(!none_match(&with("\"0123abce\""), etag));
        assert!(!none_match(&HeaderMap::new(), etag));
        assert_eq!(gzip_etag(etag), "\"0123abcd-gzip\"");
    }

    #[test]
    fn api_paths() {
        for p in [
            "/api",
            "/api/",
            "/api/v1/nope",
            "/graphql",
            "/graphql/x",
            "/healthz",
            "/readyz",
            "/metrics",
        ] {
            assert!(is_api_path(p), "{p}");
        }
        for p in [
            "/",
            "/apiary",
            "/datasets/postgres%3A%2F%2Fdb/x",
            "/search",
            "/assets/index-12345678.js",
            "/graphiql.html",
            "//api/v1/namespaces",
        ] {
            assert!(!is_api_path(p), "{p}");
        }
    }

    #[test]
    fn the_policy_echoes_only_a_plain_host() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_static(v));
            h
        };
        let csp = content_security_policy(&with("127.0.0.1:5000"));
        assert!(
            csp.contains("connect-src 'self' ws://127.0.0.1:5000 wss://127.0.0.1:5000;"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'self';"), "{csp}");
        let csp = content_security_policy(&with("evil; script-src *"));
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(!csp.contains("evil"), "{csp}");
    }
}
