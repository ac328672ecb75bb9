//! Which datasets' live column tags changed because the lineage graph moved.
//!
//! Tags change without their dataset changing: a review decision upstream, a
//! detection on a new column, propagation through an edge of another job. Views that
//! derive something from a dataset's tags (the search index, the policy evaluation)
//! keep the last copy of the graph's live column tags they read and, whenever the
//! graph's position moves, read again the tags of the datasets the graph's tag journal
//! names ([`weft_lineage::graph::LineageGraph::datasets_with_tag_changes`]) and look at
//! those that differ. Only on the first read, or when the journal no longer reaches
//! back, are every dataset's tags read.

use std::collections::HashMap;

use weft_lineage::graph::JournalPosition;

use crate::graph::GraphHandle;

/// Live column tags per dataset id (see [`crate::graph::GraphCatalog::live_column_tags`]).
pub type ColumnTags = HashMap<i64, Vec<String>>;

/// The graph's live column tags as a view last read them.
#[derive(Debug)]
pub(crate) struct LiveTags {
    graph: GraphHandle,
    /// The graph's cursor and position when `tags` was read (`None` before the graph is
    /// loaded).
    read_at: Option<(i64, i64)>,
    /// Where the graph's tag journal was when `tags` was read.
    journal: Option<JournalPosition>,
    tags: ColumnTags,
}

impl LiveTags {
    /// Nothing read yet from `graph`.
    pub(crate) fn new(graph: GraphHandle) -> LiveTags {
        LiveTags {
            graph,
            read_at: None,
            journal: None,
            tags: ColumnTags::new(),
        }
    }

    /// The graph followed.
    pub(crate) fn graph(&self) -> &GraphHandle {
        &self.graph
    }

    /// The tags as last read.
    pub(crate) fn tags(&self) -> &ColumnTags {
        &self.tags
    }

    /// The graph position the tags were last read at (`None` before the first read).
    pub(crate) fn position(&self) -> Option<i64> {
        self.read_at.map(|(_, position)| position)
    }

    /// Takes `tags` as the copy last read (one kept beside an index that was built with
    /// them): the next refresh reads every dataset's tags and reports only those that
    /// differ from `tags`.
    pub(crate) fn assume(&mut self, tags: ColumnTags) {
        self.tags = tags;
        self.read_at = None;
        self.journal = None;
    }

    /// Waits, up to `timeout`, for the graph to finish loading, then reads its tags;
    /// returns whether they were read. A view about to derive something from every
    /// dataset (a search index rebuilt from scratch) waits for the tags rather than
    /// deriving everything twice: once without them and again, dataset by dataset, when
    /// they arrive.
    pub(crate) async fn wait_loaded(&mut self, timeout: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.graph.read().is_err() {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.refresh();
        self.read_at.is_some()
    }

    /// When the graph moved since the last read (its position moves without its cursor
    /// when deferred re-reads land) and is loaded: reads the tags again and returns the
    /// datasets whose tags differ, sorted. `None` when nothing was read.
    pub(crate) fn refresh(&mut self) -> Option<Vec<i64>> {
        let at = (self.graph.seq(), self.graph.position());
        if self.read_at == Some(at) {
            return None;
        }
        let cat = self.graph.read().ok()?;
        let journal = cat.graph.tag_journal_position();
        let changed = match self
            .journal
            .and_then(|from| cat.graph.datasets_with_tag_changes(from))
        {
            Some(candidates) => {
                let mut changed = Vec::new();
                for id in candidates {
                    let fresh = cat.live_column_tags_of(id);
                    let old = self.tags.get(&id).map(Vec::as_slice).unwrap_or_default();
                    if fresh.as_slice() == old {
                        continue;
                    }
                    changed.push(id);
                    if fresh.is_empty() {
                        self.tags.remove(&id);
                    } else {
                        self.tags.insert(id, fresh);
                    }
                }
                changed
            }
            None => {
                let fresh = cat.live_column_tags();
                let changed = changed_column_tags(&self.tags, &fresh);
                self.tags = fresh;
                changed
            }
        };
        drop(cat);
        self.journal = Some(journal);
        self.read_at = Some(at);
        Some(changed)
    }
}

/// The datasets whose column tags differ between `old` and `new`.
fn changed_column_tags(old: &ColumnTags, new: &ColumnTags) -> Vec<i64> {
    let mut ids: Vec<i64> = new
        .iter()
        .filter(|(id, tags)| old.get(id) != Some(tags))
        .map(|(&id, _)| id)
        .chain(old.keys().filter(|id| !new.contains_key(id)).copied())
        .collect();
    ids.sort_unstable();
    ids
}
