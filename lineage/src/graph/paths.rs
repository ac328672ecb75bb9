//! Counting and listing paths without enumerating them all.
//!
//! Both explanations (how a tag reached a column) and column-to-column path queries walk
//! a predecessor relation backwards from a target to "end" nodes. The count is a
//! memoised depth-first sum, linear in the region visited, so a diamond lattice with
//! millions of paths is counted in microseconds; the listing stops after N paths. An
//! edge back to a node on the current search stack is skipped, so cycles terminate
//! (paths that go round a cycle are neither counted nor listed).

use std::hash::Hash;

use super::hash::{FxHashMap, FxHashSet};

struct Frame<K> {
    node: K,
    preds: Vec<K>,
    next: usize,
    acc: u64,
}

/// The number of backward paths from `start` to an end node (saturating). `start`
/// counts as one path of its own when it is an end; other end nodes stop a path.
pub(crate) fn count_paths<K, E>(
    start: K,
    preds: &impl Fn(K) -> Vec<(E, K)>,
    is_end: &impl Fn(K) -> bool,
) -> u64
where
    K: Copy + Eq + Hash,
{
    let mut memo: FxHashMap<K, u64> = FxHashMap::default();
    let mut on_stack: FxHashSet<K> = FxHashSet::default();
    let frame = |node: K, acc: u64| Frame {
        node,
        preds: preds(node).into_iter().map(|(_, k)| k).collect(),
        next: 0,
        acc,
    };
    on_stack.insert(start);
    let mut stack = vec![frame(start, u64::from(is_end(start)))];
    let mut total = 0;
    while let Some(top) = stack.last_mut() {
        if let Some(&k) = top.preds.get(top.next) {
            top.next += 1;
            if is_end(k) {
                top.acc = top.acc.saturating_add(1);
            } else if let Some(&c) = memo.get(&k) {
                top.acc = top.acc.saturating_add(c);
            } else if on_stack.insert(k) {
                stack.push(frame(k, 0));
            }
        } else if let Some(done) = stack.pop() {
            on_stack.remove(&done.node);
            memo.insert(done.node, done.acc);
            match stack.last_mut() {
                Some(parent) => parent.acc = parent.acc.saturating_add(done.acc),
                None => total = done.acc,
            }
        }
    }
    total
}

/// Up to `max` backward paths from `start` to end nodes, each as (edge, predecessor)
/// steps from `start` outwards; an empty path when `start` is itself an end.
pub(crate) fn first_paths<K, E>(
    start: K,
    preds: &impl Fn(K) -> Vec<(E, K)>,
    is_end: &impl Fn(K) -> bool,
    max: usize,
) -> Vec<Vec<(E, K)>>
where
    K: Copy + Eq + Hash,
    E: Copy,
{
    let mut out = Vec::new();
    if max == 0 {
        return out;
    }
    if is_end(start) {
        out.push(Vec::new());
    }
    let mut on_path: FxHashSet<K> = FxHashSet::default();
    on_path.insert(start);
    let mut frames: Vec<(Vec<(E, K)>, usize)> = vec![(preds(start), 0)];
    let mut path: Vec<(E, K)> = Vec::new();
    while out.len() < max {
        let Some(frame) = frames.last_mut() else {
            break;
        };
        if let Some(&(e, k)) = frame.0.get(frame.1) {
            frame.1 += 1;
            if on_path.contains(&k) {
                continue;
            }
            path.push((e, k));
            if is_end(k) {
                out.push(path.clone());
                path.pop();
                continue;
            }
            on_path.insert(k);
            frames.push((preds(k), 0));
        } else {
            frames.pop();
            if let Some((_, k)) = path.pop() {
                on_path.remove(&k);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lattice of `n` diamonds: 2^n paths from node 2n to node 0.
    fn diamonds(n: u32) -> impl Fn(u32) -> Vec<(u32, u32)> {
        move |k: u32| {
            if k == 0 || k > 2 * n {
                Vec::new()
            } else if k.is_multiple_of(2) {
                vec![(0, k - 1), (1, k - 1)]
            } else {
                vec![(0, k - 1)]
            }
        }
    }

    #[test]
    fn counts_exponentially_many_paths_without_listing_them() {
        let preds = diamonds(40);
        let end = |k: u32| k == 0;
        assert_eq!(count_paths(80, &preds, &end), 1 << 40);
        let listed = first_paths(80, &preds, &end, 5);
        assert_eq!(listed.len(), 5);
        assert!(
            listed
                .iter()
                .all(|p| p.len() == 80 && p.last().map(|s| s.1) == Some(0))
        );
    }

    #[test]
    fn cycles_terminate() {
        // 3 → 2 → 1 → 0, and 1 → 2 closes a cycle.
        let preds = |k: u32| match k {
            3 => vec![((), 2)],
            2 => vec![((), 1)],
            1 => vec![((), 0), ((), 2)],
            _ => vec![],
        };
        let end = |k: u32| k == 0;
        assert_eq!(count_paths(3, &preds, &end), 1);
        assert_eq!(first_paths(3, &preds, &end, 10).len(), 1);
        assert_eq!(count_paths(0, &preds, &end), 1);
        assert_eq!(first_paths(0, &preds, &end, 10), vec![Vec::new()]);
    }
}
