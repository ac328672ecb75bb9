//! The web UI and GraphiQL served from the bundle inside the binary, end to end through
//! the real `weft`:
//!
//! - `/` and the app's routes (deep links with encoded slashes and colons included) are
//!   `index.html`, `no-cache`, with a Content-Security-Policy;
//! - the hashed assets `web/dist/index.html` references (read from disk, so no hash is
//!   hard-coded) come back byte for byte, cacheable forever, gzip-compressed when asked
//!   and not when refused, 304 on `If-None-Match`; a missing asset is a 404, not HTML;
//! - API paths keep their JSON errors, POST /graphql still runs queries, and GraphiQL at
//!   `/graphql` is the bundled page with no CDN;
//! - with authentication on, the UI loads without a token and the API still refuses.
//!
//! Serving the bundle does not touch the store, so SQLite only. The binary embeds
//! `web/dist` as it was when `weft` was built: after `npm run build` in `web/`, build
//! `weft` again (`cargo build -p weft-catalog-server --bin weft`) before these tests.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;

use weft_tests::{Backend, Server};

/// An answer: status, headers, raw body (reqwest here does not decompress).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn request(s: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let url = format!("{}{path}", s.url);
    let mut req = match method {
        "GET" => s.http.get(url),
        "HEAD" => s.http.head(url),
        "POST" => s.http.post(url),
        other => s.http.request(other.parse().expect("method"), url),
    };
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().expect("body").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(s: &Server, path: &str, headers: &[(&str, &str)]) -> Answer {
    request(s, "GET", path, headers)
}

fn dist() -> PathBuf {
    weft_tests::workspace().join("web").join("dist")
}

fn on_disk(rel: &str) -> Vec<u8> {
    let path = dist().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The `/assets/…` URLs an HTML file of the bundle references (`src=` and `href=`).
fn referenced_assets(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let url = &rest[..rest.find('"').unwrap_or(rest.len())];
            if url.starts_with("/assets/") {
                out.insert(url.to_owned());
            }
        }
    }
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// The served bytes are the file on disk; says what to do when the binary is stale.
fn assert_same_as_disk(served: &[u8], rel: &str) {
    assert!(
        served == on_disk(rel).as_slice(),
        "GET {rel} differs from web/dist/{rel}: the binary embeds another build of the UI; \
         rebuild it (cargo build -p weft-catalog-server --bin weft)"
    );
}

fn assert_html_page(a: &Answer, what: &str) {
    assert_eq!(a.status, 200, "{what}: {}", a.text());
    assert!(
        a.header("content-type").starts_with("text/html"),
        "{what}: {}",
        a.header("content-type")
    );
    assert_eq!(a.header("cache-control"), "no-cache", "{what}");
    assert_eq!(a.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(a.header("vary"), "Accept-Encoding", "{what}");
    let csp = a.header("content-security-policy");
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part:?}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{what}: {csp}"
    );
}

#[test]
fn the_app_answers_its_own_routes_with_index_html() {
    let s = Server::start(Backend::Sqlite, &[]);
    let root = get(&s, "/", &[]);
    assert_html_page(&root, "/");
    assert_same_as_disk(&root.body, "index.html");
    assert!(root.header("etag").starts_with('"'), "a strong ETag");

    for path in [
        "/search?q=orders",
        "/datasets/postgres%3A%2F%2Fdb%3A5432/shop.public.orders/schema",
        "/datasets/postgres%3A%2F%2Fdb%3A5432/shop.public.orders/lineage?column=email",
        "/lineage",
        "/review",
        "/changes",
        "/signin",
        "/index.html",
    ] {
        let a = get(&s, path, &[]);
        assert_html_page(&a, path);
        assert!(a.body == root.body, "{path} is not index.html");
    }

    // gzip for HTML too, and revalidation by ETag.
    let gz = get(&s, "/lineage", &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_html_page(&gz, "/lineage gzip");
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert!(gunzip(&gz.body) == root.body);
    let etag = root.header("etag").to_owned();
    let again = get(&s, "/datasets/x/y", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);

    // HEAD: the headers without the body.
    let head = request(&s, "HEAD", "/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        root.body.len().to_string(),
        "HEAD says how long GET is"
    );

    // Other methods on the UI's paths are refused as JSON, like any unknown route.
    let post = request(&s, "POST", "/datasets/x", &[]);
    assert_eq!(post.status, 405, "{}", post.text());
    let v: serde_json::Value = serde_json::from_slice(&post.body).expect("JSON");
    assert!(v["error"].is_string(), "{v}");
}

#[test]
fn hashed_assets_are_served_immutable_gzipped_and_revalidated() {
    let s = Server::start(Backend::Sqlite, &[]);
    let index = String::from_utf8(on_disk("index.html")).expect("UTF-8");
    let assets = referenced_assets(&index);
    assert!(
        assets.iter().any(|a| a.ends_with(".js")),
        "web/dist/index.html references no script under /assets/: {index}"
    );
    let mut gzipped = 0;
    for url in &assets {
        let rel = url.trim_start_matches('/');
        let want_type = if rel.ends_with(".js") {
            "text/javascript"
        } else if rel.ends_with(".css") {
            "text/css"
        } else {
            ""
        };

        // Identity: no Accept-Encoding, and gzip refused with q=0.
        for headers in [vec![], vec![("Accept-Encoding", "gzip;q=0, br")]] {
            let a = get(&s, url, &headers);
            assert_eq!(a.status, 200, "{url}");
            assert_eq!(a.header("content-encoding"), "", "{url} {headers:?}");
            assert_same_as_disk(&a.body, rel);
            assert_eq!(
                a.header("cache-control"),
                "public, max-age=31536000, immutable",
                "{url}"
            );
            assert!(a.header("content-type").starts_with(want_type), "{url}");
            assert_eq!(a.header("vary"), "Accept-Encoding");
            assert_eq!(a.header("x-content-type-options"), "nosniff");
            assert_eq!(
                a.header("content-security-policy"),
                "",
                "CSP is for HTML only"
            );
        }

        // gzip when asked (when it makes the file smaller; the build decides).
        let gz = get(&s, url, &[("Accept-Encoding", "gzip, deflate, br")]);
        assert_eq!(gz.status, 200, "{url}");
        assert_eq!(gz.header("vary"), "Accept-Encoding");
        if gz.header("content-encoding") == "gzip" {
            gzipped += 1;
            assert!(gz.body.len() < on_disk(rel).len(), "{url}");
            assert_same_as_disk(&gunzip(&gz.body), rel);
        } else {
            assert_same_as_disk(&gz.body, rel);
        }

        // Revalidation: each variant's ETag, weak or strong, gives a 304 without a body.
        let plain_etag = get(&s, url, &[]).header("etag").to_owned();
        let gz_etag = gz.header("etag").to_owned();
        for tag in [
            plain_etag.clone(),
            gz_etag.clone(),
            format!("W/{plain_etag}"),
            format!("\"stale\", {plain_etag}"),
        ] {
            let a = get(
                &s,
                url,
                &[("If-None-Match", &tag), ("Accept-Encoding", "gzip")],
            );
            assert_eq!(a.status, 304, "{url} If-None-Match: {tag}");
            assert!(a.body.is_empty());
            assert_eq!(a.header("etag"), gz_etag, "the variant that would be sent");
            assert_eq!(
                a.header("cache-control"),
                "public, max-age=31536000, immutable"
            );
        }
        let a = get(&s, url, &[("If-None-Match", "\"something-else\"")]);
        assert_eq!(a.status, 200, "{url}");
    }
    assert!(gzipped > 0, "none of {assets:?} was served gzip-compressed");

    // A missing asset is a 404 in plain text, never the app's HTML.
    for path in ["/assets/nope-12345678.js", "/assets/", "/assets"] {
        let a = get(&s, path, &[("Accept", "text/html,*/*")]);
        assert_eq!(a.status, 404, "{path}");
        assert!(!a.header("content-type").contains("html"), "{path}");
        assert!(!a.text().contains("<html"), "{path}");
    }

    // The API's own errors are unchanged.
    for path in ["/api/v1/nope", "/api/v1/namespaces/a/b/c/d/e", "/api"] {
        let a = get(&s, path, &[("Accept", "text/html")]);
        assert_eq!(a.status, 404, "{path}");
        assert!(a.header("content-type").starts_with("application/json"));
        let v: serde_json::Value = serde_json::from_slice(&a.body).expect("JSON");
        assert_eq!(v["error"], "no such endpoint", "{path}: {v}");
    }
    assert_eq!(get(&s, "/healthz", &[]).status, 200);
    let ns = get(&s, "/api/v1/namespaces", &[("Accept", "text/html")]);
    assert_eq!(ns.status, 200);
    assert!(ns.header("content-type").starts_with("application/json"));
}

#[test]
fn graphiql_is_the_bundled_page_and_graphql_still_answers() {
    let s = Server::start(Backend::Sqlite, &[]);
    let page = get(&s, "/graphql", &[("Accept", "text/html")]);
    assert_html_page(&page, "/graphql");
    assert_same_as_disk(&page.body, "graphiql.html");
    let html = page.text();
    assert!(
        html.contains("GraphiQL") && html.contains("graphiql"),
        "{html}"
    );
    assert!(!html.contains("unpkg"), "a CDN in GraphiQL: {html}");
    for attr in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attr) {
            let url = &html[at + attr.len()..];
            let url = &url[..url.find('"').unwrap_or(url.len())];
            assert!(
                url.starts_with('/') && !url.starts_with("//"),
                "GraphiQL loads {url} from elsewhere"
            );
        }
    }
    let scripts = referenced_assets(&html);
    assert!(
        scripts.iter().any(|u| u.ends_with(".js")),
        "GraphiQL's page loads no bundled script: {html}"
    );
    for url in &scripts {
        let a = get(&s, url, &[("Accept-Encoding", "gzip")]);
        assert_eq!(a.status, 200, "{url}");
    }
    let gz = get(
        &s,
        "/graphql",
        &[("Accept", "text/html"), ("Accept-Encoding", "gzip")],
    );
    assert_eq!(gz.status, 200);
    if gz.header("content-encoding") == "gzip" {
        assert!(gunzip(&gz.body) == page.body);
    }

    // The API at the same URL.
    let data = s.graphql_data(None, "{ __typename }", serde_json::json!({}));
    assert_eq!(data["__typename"], "Query");
    let r = get(
        &s,
        &format!("/graphql?query={}", weft_tests::enc("{ __typename }")),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(v["data"]["__typename"], "Query", "{v}");
}

#[test]
fn with_auth_on_the_ui_loads_without_a_token_and_the_api_refuses() {
    let s = Server::start(Backend::Sqlite, &["--token", "ci-bot=s3cret"]);
    let index = String::from_utf8(on_disk("index.html")).expect("UTF-8");
    for path in [
        "/",
        "/signin",
        "/datasets/postgres%3A%2F%2Fdb%3A5432/shop.public.orders/schema",
    ] {
        assert_html_page(&get(&s, path, &[]), path);
    }
    for url in referenced_assets(&index) {
        assert_eq!(get(&s, &url, &[]).status, 200, "{url}");
    }
    let graphiql = get(&s, "/graphql", &[("Accept", "text/html")]);
    assert_html_page(&graphiql, "/graphql");

    // The API is guarded exactly as before.
    let bearer = [("Authorization", "Bearer s3cret")];
    assert_eq!(get(&s, "/api/v1/namespaces", &[]).status, 401);
    assert_eq!(get(&s, "/api/v1/namespaces", &bearer).status, 200);
    assert_eq!(get(&s, "/api/v1/nope", &[]).status, 401);
    assert_eq!(get(&s, "/api/v1/nope", &bearer).status, 404);
    assert_eq!(request(&s, "POST", "/api/v1/lineage", &[]).status, 401);
    let (status, _) = s.graphql(None, "{ __typename }", serde_json::json!({}));
    assert_eq!(status, 401, "GraphQL queries still need a token");
    assert_eq!(get(&s, "/healthz", &[]).status, 200);

    // No other spelling of an API path gets data without a token: it is either
    // refused or the app's HTML.
    for path in [
        "//api/v1/namespaces",
        "/api//v1/namespaces",
        "/%61pi/v1/namespaces",
        "/api/v1/namespaces/",
    ] {
        let a = get(&s, path, &[]);
        let html = a.header("content-type").starts_with("text/html");
        assert!(
            a.status == 401 || a.status == 404 || (a.status == 200 && html),
            "{path}: {} {}",
            a.status,
            a.text()
        );
        assert!(!a.text().contains("\"namespaces\""), "{path}: {}", a.text());
    }
    // Writes to the UI's paths still need a token, as they did.
    assert_eq!(request(&s, "POST", "/datasets/x", &[]).status, 401);
}
