//! `GET /api/v1/search`: Marquez's search, ranked by usage and catalog signals.
//!
//! Marquez's parameters keep their meaning (`q`, `filter` = `DATASET` or `JOB`, `limit`,
//! `namespace`) and each result keeps Marquez's fields (`type`, `name`, `namespace`,
//! `nodeId`, `updatedAt`), so existing clients work. Weft adds facet filters (`platform`,
//! `tag`, `owner`, `tier`, `classification`), `offset`, facet counts over every match (`facets=true`),
//! and per result the `score` with its `explain` breakdown, `highlights` and the
//! `matchedColumns` that made a dataset match. `filter=COLUMN` searches column
//! documents: a column hit's `name` is the column's, `dataset` names its dataset (in
//! `namespace`) and `nodeId` is Marquez's `datasetField:` id. `tag` matches a dataset's
//! own tags and its columns' live tags (detected, propagated or confirmed, not
//! rejected); `tag=pii.*` matches every tag under `pii.`. `GET /api/v1/search/suggest?q=` is prefix autocomplete.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use weft_query::search::{SearchRequest, hit_node_id};
use weft_search::index::{DocKind, Filters};

use super::AppState;
use super::error::ApiError;
use weft_store::read::iso;

/// The query string.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    filter: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    facets: Option<bool>,
    #[serde(flatten)]
    filters: FilterParams,
}

/// The facet filters both endpoints take.
#[derive(Debug, Deserialize)]
pub struct FilterParams {
    namespace: Option<String>,
    platform: Option<String>,
    tag: Option<String>,
    owner: Option<String>,
    tier: Option<String>,
    classification: Option<String>,
}

impl From<FilterParams> for Filters {
    fn from(p: FilterParams) -> Filters {
        Filters {
            namespace: p.namespace,
            platform: p.platform,
            tag: p.tag,
            owner: p.owner,
            tier: p.tier,
            classification: p.classification,
        }
    }
}

/// `GET /api/v1/search`.
pub async fn search(
    State(s): State<AppState>,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let kind = match p.filter.as_deref() {
        None | Some("") => None,
        Some(f) => Some(DocKind::parse(f).ok_or_else(|| ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("filter {f:?} is not DATASET, JOB or COLUMN"),
            path: Some("filter".into()),
        })?),
    };
    let request = SearchRequest {
        text: p.q.unwrap_or_default(),
        filters: Filters::from(p.filters),
        kind,
        limit: p.limit.unwrap_or(10),
        offset: p.offset.unwrap_or(0),
        facets: p.facets.unwrap_or(false),
        prefix_last: false,
    };
    let found = weft_query::search::search(&s.search, &request)?;
    let results: Vec<Value> = found.hits.iter().map(hit_json).collect();
    let mut out = json!({"totalCount": found.total, "results": results});
    if let Some(f) = &found.facets {
        let list = |v: &Vec<(String, u64)>| {
            v.iter()
                .map(|(value, count)| json!({"value": value, "count": count}))
                .collect::<Vec<_>>()
        };
        out["facets"] = json!({
            "platform": list(&f.platform),
            "namespace": list(&f.namespace),
            "tag": list(&f.tag),
            "owner": list(&f.owner),
            "tier": list(&f.tier),
            "classification": list(&f.classification),
        });
    }
    if let Some(notice) = found.notice {
        out["notice"] = json!(notice);
    }
    Ok(Json(out))
}

/// One hit as the API shows it: kind, names, node id, score with its explanation,
/// matched columns, highlights, and the marks behind its penalty (`deprecated`,
/// `zombie`, `temporary`).
fn hit_json(h: &weft_search::index::Hit) -> Value {
    let kind = match h.kind {
        DocKind::Job => "JOB",
        DocKind::Dataset => "DATASET",
        DocKind::Column => "COLUMN",
    };
    let explain: serde_json::Map<String, Value> = h
        .explain()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let mut out = json!({
        "type": kind,
        "name": h.name,
        "namespace": h.namespace,
        "nodeId": hit_node_id(h),
        "updatedAt": iso(h.updated_at),
        "score": h.score,
        "explain": explain,
        "matchedColumns": h.matched_columns,
        "highlights": h.highlights.iter().map(|x| json!({
            "field": x.field, "fragment": x.fragment,
        })).collect::<Vec<_>>(),
        "marks": h.marks,
    });
    if let Some(dataset) = &h.dataset {
        out["dataset"] = json!(dataset);
    }
    out
}

/// The autocomplete query string.
#[derive(Debug, Deserialize)]
pub struct SuggestParams {
    q: Option<String>,
    limit: Option<usize>,
    #[serde(flatten)]
    filters: FilterParams,
}

/// `GET /api/v1/search/suggest?q=ord`: datasets and jobs whose name, or a word of it,
/// starts with `q`, the most used first.
pub async fn suggest(
    State(s): State<AppState>,
    q: Result<Query<SuggestParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let found = weft_query::search::suggestions(
        &s.search,
        p.q.as_deref().unwrap_or_default(),
        &Filters::from(p.filters),
        None,
        p.limit.unwrap_or(10),
    )?;
    let results: Vec<Value> = found
        .iter()
        .map(|x| {
            let kind = if x.kind == DocKind::Job { "JOB" } else { "DATASET" };
            json!({"type": kind, "name": x.name, "namespace": x.namespace, "nodeId": x.node_id, "score": x.score})
        })
        .collect();
    Ok(Json(json!({ "results": results })))
}
