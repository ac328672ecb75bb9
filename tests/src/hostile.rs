//! Hostile inputs and the measurements around them, shared by the tests that prove the
//! server bounds them.

/// A document whose fragments each spread the next one twice: `n` fragments expand to
/// 2^(n-1) leaves. `keyword` is `""` (a query), `subscription` or `mutation`; `root` the
/// type the fragments are on.
pub fn fan_out_on(keyword: &str, root: &str, n: usize) -> String {
    let mut q = format!("{keyword} {{ ...F0 }}\n");
    for i in 0..n - 1 {
        q.push_str(&format!(
            "fragment F{i} on {root} {{ ...F{j} ...F{j} }}\n",
            j = i + 1
        ));
    }
    q.push_str(&format!("fragment F{} on {root} {{ __typename }}\n", n - 1));
    q
}

/// `n` aliases of a depth-50 downstream lineage traversal from `dataset:<ns>:orders`.
pub fn lineage_aliases(ns: &str, n: usize) -> String {
    let mut q = String::from("{");
    for i in 0..n {
        q.push_str(&format!(
            " a{i}: lineage(nodeId: \"dataset:{ns}:orders\", direction: DOWNSTREAM, depth: 50) {{ truncated }}"
        ));
    }
    q.push('}');
    q
}

/// A process's resident memory in KiB, from `/proc/<pid>/status`.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("proc status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}
