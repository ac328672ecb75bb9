//! Review state of tags on columns: what reviewers decided, as current state.
//!
//! A decision is a `tag.review` change like any other input, so it is audited in the
//! change log (reviewer as actor, reason in the payload) and survives `weft rebuild`.
//! Its effect on current state is one row per (column, tag) in `tag_reviews`: whether
//! the tag was added by hand and the standing decision. The lineage graph replays these
//! rows when it is built at start, then follows new decisions in the log.

use sqlx::{AnyConnection, Row};
use weft_schemas::change::{EdgeRetraction, ReviewAction, TagReview};

use super::bulk::{Insert, Val, execute, fetch};
use super::{Store, StoreError};

/// The standing decision on a tag at a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Confirmed (pinned).
    Confirmed,
    /// Rejected.
    Rejected,
}

impl Decision {
    /// `confirmed` or `rejected`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Confirmed => "confirmed",
            Decision::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Option<Decision> {
        match s {
            "confirmed" => Some(Decision::Confirmed),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
}

/// One `tag_reviews` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    /// The dataset.
    pub dataset_id: i64,
    /// The column.
    pub column: String,
    /// The tag key.
    pub tag: String,
    /// Added by hand.
    pub manual: bool,
    /// The standing decision, if any.
    pub decision: Option<Decision>,
    /// Who made the latest move.
    pub reviewer: String,
    /// Their reason.
    pub reason: Option<String>,
    /// The change-log entry of the latest move.
    pub seq: i64,
    /// When (µs).
    pub at: i64,
}

impl ReviewState {
    /// The state after `action`, starting from `self` (the moves of the review table in
    /// `weft_lineage::graph`).
    fn after(mut self, action: ReviewAction) -> ReviewState {
        match action {
            ReviewAction::Confirm => self.decision = Some(Decision::Confirmed),
            ReviewAction::Reject => self.decision = Some(Decision::Rejected),
            ReviewAction::Clear => self.decision = None,
            ReviewAction::Add => {
                self.manual = true;
                if self.decision == Some(Decision::Rejected) {
                    self.decision = None;
                }
            }
            ReviewAction::Remove => self.manual = false,
        }
        self
    }
}

pub(crate) const COLUMNS: [&str; 9] = [
    "dataset_id",
    "column_name",
    "tag",
    "manual",
    "decision",
    "reviewer",
    "reason",
    "seq",
    "at",
];

/// Applies logged decisions to `tag_reviews`, in order. A decision naming a dataset
/// that no longer exists changes nothing (the API refuses such decisions; this only
/// happens when a rebuild replays a log whose dataset was later erased).
pub async fn apply_reviews(
    conn: &mut AnyConnection,
    store: &Store,
    items: &[(i64, &TagReview)],
    at: i64,
) -> Result<(), StoreError> {
    let backend = store.backend();
    for &(seq, r) in items {
        let Some(dataset_id) = dataset_id_in(conn, store, &r.namespace, &r.dataset).await? else {
            tracing::warn!(seq, dataset = %r.dataset, "review of an unknown dataset ignored");
            continue;
        };
        let current = read_one(conn, store, dataset_id, &r.column, &r.tag).await?;
        let base = current.unwrap_or(ReviewState {
            dataset_id,
            column: r.column.clone(),
            tag: r.tag.clone(),
            manual: false,
            decision: None,
            reviewer: String::new(),
            reason: None,
            seq,
            at,
        });
        let next = ReviewState {
            reviewer: r.reviewer.clone(),
            reason: r.reason.clone(),
            seq,
            at,
            ..base
        }
        .after(r.action);
        if !next.manual && next.decision.is_none() {
            execute(
                conn,
                backend.sql(
                    "DELETE FROM tag_reviews WHERE dataset_id = ? AND column_name = ? AND tag = ?",
                ),
                vec![
                    Val::I64(dataset_id),
                    r.column.as_str().into(),
                    r.tag.as_str().into(),
                ],
            )
            .await?;
            continue;
        }
        Insert {
            table: "tag_reviews",
            columns: &COLUMNS,
            conflict: &[0, 1, 2],
            update: Some(
                "manual = excluded.manual, decision = excluded.decision, \
                 reviewer = excluded.reviewer, reason = excluded.reason, seq = excluded.seq, \
                 at = excluded.at",
            ),
            returning: None,
        }
        .run(
            conn,
            backend,
            vec![vec![
                Val::I64(next.dataset_id),
                next.column.into(),
                next.tag.into(),
                Val::I64(i64::from(next.manual)),
                Val::OptText(next.decision.map(|d| d.as_str().to_owned())),
                next.reviewer.into(),
                Val::OptText(next.reason),
                Val::I64(next.seq),
                Val::I64(next.at),
            ]],
        )
        .await?;
    }
    Ok(())
}

/// Deletes the column edges a retraction names (of its origin, or of every origin);
/// returns how many rows went. Unknown datasets retract nothing.
pub async fn apply_retraction(
    conn: &mut AnyConnection,
    store: &Store,
    seq: i64,
    r: &EdgeRetraction,
) -> Result<u64, StoreError> {
    let (Some(src), Some(dst)) = (
        dataset_id_in(conn, store, &r.src.namespace, &r.src.dataset).await?,
        dataset_id_in(conn, store, &r.dst.namespace, &r.dst.dataset).await?,
    ) else {
        return Ok(0);
    };
    let mut sql = String::from(
        "DELETE FROM column_edges WHERE dst_dataset_id = ? AND dst_column = ? \
         AND src_dataset_id = ? AND src_column = ?",
    );
    let mut binds = vec![
        Val::I64(dst),
        r.dst.field.as_str().into(),
        Val::I64(src),
        r.src.field.as_str().into(),
    ];
    if let Some(origin) = &r.origin {
        sql.push_str(" AND origin = ?");
        binds.push(origin.as_str().into());
    }
    Insert {
        table: "edge_retractions",
        columns: &[
            "dst_dataset_id",
            "dst_column",
            "src_dataset_id",
            "src_column",
            "origin",
            "seq",
        ],
        conflict: &[0, 1, 2, 3, 4],
        update: Some("seq = excluded.seq"),
        returning: None,
    }
    .run(
        conn,
        store.backend(),
        vec![vec![
            Val::I64(dst),
            r.dst.field.as_str().into(),
            Val::I64(src),
            r.src.field.as_str().into(),
            r.origin.clone().unwrap_or_default().into(),
            Val::I64(seq),
        ]],
    )
    .await?;
    execute(conn, store.backend().sql(&sql), binds).await
}

/// The id of dataset `namespace`:`name`, read on the writer's connection.
pub(crate) async fn dataset_id_in(
    conn: &mut AnyConnection,
    store: &Store,
    namespace: &str,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    let rows = fetch(
        conn,
        store.backend().sql(
            "SELECT d.id FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
             WHERE n.name = ? AND d.name = ?",
        ),
        vec![namespace.into(), name.into()],
    )
    .await?;
    rows.first()
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(Into::into)
}

async fn read_one(
    conn: &mut AnyConnection,
    store: &Store,
    dataset_id: i64,
    column: &str,
    tag: &str,
) -> Result<Option<ReviewState>, StoreError> {
    let rows = fetch(
        conn,
        store.backend().sql(&format!(
            "SELECT {} FROM tag_reviews WHERE dataset_id = ? AND column_name = ? AND tag = ?",
            COLUMNS.join(", ")
        )),
        vec![Val::I64(dataset_id), column.into(), tag.into()],
    )
    .await?;
    rows.first().map(state_of).transpose()
}

pub(crate) fn state_of(r: &sqlx::any::AnyRow) -> Result<ReviewState, StoreError> {
    let decision: Option<String> = r.try_get(4)?;
    Ok(ReviewState {
        dataset_id: r.try_get(0)?,
        column: r.try_get(1)?,
        tag: r.try_get(2)?,
        manual: r.try_get::<i64, _>(3)? != 0,
        decision: decision.as_deref().and_then(Decision::parse),
        reviewer: r.try_get(5)?,
        reason: r.try_get(6)?,
        seq: r.try_get(7)?,
        at: r.try_get(8)?,
    })
}

impl Store {
    /// Review rows, all of them (`dataset` `None`, for the graph's initial load) or one
    /// dataset's, oldest move first.
    pub async fn reviews(&self, dataset: Option<i64>) -> Result<Vec<ReviewState>, StoreError> {
        let (filter, binds) = match dataset {
            Some(d) => ("WHERE dataset_id = ?", vec![Val::I64(d)]),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT {} FROM tag_reviews {filter} ORDER BY seq",
            COLUMNS.join(", ")
        );
        self.rows(&sql, binds).await?.iter().map(state_of).collect()
    }
}
