//! Where a crawl's changes go: the store directly, or a running server's writer.

use weft_schemas::change::MetadataChange;

use super::{CrawlFailure, WRITE_BATCH};
use weft_store::group_commit::WriterHandle;
use weft_store::writer::{Outcome, Prepared, Writer};

/// Where a crawl's changes go.
pub enum Sink {
    /// Straight into the store (`weft crawl`).
    Store(Box<Writer>),
    /// Through a running server's writer task.
    Server(WriterHandle),
}

impl Sink {
    pub(super) async fn write(
        &mut self,
        changes: Vec<MetadataChange>,
    ) -> Result<(u64, u64), CrawlFailure> {
        let mut applied = 0;
        let mut duplicates = 0;
        let mut count = |outcomes: Vec<Outcome>| {
            for o in outcomes {
                match o {
                    Outcome::Applied(_) => applied += 1,
                    Outcome::Duplicate => duplicates += 1,
                }
            }
        };
        let mut changes = changes;
        while !changes.is_empty() {
            let rest = changes.split_off(changes.len().min(WRITE_BATCH));
            let chunk = std::mem::replace(&mut changes, rest);
            match self {
                Sink::Store(w) => {
                    let backend = w.backend();
                    let prepared: Vec<Prepared> = chunk
                        .into_iter()
                        .map(|c| Prepared::new(backend, c))
                        .collect();
                    let refs: Vec<&Prepared> = prepared.iter().collect();
                    count(w.apply(&refs).await.map_err(CrawlFailure::Store)?);
                }
                Sink::Server(h) => count(
                    h.submit(chunk)
                        .await
                        .map_err(|e| CrawlFailure::Write(e.to_string()))?,
                ),
            }
        }
        Ok((applied, duplicates))
    }
}
