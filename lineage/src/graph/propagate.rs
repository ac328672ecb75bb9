//! Tag propagation: the fixed point over the graph, kept current incrementally.
//!
//! The state is a set of `(column, tag)` pairs. Sources are detected, declared and
//! manual tags and confirmed (pinned) ones, minus rejections; a pair is present when a
//! source reaches it along column edges whose rules carry the tag (a masking hop turns
//! `pii.X` into `pseudonymised.pii.X`). That is reachability in a product graph of
//! (column, tag), so the fixed point is a graph search, cycles end at pairs already
//! present, and an addition only visits what it newly reaches.
//!
//! Removals (a retracted edge, a rejection, a withdrawn source) use delete-and-rederive:
//! withdraw everything the removed pair reached, then put back each withdrawn pair that
//! still has a source or a present predecessor, and search on from those. Support
//! through a cycle cannot keep a pair alive, since the whole cycle is withdrawn first.
//!
//! Predecessors are not copied per pair: they are the pair's incoming column edges whose
//! source holds the matching tag, read from the graph when an explanation is asked for,
//! so they are always current and cost no memory.

use std::sync::Arc;

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::core::{EdgeKind, Graph, LineageGraph, Tset};
use super::hash::{FxHashMap, FxHashSet};
use super::intern::Interner;
use super::journal::{Journal, JournalPosition};
use super::model::{ColumnRef, DatasetId, GraphError, Origin};
use super::paths::{count_paths, first_paths};
use super::rules::{PLAIN, PSEUDO, PropagationRules, Rule};
use super::tags::TagKey;

const NONE: u32 = u32::MAX;

/// Why a tag is a source at a column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Seed {
    declared: bool,
    manual: bool,
    /// The detection rule (interned), or `NONE`.
    detected: u32,
}

/// A reviewer's decision on one tag at one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Confirmed,
    Rejected,
}

/// The review status of a tag on a column (see the module docs for the moves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagStatus {
    /// Detected or propagated, not yet reviewed.
    Proposed,
    /// Confirmed by a reviewer, added by an owner, or declared by the producer.
    Confirmed,
    /// Rejected by a reviewer: absent from the column and from what only it reached.
    Rejected,
}

/// A tag on a column, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnTag {
    /// The key.
    pub tag: Arc<str>,
    /// Its review status.
    pub status: TagStatus,
    /// Declared by a producer (an OpenLineage tag).
    pub declared: bool,
    /// Added by an owner.
    pub manual: bool,
    /// The detection rule that proposed it, if detected.
    pub detected_by: Option<Arc<str>>,
    /// Reached along edges from another column (explain it with
    /// [`LineageGraph::explain`]).
    pub propagated: bool,
}

/// One hop of an explanation: the edge, the tag before and after, and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The upstream column.
    pub from: ColumnRef,
    /// The downstream column.
    pub to: ColumnRef,
    /// The edge's origin.
    pub origin: Origin,
    /// The edge's job.
    pub job: Option<i64>,
    /// The tag at `from`.
    pub tag_in: Arc<str>,
    /// The tag at `to`.
    pub tag_out: Arc<str>,
    /// The rule that carried it.
    pub rule: Rule,
}

/// Where an explanation path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagSource {
    /// A producer declared it.
    Declared,
    /// An owner added it.
    Manual,
    /// A detection rule (named) proposed it.
    Detected(Arc<str>),
    /// A reviewer confirmed (pinned) it.
    Confirmed,
}

/// One way a tag reached a column: the source it starts from, then the hops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplanationPath {
    /// The column where the path starts.
    pub start: ColumnRef,
    /// The tag there.
    pub start_tag: Arc<str>,
    /// Why the tag is there.
    pub source: Vec<TagSource>,
    /// The hops, upstream first; empty when the column itself is the source.
    pub hops: Vec<Hop>,
}

/// Up to N explanation paths of a tag on a column, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The paths found, at most the number asked for.
    pub paths: Vec<ExplanationPath>,
    /// The number of paths (saturating). Paths that go round a cycle are not counted.
    pub total: u64,
}

/// The propagation state (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct TagState {
    keys: Interner,
    /// Per tag: its pseudonymised form (itself when already pseudonymised; `NONE` when
    /// the tag does not propagate).
    pseudo: Vec<u32>,
    /// Per tag: the plain form of a pseudonymised tag, else `NONE`.
    base: Vec<u32>,
    propagating: Vec<bool>,
    rule_names: Interner,
    seeds: FxHashMap<u64, Seed>,
    decisions: FxHashMap<u64, Decision>,
    present: FxHashSet<u64>,
    deferred: bool,
    /// The columns whose present pairs changed, for readers that follow tags.
    journal: Journal,
}

#[inline]
fn pair(n: NodeIndex, t: u32) -> u64 {
    (n.index() as u64) << 32 | u64::from(t)
}

#[inline]
fn unpair(p: u64) -> (NodeIndex, u32) {
    (NodeIndex::new((p >> 32) as usize), p as u32)
}

/// The graph as propagation sees it: column edges and their rule bits.
struct Net<'a> {
    g: &'a Graph,
    tsets: &'a [Tset],
}

impl Net<'_> {
    fn bits(&self, tset: u32) -> u8 {
        self.tsets.get(tset as usize).map_or(0, |t| t.bits)
    }
}

impl TagState {
    fn tag_id(&mut self, rules: &PropagationRules, key: &str) -> u32 {
        if let Some(id) = self.keys.get(key) {
            return id;
        }
        let id = self.keys.intern(key);
        self.pseudo.push(NONE);
        self.base.push(NONE);
        let propagates = rules.propagates(key);
        self.propagating.push(propagates);
        if let Some(plain) = rules.unpseudonymised(key) {
            let b = self.tag_id(rules, plain);
            self.base[id as usize] = b;
            self.pseudo[id as usize] = if propagates { id } else { NONE };
        } else if propagates {
            let p = self.tag_id(rules, &rules.pseudonymised(key));
            self.pseudo[id as usize] = p;
        }
        id
    }

    fn decision(&self, p: u64) -> Option<Decision> {
        if self.decisions.is_empty() {
            None
        } else {
            self.decisions.get(&p).copied()
        }
    }

    /// Rejected here: the tag itself, or its plain form (unless this form is confirmed).
    fn blocked(&self, n: NodeIndex, t: u32) -> bool {
        if self.decisions.is_empty() {
            return false;
        }
        match self.decision(pair(n, t)) {
            Some(Decision::Rejected) => true,
            Some(Decision::Confirmed) => false,
            None => {
                let b = self.base[t as usize];
                b != NONE && self.decision(pair(n, b)) == Some(Decision::Rejected)
            }
        }
    }

    fn is_source(&self, n: NodeIndex, t: u32) -> bool {
        let p = pair(n, t);
        self.decision(p) == Some(Decision::Confirmed)
            || (self.seeds.contains_key(&p) && !self.blocked(n, t))
    }

    /// The tags an edge with `bits` delivers for tag `t`.
    fn outputs(&self, bits: u8, t: u32) -> [u32; 2] {
        if !self.propagating[t as usize] {
            return [NONE, NONE];
        }
        [
            if bits & PLAIN != 0 { t } else { NONE },
            if bits & PSEUDO != 0 {
                self.pseudo[t as usize]
            } else {
                NONE
            },
        ]
    }

    fn offer(&mut self, n: NodeIndex, t: u32, work: &mut Vec<u64>) {
        if t == NONE || self.blocked(n, t) {
            return;
        }
        let p = pair(n, t);
        if self.present.insert(p) {
            self.journal.touched(n);
            work.push(p);
        }
    }

    /// The pairs one column edge from `(n, t)` delivers to (blocked or not).
    fn successors<'a>(
        &'a self,
        net: &'a Net<'_>,
        n: NodeIndex,
        t: u32,
    ) -> impl Iterator<Item = (NodeIndex, u32)> + 'a {
        net.g
            .edges_directed(n, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::Column)
            .flat_map(move |e| {
                self.outputs(net.bits(e.weight().tset), t)
                    .into_iter()
                    .filter(|&o| o != NONE)
                    .map(move |o| (e.target(), o))
            })
    }

    /// Searches on from the pairs in `work` (already present).
    fn spread(&mut self, net: &Net<'_>, mut work: Vec<u64>) {
        let mut next = Vec::new();
        while let Some(p) = work.pop() {
            let (n, t) = unpair(p);
            if !self.propagating[t as usize] {
                continue;
            }
            next.extend(self.successors(net, n, t));
            for (m, out) in next.drain(..) {
                self.offer(m, out, &mut work);
            }
        }
    }

    /// Whether `(n, t)` has a present predecessor along a column edge.
    fn supported(&self, net: &Net<'_>, n: NodeIndex, t: u32) -> bool {
        self.preds(net, n, t).next().is_some()
    }

    /// The present predecessors of `(n, t)`: edge id, source pair.
    fn preds<'a>(
        &'a self,
        net: &'a Net<'_>,
        n: NodeIndex,
        t: u32,
    ) -> impl Iterator<Item = (petgraph::stable_graph::EdgeIndex, u64)> + 'a {
        let base = self.base[t as usize];
        net.g
            .edges_directed(n, Direction::Incoming)
            .filter(|e| e.weight().kind == EdgeKind::Column)
            .flat_map(move |e| {
                let bits = net.bits(e.weight().tset);
                let u = e.source();
                // Source tags that this edge turns into `t`.
                let plain = (bits & PLAIN != 0).then_some(t);
                let from_plain = (bits & PSEUDO != 0 && base != NONE).then_some(base);
                // A pseudonymised tag masked again stays itself; counted once when the
                // edge carries both forms.
                let from_pseudo =
                    (bits & PSEUDO != 0 && bits & PLAIN == 0 && base != NONE).then_some(t);
                [plain, from_plain, from_pseudo]
                    .into_iter()
                    .flatten()
                    .filter(move |&s| {
                        self.propagating[s as usize] && self.present.contains(&pair(u, s))
                    })
                    .map(move |s| (e.id(), pair(u, s)))
            })
    }

    fn recompute(&mut self, net: &Net<'_>) {
        self.present.clear();
        self.journal.reset();
        let mut work = Vec::new();
        let sources: Vec<u64> = self
            .seeds
            .keys()
            .copied()
            .chain(
                self.decisions
                    .iter()
                    .filter(|(_, d)| **d == Decision::Confirmed)
                    .map(|(p, _)| *p),
            )
            .collect();
        for p in sources {
            let (n, t) = unpair(p);
            if self.is_source(n, t) && self.present.insert(p) {
                work.push(p);
            }
        }
        self.spread(net, work);
    }

    /// Delete and rederive from `candidates` (pairs that may have lost their support).
    fn withdraw(&mut self, net: &Net<'_>, candidates: Vec<u64>) {
        let mut affected = Vec::new();
        let mut stack = candidates;
        while let Some(p) = stack.pop() {
            let (n, t) = unpair(p);
            if self.is_source(n, t) || !self.present.remove(&p) {
                continue;
            }
            self.journal.touched(n);
            affected.push(p);
            if !self.propagating[t as usize] {
                continue;
            }
            stack.extend(
                self.successors(net, n, t)
                    .map(|(m, out)| pair(m, out))
                    .filter(|q| self.present.contains(q)),
            );
        }
        let mut work = Vec::new();
        for p in affected {
            let (n, t) = unpair(p);
            if self.present.contains(&p) || self.blocked(n, t) {
                continue;
            }
            if self.is_source(n, t) || self.supported(net, n, t) {
                self.present.insert(p);
                self.journal.touched(n);
                work.push(p);
            }
        }
        self.spread(net, work);
    }

    /// Pairs `(n, t)` present, for every propagating tag id.
    fn present_tags(&self, n: NodeIndex) -> impl Iterator<Item = u32> + '_ {
        (0..self.keys.len() as u32).filter(move |&t| self.present.contains(&pair(n, t)))
    }

    fn edge_added(&mut self, net: &Net<'_>, src: NodeIndex, dst: NodeIndex, bits: u8) {
        if self.deferred || self.present.is_empty() {
            return;
        }
        let tags: Vec<u32> = self.present_tags(src).collect();
        let mut work = Vec::new();
        for t in tags {
            for out in self.outputs(bits, t) {
                self.offer(dst, out, &mut work);
            }
        }
        self.spread(net, work);
    }

    fn edge_lost(&mut self, net: &Net<'_>, src: NodeIndex, dst: NodeIndex, old_bits: u8) {
        if self.deferred || self.present.is_empty() {
            return;
        }
        let candidates: Vec<u64> = self
            .present_tags(src)
            .flat_map(|t| self.outputs(old_bits, t))
            .filter(|&o| o != NONE)
            .map(|o| pair(dst, o))
            .collect();
        self.withdraw(net, candidates);
    }

    /// Puts back pairs a lifted rejection or a new source may have freed.
    fn reconsider(&mut self, net: &Net<'_>, pairs: &[u64]) {
        if self.deferred {
            return;
        }
        let mut work = Vec::new();
        for &p in pairs {
            let (n, t) = unpair(p);
            if !self.present.contains(&p)
                && !self.blocked(n, t)
                && (self.is_source(n, t) || self.supported(net, n, t))
            {
                self.present.insert(p);
                self.journal.touched(n);
                work.push(p);
            }
        }
        self.spread(net, work);
    }
}

impl LineageGraph {
    fn net(&self) -> Net<'_> {
        Net {
            g: &self.g,
            tsets: &self.tsets,
        }
    }

    /// Splits the borrow: the read-only graph and the mutable tag state.
    fn parts(&mut self) -> (Net<'_>, &mut TagState) {
        (
            Net {
                g: &self.g,
                tsets: &self.tsets,
            },
            &mut self.tags,
        )
    }

    pub(crate) fn tags_edge_added(&mut self, src: NodeIndex, dst: NodeIndex, bits: u8) {
        let (net, tags) = self.parts();
        tags.edge_added(&net, src, dst, bits);
    }

    pub(crate) fn tags_edge_removed(&mut self, src: NodeIndex, dst: NodeIndex, old_bits: u8) {
        let (net, tags) = self.parts();
        tags.edge_lost(&net, src, dst, old_bits);
    }

    pub(crate) fn tags_edge_changed(&mut self, src: NodeIndex, dst: NodeIndex, old: u8, new: u8) {
        let (net, tags) = self.parts();
        if old & !new != 0 {
            tags.edge_lost(&net, src, dst, old);
        }
        tags.edge_added(&net, src, dst, new);
    }

    /// While deferred, mutations update the graph but not the tags; turning it off
    /// recomputes the fixed point once. Use it around the initial load from the store.
    pub fn set_deferred(&mut self, deferred: bool) {
        let was = self.tags.deferred;
        self.tags.deferred = deferred;
        if was && !deferred {
            self.recompute();
        }
    }

    /// Recomputes every propagated tag from the sources and decisions: the full fixed
    /// point. Incremental updates keep the same result; this is for start-up and checks.
    pub fn recompute(&mut self) {
        let (net, tags) = self.parts();
        tags.recompute(&net);
    }

    fn source_pair(
        &mut self,
        column: &ColumnRef,
        tag: &TagKey,
    ) -> Result<(NodeIndex, u32), GraphError> {
        let n = self.find_column(column)?;
        let t = self.tags.tag_id(&self.rules, tag.as_str());
        Ok((n, t))
    }

    fn add_source(
        &mut self,
        column: &ColumnRef,
        tag: &TagKey,
        set: impl FnOnce(&mut Seed, &mut Interner),
    ) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        let tags = &mut self.tags;
        let seed = tags.seeds.entry(pair(n, t)).or_insert(Seed {
            detected: NONE,
            ..Seed::default()
        });
        set(seed, &mut tags.rule_names);
        let (net, tags) = self.parts();
        tags.reconsider(&net, &[pair(n, t)]);
        Ok(())
    }

    /// Records a tag a producer declared on a column (creating the column if new). It
    /// is a source: it propagates, with status confirmed.
    pub fn add_declared(&mut self, column: &ColumnRef, tag: &TagKey) {
        self.add_column(column.dataset, &column.column);
        let _ = self.add_source(column, tag, |s, _| s.declared = true);
    }

    /// Records a detection (creating the column if new): a proposed source naming its
    /// rule.
    pub fn add_detected(&mut self, column: &ColumnRef, tag: &TagKey, rule: &str) {
        self.add_column(column.dataset, &column.column);
        let _ = self.add_source(column, tag, |s, names| s.detected = names.intern(rule));
    }

    /// An owner adds a tag by hand: a confirmed source; lifts a rejection of it there.
    pub fn add_manual(&mut self, column: &ColumnRef, tag: &TagKey) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        if self.tags.decisions.get(&pair(n, t)) == Some(&Decision::Rejected) {
            self.tags.decisions.remove(&pair(n, t));
        }
        self.add_source(column, tag, |s, _| s.manual = true)?;
        self.reconsider_pseudo(n, t);
        Ok(())
    }

    fn reconsider_pseudo(&mut self, n: NodeIndex, t: u32) {
        let pseudo = self.tags.pseudo[t as usize];
        if pseudo != NONE && pseudo != t {
            let (net, tags) = self.parts();
            tags.reconsider(&net, &[pair(n, pseudo)]);
        }
    }

    /// Withdraws a source (the producer stopped declaring the tag, the detection no
    /// longer applies, the owner removed a manual tag). Propagated copies go unless
    /// another source still reaches them.
    pub fn remove_source(
        &mut self,
        column: &ColumnRef,
        tag: &TagKey,
        kind: SourceKind,
    ) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        let p = pair(n, t);
        let Some(seed) = self.tags.seeds.get_mut(&p) else {
            return Ok(());
        };
        match kind {
            SourceKind::Declared => seed.declared = false,
            SourceKind::Detected => seed.detected = NONE,
            SourceKind::Manual => seed.manual = false,
        }
        if !seed.declared && !seed.manual && seed.detected == NONE {
            self.tags.seeds.remove(&p);
            if !self.tags.deferred {
                let (net, tags) = self.parts();
                tags.withdraw(&net, vec![p]);
            }
        }
        Ok(())
    }

    /// A reviewer rejects `tag` at `column`: it and its pseudonymised form leave the
    /// column and everything they reached only through it. The rejection is kept, so
    /// recomputation and new edges respect it, until confirmed, added by hand or cleared.
    pub fn reject(&mut self, column: &ColumnRef, tag: &TagKey) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        self.tags.decisions.insert(pair(n, t), Decision::Rejected);
        if self.tags.deferred {
            return Ok(());
        }
        let pseudo = self.tags.pseudo[t as usize];
        let mut candidates = vec![pair(n, t)];
        if pseudo != NONE && pseudo != t {
            // The pseudonymised form goes too, unless it was itself confirmed here.
            candidates.push(pair(n, pseudo));
        }
        let (net, tags) = self.parts();
        tags.withdraw(&net, candidates);
        Ok(())
    }

    /// A reviewer confirms `tag` at `column`: it is pinned (stays even if what carried it
    /// disappears) and propagates on; a rejection of it there is lifted.
    pub fn confirm(&mut self, column: &ColumnRef, tag: &TagKey) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        let was = self.tags.decisions.insert(pair(n, t), Decision::Confirmed);
        let (net, tags) = self.parts();
        tags.reconsider(&net, &[pair(n, t)]);
        if was == Some(Decision::Rejected) {
            self.reconsider_pseudo(n, t);
        }
        Ok(())
    }

    /// Forgets a decision (a confirmation or rejection undone): the tag is derived again
    /// from sources and edges alone.
    pub fn clear_decision(&mut self, column: &ColumnRef, tag: &TagKey) -> Result<(), GraphError> {
        let (n, t) = self.source_pair(column, tag)?;
        let p = pair(n, t);
        let was = self.tags.decisions.remove(&p);
        if self.tags.deferred {
            return Ok(());
        }
        let pseudo = self.tags.pseudo[t as usize];
        let (net, tags) = self.parts();
        match was {
            Some(Decision::Confirmed) => tags.withdraw(&net, vec![p]),
            Some(Decision::Rejected) => {
                let mut pairs = vec![p];
                if pseudo != NONE && pseudo != t {
                    pairs.push(pair(n, pseudo));
                }
                tags.reconsider(&net, &pairs);
            }
            None => {}
        }
        Ok(())
    }

    /// The tags on a column, present ones and rejected ones, sorted by key.
    pub fn tags_of(&self, column: &ColumnRef) -> Result<Vec<ColumnTag>, GraphError> {
        let n = self.find_column(column)?;
        let net = self.net();
        let tags = &self.tags;
        let mut out = Vec::new();
        for t in 0..tags.keys.len() as u32 {
            let p = pair(n, t);
            let decision = tags.decision(p);
            let present = tags.present.contains(&p);
            if !present && decision != Some(Decision::Rejected) {
                continue;
            }
            let seed = tags.seeds.get(&p).copied().unwrap_or(Seed {
                detected: NONE,
                ..Seed::default()
            });
            let status = if !present {
                TagStatus::Rejected
            } else if decision == Some(Decision::Confirmed) || seed.declared || seed.manual {
                TagStatus::Confirmed
            } else {
                TagStatus::Proposed
            };
            out.push(ColumnTag {
                tag: tags.keys.resolve(t),
                status,
                declared: seed.declared,
                manual: seed.manual,
                detected_by: (seed.detected != NONE)
                    .then(|| tags.rule_names.resolve(seed.detected)),
                propagated: present && tags.supported(&net, n, t),
            });
        }
        out.sort_by(|a, b| a.tag.cmp(&b.tag));
        Ok(out)
    }

    /// The columns holding `tag` (present), for "where is pii.email" views.
    pub fn columns_with_tag(&self, tag: &TagKey) -> Vec<ColumnRef> {
        let Some(t) = self.tags.keys.get(tag.as_str()) else {
            return Vec::new();
        };
        let mut out: Vec<ColumnRef> = self
            .tags
            .present
            .iter()
            .map(|&p| unpair(p))
            .filter(|&(_, pt)| pt == t)
            .map(|(n, _)| self.column_ref(n))
            .collect();
        out.sort();
        out
    }

    /// Every column that holds a tag or carries a decision, sorted: what review queues
    /// and PII reports walk, without touching the untagged majority of the graph.
    pub fn tagged_columns(&self) -> Vec<ColumnRef> {
        let mut nodes: Vec<NodeIndex> = self
            .tags
            .present
            .iter()
            .chain(self.tags.decisions.keys())
            .map(|&p| unpair(p).0)
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        let mut out: Vec<ColumnRef> = nodes.into_iter().map(|n| self.column_ref(n)).collect();
        out.sort();
        out
    }

    /// The present (column, tag) pairs whose tag `keep` accepts, unordered; rejected
    /// tags are not present. Walks the present pairs once and asks `keep` once per tag,
    /// which is what a "where is personal data" question over a whole catalog needs
    /// ([`LineageGraph::tags_of`] per column looks at every tag key of every column).
    pub fn present_pairs(&self, mut keep: impl FnMut(&str) -> bool) -> Vec<(ColumnRef, Arc<str>)> {
        let names: Vec<Option<Arc<str>>> = (0..self.tags.keys.len() as u32)
            .map(|t| {
                let name = self.tags.keys.resolve(t);
                keep(&name).then_some(name)
            })
            .collect();
        self.tags
            .present
            .iter()
            .filter_map(|&p| {
                let (n, t) = unpair(p);
                let name = names.get(t as usize)?.as_ref()?;
                self.g.node_weight(n)?;
                Some((self.column_ref(n), name.clone()))
            })
            .collect()
    }

    /// How many (column, tag) pairs are present: a size figure for metrics.
    pub fn tagged_pair_count(&self) -> usize {
        self.tags.present.len()
    }

    /// Where the journal of tag changes is now: pass it to
    /// [`LineageGraph::datasets_with_tag_changes`] later to learn what changed since.
    pub fn tag_journal_position(&self) -> JournalPosition {
        self.tags.journal.position()
    }

    /// The datasets some of whose columns gained or lost a present tag since `from`
    /// (sorted, without repeats; a change may have been undone since), or `None` when
    /// that is no longer known (the journal was trimmed, the tags were recomputed, or
    /// `from` belongs to another graph): then every dataset may have changed.
    pub fn datasets_with_tag_changes(&self, from: JournalPosition) -> Option<Vec<DatasetId>> {
        let nodes = self.tags.journal.since(from)?;
        let mut out: Vec<DatasetId> = nodes
            .iter()
            .filter_map(|&n| self.g.node_weight(n).map(|d| d.dataset))
            .collect();
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The present tags of each dataset's columns, sorted and without repeats, for the
    /// datasets with any: rejected tags are not present. Walks the present pairs only.
    pub fn present_tags_by_dataset(&self) -> Vec<(DatasetId, Vec<Arc<str>>)> {
        let mut ids: FxHashMap<DatasetId, Vec<u32>> = FxHashMap::default();
        for &p in &self.tags.present {
            let (n, t) = unpair(p);
            if let Some(d) = self.g.node_weight(n) {
                ids.entry(d.dataset).or_default().push(t);
            }
        }
        let mut out: Vec<(DatasetId, Vec<Arc<str>>)> = ids
            .into_iter()
            .map(|(d, tags)| (d, self.tag_names(tags)))
            .collect();
        out.sort_unstable_by_key(|(d, _)| *d);
        out
    }

    /// The present tags of `dataset`'s columns, sorted and without repeats (empty for a
    /// dataset the graph does not know).
    pub fn present_tags_of_dataset(&self, dataset: DatasetId) -> Vec<Arc<str>> {
        let Some(entry) = self.datasets.get(&dataset) else {
            return Vec::new();
        };
        let keys = self.tags.keys.len() as u32;
        let mut tags = Vec::new();
        for &n in &entry.columns {
            tags.extend((0..keys).filter(|&t| self.tags.present.contains(&pair(n, t))));
        }
        self.tag_names(tags)
    }

    fn tag_names(&self, mut ids: Vec<u32>) -> Vec<Arc<str>> {
        ids.sort_unstable();
        ids.dedup();
        let mut names: Vec<Arc<str>> = ids.into_iter().map(|t| self.tags.keys.resolve(t)).collect();
        names.sort_unstable();
        names
    }

    /// Why `tag` is on `column`: up to `max_paths` paths from a source, and the total
    /// number of paths, counted without enumerating them.
    pub fn explain(
        &self,
        column: &ColumnRef,
        tag: &TagKey,
        max_paths: usize,
    ) -> Result<Explanation, GraphError> {
        self.explanation(column, tag, max_paths, true)
    }

    /// Up to `max_paths` paths that brought `tag` to `column`, as [`LineageGraph::explain`]
    /// finds them, without counting the rest: counting walks the tag's whole upstream,
    /// which a caller that wants one path (a policy input, a check report) does for
    /// every propagated column of a catalog.
    pub fn explain_paths(
        &self,
        column: &ColumnRef,
        tag: &TagKey,
        max_paths: usize,
    ) -> Result<Vec<ExplanationPath>, GraphError> {
        Ok(self.explanation(column, tag, max_paths, false)?.paths)
    }

    fn explanation(
        &self,
        column: &ColumnRef,
        tag: &TagKey,
        max_paths: usize,
        count: bool,
    ) -> Result<Explanation, GraphError> {
        let n = self.find_column(column)?;
        let Some(t) = self.tags.keys.get(tag.as_str()) else {
            return Ok(Explanation {
                paths: Vec::new(),
                total: 0,
            });
        };
        let target = pair(n, t);
        let tags = &self.tags;
        if !tags.present.contains(&target) {
            return Ok(Explanation {
                paths: Vec::new(),
                total: 0,
            });
        }
        let net = self.net();
        let preds = |p: u64| -> Vec<(petgraph::stable_graph::EdgeIndex, u64)> {
            let (pn, pt) = unpair(p);
            tags.preds(&net, pn, pt).collect()
        };
        let is_source = |p: u64| {
            let (pn, pt) = unpair(p);
            tags.is_source(pn, pt)
        };
        let found = first_paths(target, &preds, &is_source, max_paths);
        let total = if count {
            count_paths(target, &preds, &is_source)
        } else {
            found.len() as u64
        };
        let paths = found
            .into_iter()
            .map(|steps| self.render_path(target, &steps))
            .collect();
        Ok(Explanation { paths, total })
    }

    /// Turns a backward path (target first, then (edge, predecessor) steps) into an
    /// explanation, upstream first.
    fn render_path(
        &self,
        target: u64,
        steps: &[(petgraph::stable_graph::EdgeIndex, u64)],
    ) -> ExplanationPath {
        let tags = &self.tags;
        let start = steps.last().map_or(target, |s| s.1);
        let mut hops = Vec::with_capacity(steps.len());
        let mut to = target;
        for &(e, from) in steps {
            let (fnode, ft) = unpair(from);
            let (tnode, tt) = unpair(to);
            let w = self.g.edge_weight(e);
            let class = w
                .and_then(|w| self.tsets.get(w.tset as usize))
                .map(|ts| &ts.class);
            let rule = class
                .and_then(|c| {
                    if ft == tt {
                        c.plain.clone().or_else(|| c.pseudo.clone())
                    } else {
                        c.pseudo.clone()
                    }
                })
                .unwrap_or(Rule::NoInformation);
            hops.push(Hop {
                from: self.column_ref(fnode),
                to: self.column_ref(tnode),
                origin: w.map_or(Origin::OpenLineage, |w| Origin::from_code(w.origin)),
                job: w.and_then(|w| w.job()),
                tag_in: tags.keys.resolve(ft),
                tag_out: tags.keys.resolve(tt),
                rule,
            });
            to = from;
        }
        hops.reverse();
        let (sn, st) = unpair(start);
        let seed = tags.seeds.get(&start);
        let mut source = Vec::new();
        if let Some(s) = seed {
            if s.declared {
                source.push(TagSource::Declared);
            }
            if s.manual {
                source.push(TagSource::Manual);
            }
            if s.detected != NONE {
                source.push(TagSource::Detected(tags.rule_names.resolve(s.detected)));
            }
        }
        if tags.decision(start) == Some(Decision::Confirmed) {
            source.push(TagSource::Confirmed);
        }
        ExplanationPath {
            start: self.column_ref(sn),
            start_tag: tags.keys.resolve(st),
            source,
            hops,
        }
    }
}

/// Which kind of source [`LineageGraph::remove_source`] withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A producer's declaration.
    Declared,
    /// A detection.
    Detected,
    /// An owner's manual tag.
    Manual,
}
