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

/// One job as PageRank sees it: the datasets it writes and those it reads (indices
/// below `n`; each list without repeats).
#[derive(Debug, Clone, Default)]
pub struct JobLinks {
    /// Datasets written.
    pub outputs: Vec<u32>,
    /// Datasets read.
    pub inputs: Vec<u32>,
}

/// A job's valid outputs, and its valid inputs each with whether it is also an output.
type ValidJob = (Vec<u32>, Vec<(u32, bool)>);

/// [`pagerank`] over the dataset edges jobs imply, without building them: each job
/// links every output to every input other than itself (`(output, input)`, rank flowing
/// from a table to what it is built from), so a job with 10,000 inputs and 10,000
/// outputs would be 100 million edges. Here each iteration costs the sum of the jobs'
/// input and output counts instead: a job's outputs pool their shares once and every
/// input takes the pool, less its own share when it is also an output.
///
/// The result equals `pagerank(n, &edges, …)` for those edges (duplicates, from two
/// jobs linking the same pair, count twice there and here).
pub fn pagerank_through_jobs(
    n: usize,
    jobs: &[JobLinks],
    damping: f64,
    iterations: usize,
) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    let d = if damping.is_finite() {
        damping.clamp(0.0, 1.0)
    } else {
        0.85
    };
    let valid = |v: &&u32| (**v as usize) < n;
    // Keep valid indices, and note which of a job's inputs are also its outputs.
    let jobs: Vec<ValidJob> = jobs
        .iter()
        .map(|j| {
            let outputs: Vec<u32> = j.outputs.iter().filter(valid).copied().collect();
            let written: std::collections::HashSet<u32> = outputs.iter().copied().collect();
            let inputs = j
                .inputs
                .iter()
                .filter(valid)
                .map(|&i| (i, written.contains(&i)))
                .collect();
            (outputs, inputs)
        })
        .collect();
    let mut out_degree = vec![0u64; n];
    for (outputs, inputs) in &jobs {
        let read: std::collections::HashSet<u32> = inputs.iter().map(|&(i, _)| i).collect();
        for &o in outputs {
            out_degree[o as usize] += (inputs.len() - usize::from(read.contains(&o))) as u64;
        }
    }
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    let mut share = vec![0.0; n];
    for _ in 0..iterations {
        let dangling: f64 = (0..n)
            .filter(|&i| out_degree[i] == 0)
            .map(|i| rank[i])
            .sum();
        let base = (1.0 - d) / nf + d * dangling / nf;
        for v in 0..n {
            share[v] = if out_degree[v] == 0 {
                0.0
            } else {
                rank[v] / out_degree[v] as f64
            };
        }
        let mut inflow = vec![0.0; n];
        for (outputs, inputs) in &jobs {
            let pool: f64 = outputs.iter().map(|&o| share[o as usize]).sum();
            for &(i, also_output) in inputs {
                let own = if also_output { share[i as usize] } else { 0.0 };
                inflow[i as usize] += pool - own;
            }
        }
        let mut delta = 0.0;
        for v in 0..n {
            next[v] = base + d * inflow[v];
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

    #[test]
    fn through_jobs_equals_the_expanded_edges() {
        // Jobs over 6 datasets, with a dataset that is both read and written (3) and
        // two jobs linking the same pair (0 → 1).
        let jobs = vec![
            JobLinks {
                outputs: vec![0],
                inputs: vec![1, 2],
            },
            JobLinks {
                outputs: vec![0, 3],
                inputs: vec![1, 3, 4],
            },
            JobLinks {
                outputs: vec![5],
                inputs: vec![0],
            },
            JobLinks {
                outputs: vec![2],
                inputs: vec![],
            },
            JobLinks {
                outputs: vec![4],
                inputs: vec![4],
            },
        ];
        let mut edges = Vec::new();
        for j in &jobs {
            for &o in &j.outputs {
                for &i in &j.inputs {
                    if i != o {
                        edges.push((o, i));
                    }
                }
            }
        }
        let expected = pagerank(6, &edges, 0.85, 200);
        let got = pagerank_through_jobs(6, &jobs, 0.85, 200);
        assert!(close(&got, &expected), "{got:?} vs {expected:?}");
    }

    #[test]
    fn a_job_with_ten_thousand_inputs_and_outputs_is_cheap() {
        // 10,000 × 10,000 would be 10^8 edges; through jobs it is 20,000 links.
        let n = 20_000u32;
        let jobs = vec![JobLinks {
            outputs: (0..n / 2).collect(),
            inputs: (n / 2..n).collect(),
        }];
        let r = pagerank_through_jobs(n as usize, &jobs, 0.85, 30);
        assert!(
            r[(n - 1) as usize] > r[0],
            "inputs gather rank from the outputs"
        );
        let mean = r.iter().sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 1e-6);
    }
}
