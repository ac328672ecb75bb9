//! Which columns' present tags changed, as a bounded journal that several readers
//! follow at their own pace.
//!
//! Views that derive something from a dataset's tags (the search index, the policy
//! evaluation) used to re-read every tagged column whenever the graph moved and diff the
//! result: at 100,000 datasets that is seconds of CPU per move, paid by each view on
//! every page of the log. The journal lets them ask "which datasets changed since I
//! last looked" instead. It is bounded: when it grows past [`LIMIT`] entries the older
//! half is dropped, and a reader that had not got that far is told so (`None`) and
//! reads everything again, as it would on its first read.

use std::sync::atomic::{AtomicU64, Ordering};

use petgraph::stable_graph::NodeIndex;

/// Entries kept at most before the older half is dropped.
const LIMIT: usize = 1 << 20;

/// Tells journals of different graphs apart: a position is only meaningful in the
/// journal that gave it (a view whose graph was loaded again must read everything).
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// A place in a graph's tag journal, from [`crate::graph::LineageGraph::tag_journal_position`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalPosition {
    instance: u64,
    at: u64,
}

/// The journal: the nodes whose present tag pairs were inserted or removed, in order.
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    instance: u64,
    /// The absolute position of `nodes[0]`.
    start: u64,
    nodes: Vec<NodeIndex>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            start: 0,
            nodes: Vec::new(),
        }
    }
}

impl Journal {
    /// Records that a pair at `n` was inserted or removed.
    #[inline]
    pub(crate) fn touched(&mut self, n: NodeIndex) {
        // No skipping of a repeat of the last entry: a reader may have read up to it
        // already, and would miss the change recorded now.
        if self.nodes.len() >= LIMIT {
            let half = self.nodes.len() / 2;
            self.nodes.drain(..half);
            self.start += half as u64;
        }
        self.nodes.push(n);
    }

    /// Every pair may have changed (a full recomputation): readers read everything.
    pub(crate) fn reset(&mut self) {
        // One past the end, so that no reader's position is still in range.
        self.start += self.nodes.len() as u64 + 1;
        self.nodes.clear();
    }

    pub(crate) fn position(&self) -> JournalPosition {
        JournalPosition {
            instance: self.instance,
            at: self.start + self.nodes.len() as u64,
        }
    }

    /// The nodes touched since `from`, or `None` when the journal no longer reaches
    /// back that far (or `from` is another graph's).
    pub(crate) fn since(&self, from: JournalPosition) -> Option<&[NodeIndex]> {
        if from.instance != self.instance || from.at < self.start {
            return None;
        }
        let offset = usize::try_from(from.at - self.start).ok()?;
        self.nodes.get(offset..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_see_what_changed_since_their_position() {
        let mut j = Journal::default();
        let p0 = j.position();
        j.touched(NodeIndex::new(3));
        j.touched(NodeIndex::new(5));
        let p1 = j.position();
        j.touched(NodeIndex::new(7));
        assert_eq!(
            j.since(p0),
            Some(&[NodeIndex::new(3), NodeIndex::new(5), NodeIndex::new(7)][..])
        );
        assert_eq!(j.since(p1), Some(&[NodeIndex::new(7)][..]));
        // A node touched again right after a reader read it is news to that reader.
        let p2 = j.position();
        j.touched(NodeIndex::new(7));
        assert_eq!(j.since(p2), Some(&[NodeIndex::new(7)][..]));
        assert_eq!(j.since(j.position()), Some(&[][..]));
    }

    #[test]
    fn a_reset_or_another_graph_sends_readers_back_to_a_full_read() {
        let mut j = Journal::default();
        j.touched(NodeIndex::new(1));
        let p = j.position();
        j.reset();
        assert_eq!(j.since(p), None);
        assert_eq!(j.since(j.position()), Some(&[][..]));
        let other = Journal::default();
        assert_eq!(other.since(j.position()), None);
    }

    #[test]
    fn the_journal_stays_bounded_and_says_when_a_reader_fell_behind() {
        let mut j = Journal::default();
        let p0 = j.position();
        for i in 0..(LIMIT + 10) {
            j.touched(NodeIndex::new(i % 2 + (i / 2) % 7 * 2));
        }
        assert!(j.nodes.len() <= LIMIT);
        assert_eq!(j.since(p0), None);
        let p = j.position();
        j.touched(NodeIndex::new(99));
        assert_eq!(j.since(p), Some(&[NodeIndex::new(99)][..]));
    }
}
