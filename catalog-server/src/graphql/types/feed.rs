//! Entries of the change log.

use super::*;
use weft_store::log::LogEntry;

/// Where the change log ends, beside a page of it.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct FeedInfo {
    /// The newest sequence number in the log (whatever the filters): a client that has
    /// read up to here is caught up.
    pub last_seq: i64,
}

/// A page of change-log entries: `Query.changes` and `Dataset.history`.
pub type ChangePage = Connection<String, Change, FeedInfo>;

/// Whether the selection of a page of changes asks for payloads, which then come with
/// the page instead of one read each.
pub(crate) fn wants_payloads(ctx: &Context<'_>) -> bool {
    let look = ctx.look_ahead();
    look.field("nodes").field("payload").exists()
        || look.field("edges").field("node").field("payload").exists()
}

/// A sequence-number cursor (`after`) as the position to continue from.
pub(crate) fn seq_cursor(after: &str) -> Result<i64> {
    after
        .parse::<i64>()
        .map_err(|_| bad_input("after", "after is not a cursor this API returned"))
}

/// One page of entries, read with one more than `limit` to tell whether more follow,
/// as a connection whose cursors are sequence numbers.
pub(crate) async fn change_page(
    ctx: &Context<'_>,
    mut entries: Vec<LogEntry>,
    limit: usize,
    has_previous: bool,
    payloads: bool,
) -> Result<ChangePage> {
    let more = entries.len() > limit;
    entries.truncate(limit);
    let last = state(ctx).store.last_seq().await.map_err(store_error)?;
    let mut c = Connection::with_additional_fields(has_previous, more, FeedInfo { last_seq: last });
    c.edges.extend(entries.into_iter().map(|e| {
        let seq = e.seq.to_string();
        let change = if payloads {
            Change::with_payload(e)
        } else {
            Change::from(e)
        };
        Edge::new(seq, change)
    }));
    Ok(c)
}

/// One entry of the change log.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Change {
    /// Position in the log; resume a feed after it.
    pub seq: i64,
    /// When it was committed.
    pub at: Option<DateTime<Utc>>,
    /// Who caused it (a token's name, `anonymous`, a crawler).
    pub actor: String,
    /// `openlineage.run`, `catalog.edit`, `tag.review`, …
    pub kind: String,
    /// What it is about: `dataset:NS:NAME`, `column:NS:NAME:FIELD`, `run:UUID`, …
    pub entity: String,
    /// The namespace it belongs to.
    pub namespace: Option<String>,
    /// The payload when it was read with the entry (`None`: read it on demand).
    #[graphql(skip)]
    pub payload: Option<Option<String>>,
}

impl Change {
    /// An entry read with its payload: `payload` answers without another read.
    pub fn with_payload(e: weft_store::log::LogEntry) -> Change {
        let payload = Some(e.payload.clone());
        Change {
            payload,
            ..Change::from(e)
        }
    }
}

impl From<weft_store::log::LogEntry> for Change {
    fn from(e: weft_store::log::LogEntry) -> Change {
        Change {
            seq: e.seq,
            at: time(e.at),
            actor: e.actor,
            kind: e.kind,
            entity: e.entity,
            namespace: e.namespace,
            payload: None,
        }
    }
}

#[ComplexObject]
impl Change {
    /// The input as recorded (null once redacted for erasure).
    async fn payload(&self, ctx: &Context<'_>) -> Result<Option<Json<Value>>> {
        let p = match &self.payload {
            Some(p) => p.clone(),
            None => state(ctx)
                .store
                .payload_at(self.seq)
                .await
                .map_err(store_error)?,
        };
        Ok(p.and_then(|p| serde_json::from_str(&p).ok()).map(Json))
    }
}
