//! Lineage centrality: PageRank over the dataset-level graph.
//!
//! A table that many pipelines consume, directly or through other tables, is one people
//! look for. Counting direct consumers misses the indirect ones; PageRank counts both,
//! with influence fading at each hop (the damping factor). The caller builds the graph
//! (the server from its lineage tables) and stores each dataset's value in
//! [`crate::rank::Signals::pagerank`].

/// PageRank of `n` nodes over directed `edges` `(from, to)`: rank flows from `from` to
/// `to`. To rank datasets by what depends on them, pass edges from each consumer to what
/// it reads (`(downstream, upstream)`).
///
/// Values are normalised so their mean is 1 (a sum of `n`), which keeps the ranking
/// factor independent of catalog size. Dangling nodes (no out-edges) spread their rank
/// evenly over all nodes, the standard treatment, so rank is conserved. Edges naming a
/// node `>= n` are ignored; duplicate edges count twice. `damping` is clamped to
/// `0..=1` (0.85 is usual); `iterations` bounds the power iteration, which also stops
/// early once the values change by less than 1e-10 in total.
pub fn pagerank(n: usize, edges: &[(u32, u32)], damping: f64, iterations: usize) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    let d = if damping.is_finite() {
        damping.clamp(0.0, 1.0)
    } else {
        0.85
    };
    let valid = |&&(a, b): &&(u32, u32)| (a as usize) < n && (b as usize) < n;
    let mut out_degree = vec![0u32; n];
    for &(a, _) in edges.iter().filter(valid) {
        out_degree[a as usize] += 1;
    }
    // Edges grouped by target (CSR), so each iteration is one pass without scatter.
    let mut start = vec![0usize; n + 1];
    for &(_, b) in edges.iter().filter(valid) {
        start[b as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut sources = vec![0u32; start[n]];
    for &(a, b) in edges.iter().filter(valid) {
        sources[fill[b as usize]] = a;
        fill[b as usize] += 1;
    }
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..iterations {
        let dangling: f64 = (0..n)
            .filter(|&i| out_degree[i] == 0)
            .map(|i| rank[i])
            .sum();
        let base = (1.0 - d) / nf + d * dangling / nf;
        let mut delta = 0.0;
        for v in 0..n {
            let inflow: f64 = sources[start[v]..start[v + 1]]
                .iter()
                .map(|&u| rank[u as usize] / f64::from(out_degree[u as usize]))
                .sum();
            next[v] = base + d * inflow;
            delta += (next[v] - rank[v]).abs();
        }
        std::mem::swap(&mut rank, &mut next);
        if delta < 1e-10 {
            break;
        }
    }
    for r in &mut rank {
        *r *= nf;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn symmetric_graphs_are_uniform() {
        assert!(close(
            &pagerank(2, &[(0, 1), (1, 0)], 0.85, 100),
            &[1.0, 1.0]
        ));
        assert!(close(&pagerank(3, &[], 0.85, 100), &[1.0, 1.0, 1.0]));
        assert!(pagerank(0, &[], 0.85, 10).is_empty());
    }

    #[test]
    fn a_dangling_sink_matches_the_closed_form() {
        // 0 → 2, 1 → 2, 2 dangling. With d = 0.85, solving
        //   a = 0.05 + 0.85·c/3,  c = 0.05 + 0.85·(2a + c/3),  2a + c = 1
        // gives c = 0.45 / 0.78333… = 0.574468…, a = 0.212766…; times n = 3:
        let r = pagerank(3, &[(0, 2), (1, 2)], 0.85, 200);
        assert!(close(&r, &[0.638298, 0.638298, 1.723404]), "{r:?}");
        let mean = r.iter().sum::<f64>() / 3.0;
        assert!((mean - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_chain_ranks_the_end_highest_and_bad_edges_are_ignored() {
        // 0 → 1 → 2: each node passes rank on, so rank grows along the chain.
        let r = pagerank(3, &[(0, 1), (1, 2), (7, 0)], 0.85, 200);
        assert!(r[0] < r[1] && r[1] < r[2], "{r:?}");
        // With d = 0 links do not matter: every node is the mean.
        assert!(close(
            &pagerank(3, &[(0, 1), (1, 2)], 0.0, 5),
            &[1.0, 1.0, 1.0]
        ));
    }
}
