//! Entries of the change log.

use super::*;

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
    pub fn with_payload(e: crate::store::log::LogEntry) -> Change {
        let payload = Some(e.payload.clone());
        Change {
            payload,
            ..Change::from(e)
        }
    }
}

impl From<crate::store::log::LogEntry> for Change {
    fn from(e: crate::store::log::LogEntry) -> Change {
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
