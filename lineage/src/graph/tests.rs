//! Behaviour of the graph and of each propagation rule, on hand-built graphs.

use super::*;
use crate::transform::{Subtype, Transformation, TransformationType};

fn col(d: DatasetId, c: &str) -> ColumnRef {
    ColumnRef::new(d, c)
}

fn tag(s: &str) -> TagKey {
    TagKey::parse(s).unwrap()
}

fn tr(subtype: Subtype, description: Option<&str>, masking: bool) -> Transformation {
    Transformation {
        kind: subtype.kind(),
        subtype,
        description: description.map(str::to_owned),
        masking,
    }
}

fn identity() -> Vec<Transformation> {
    vec![tr(Subtype::Identity, None, false)]
}

fn agg(description: Option<&str>, masking: bool) -> Vec<Transformation> {
    vec![tr(Subtype::Aggregation, description, masking)]
}

fn key(a: &ColumnRef, b: &ColumnRef, origin: Origin) -> ColumnEdgeKey {
    ColumnEdgeKey {
        src: a.clone(),
        dst: b.clone(),
        origin,
        job: Some(7),
    }
}

fn link_as(
    g: &mut LineageGraph,
    a: &ColumnRef,
    b: &ColumnRef,
    ts: Vec<Transformation>,
    origin: Origin,
    seen: Micros,
) -> Upsert {
    g.upsert_column_edge(&ColumnEdge {
        key: key(a, b, origin),
        transformations: ts,
        first_seen: seen,
        last_seen: seen,
    })
}

fn link(g: &mut LineageGraph, a: &ColumnRef, b: &ColumnRef, ts: Vec<Transformation>) {
    link_as(g, a, b, ts, Origin::Sql, 100);
}

/// The present tags of a column as `(key, status)`.
fn tags_at(g: &LineageGraph, c: &ColumnRef) -> Vec<(String, TagStatus)> {
    g.tags_of(c)
        .unwrap()
        .into_iter()
        .filter(|t| t.status != TagStatus::Rejected)
        .map(|t| (t.tag.to_string(), t.status))
        .collect()
}

fn proposed(k: &str) -> Vec<(String, TagStatus)> {
    vec![(k.to_owned(), TagStatus::Proposed)]
}

fn hop_rules(g: &LineageGraph, c: &ColumnRef, k: &str) -> Vec<Vec<Rule>> {
    g.explain(c, &tag(k), 10)
        .unwrap()
        .paths
        .into_iter()
        .map(|p| p.hops.into_iter().map(|h| h.rule).collect())
        .collect()
}

/// email(1) → 2 → 3, detected at the start.
fn chain(ts: Vec<Vec<Transformation>>) -> (LineageGraph, Vec<ColumnRef>) {
    let mut g = LineageGraph::default();
    let cols: Vec<ColumnRef> = (0..=ts.len() as i64).map(|i| col(i + 1, "email")).collect();
    g.add_detected(&cols[0], &tag("pii.email"), "email");
    for (i, t) in ts.into_iter().enumerate() {
        link(&mut g, &cols[i], &cols[i + 1], t);
    }
    (g, cols)
}

#[test]
fn identity_chain_carries_the_tag_as_proposed_with_its_path() {
    let (g, c) = chain(vec![
        identity(),
        vec![tr(Subtype::Transformation, Some("lower"), false)],
    ]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pii.email"));
    assert_eq!(tags_at(&g, &c[2]), proposed("pii.email"));
    let e = g.explain(&c[2], &tag("pii.email"), 5).unwrap();
    assert_eq!(e.total, 1);
    let p = &e.paths[0];
    assert_eq!(p.start, c[0]);
    assert_eq!(p.source, vec![TagSource::Detected("email".into())]);
    assert_eq!(
        p.hops.iter().map(|h| h.rule.clone()).collect::<Vec<_>>(),
        vec![Rule::Identity, Rule::Transformation]
    );
    assert_eq!(
        (p.hops[0].from.clone(), p.hops[1].to.clone()),
        (c[0].clone(), c[2].clone())
    );
    let t = g.tags_of(&c[0]).unwrap();
    assert_eq!(t[0].detected_by.as_deref(), Some("email"));
    assert!(!t[0].propagated && g.tags_of(&c[1]).unwrap()[0].propagated);
}

#[test]
fn masking_pseudonymises_and_the_pseudonymised_tag_propagates_on() {
    let sha = vec![tr(Subtype::Transformation, Some("sha256"), true)];
    let (g, c) = chain(vec![sha, identity()]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pseudonymised.pii.email"));
    assert_eq!(tags_at(&g, &c[2]), proposed("pseudonymised.pii.email"));
    assert_eq!(
        hop_rules(&g, &c[2], "pseudonymised.pii.email"),
        vec![vec![
            Rule::Masking {
                function: Some("sha256".into())
            },
            Rule::Identity
        ]]
    );
    // The function name alone is enough, and the deprecated MASKED mapping (flag only).
    let (g, c) = chain(vec![vec![tr(Subtype::Transformation, Some("md5"), false)]]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pseudonymised.pii.email"));
    let (g, c) = chain(vec![vec![tr(Subtype::Transformation, None, true)]]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pseudonymised.pii.email"));
}

#[test]
fn aggregations_stop_pii_unless_value_preserving() {
    let (g, c) = chain(vec![agg(Some("count"), true)]);
    assert!(tags_at(&g, &c[1]).is_empty(), "count(email) is not PII");
    let (g, c) = chain(vec![agg(Some("sum"), false)]);
    assert!(tags_at(&g, &c[1]).is_empty(), "sum stops it");
    let (g, c) = chain(vec![agg(Some("max"), false)]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pii.email"));
    assert_eq!(
        hop_rules(&g, &c[1], "pii.email"),
        vec![vec![Rule::ValuePreservingAggregate {
            function: "max".into()
        }]]
    );
    let (g, c) = chain(vec![agg(Some("sha256, max"), true)]);
    assert_eq!(
        tags_at(&g, &c[1]),
        proposed("pseudonymised.pii.email"),
        "max(sha256(email))"
    );
    let (g, c) = chain(vec![agg(Some("lower, count"), false)]);
    assert!(tags_at(&g, &c[1]).is_empty());
}

#[test]
fn indirect_use_carries_nothing() {
    for s in [
        Subtype::Filter,
        Subtype::Join,
        Subtype::GroupBy,
        Subtype::Conditional,
        Subtype::Window,
        Subtype::Sort,
    ] {
        let (g, c) = chain(vec![vec![tr(s, None, false)]]);
        assert!(tags_at(&g, &c[1]).is_empty(), "{s:?}");
    }
    // A column used as a whole-dataset filter does not tag the dataset's columns.
    let (mut g, c) = chain(vec![identity()]);
    g.add_column(9, "total");
    let filter = vec![tr(Subtype::Filter, None, false)];
    ds_edge(
        &mut g,
        (1, Some("email")),
        9,
        Origin::OpenLineage,
        filter,
        1,
    );
    assert!(tags_at(&g, &col(9, "total")).is_empty());
    assert_eq!(tags_at(&g, &c[1]), proposed("pii.email"));
}

#[test]
fn union_of_a_pii_and_a_clean_branch_is_pii() {
    let mut g = LineageGraph::default();
    let (email, note, out) = (col(1, "email"), col(2, "note"), col(3, "contact"));
    g.add_detected(&email, &tag("pii.email"), "email");
    link(&mut g, &email, &out, identity());
    link(&mut g, &note, &out, identity());
    assert_eq!(tags_at(&g, &out), proposed("pii.email"));
    assert!(tags_at(&g, &note).is_empty());
    let e = g.explain(&out, &tag("pii.email"), 5).unwrap();
    assert_eq!((e.total, e.paths[0].start.clone()), (1, email));
}

#[test]
fn cycles_terminate_and_withdraw_completely() {
    let mut g = LineageGraph::default();
    let c: Vec<ColumnRef> = (1..=3).map(|i| col(i, "x")).collect();
    g.add_declared(&c[0], &tag("pii.name"));
    link(&mut g, &c[0], &c[1], identity());
    link(&mut g, &c[1], &c[2], identity());
    link(&mut g, &c[2], &c[0], identity());
    assert_eq!(
        tags_at(&g, &c[0]),
        vec![("pii.name".to_owned(), TagStatus::Confirmed)]
    );
    assert_eq!(tags_at(&g, &c[2]), proposed("pii.name"));
    assert_eq!(g.explain(&c[2], &tag("pii.name"), 10).unwrap().total, 1);
    // The cycle must not keep the tag alive by supporting itself.
    g.remove_source(&c[0], &tag("pii.name"), SourceKind::Declared)
        .unwrap();
    assert_eq!(g.tagged_pair_count(), 0);
    let sub = walk(
        &g,
        &NodeRef::Column(c[0].clone()),
        Direction::Downstream,
        50,
    );
    assert_eq!(sub.nodes.len(), 3);
    assert_eq!(sub.edges.len(), 3);
    assert_eq!(
        g.impact(&NodeRef::Column(c[0].clone())).unwrap().columns,
        vec![c[1].clone(), c[2].clone()]
    );
}

#[test]
fn a_rejection_mid_chain_stops_what_is_below_and_survives_recomputation() {
    let (mut g, c) = chain(vec![identity(), identity(), identity()]);
    g.reject(&c[1], &tag("pii.email")).unwrap();
    for below in &c[1..] {
        assert!(tags_at(&g, below).is_empty(), "{below}");
    }
    assert_eq!(g.tags_of(&c[1]).unwrap()[0].status, TagStatus::Rejected);
    assert_eq!(tags_at(&g, &c[0]), proposed("pii.email"));
    g.recompute();
    assert!(tags_at(&g, &c[3]).is_empty());
    // A new path into the rejected column does not bring it back either.
    let other = col(50, "email");
    g.add_detected(&other, &tag("pii.email"), "email");
    link(&mut g, &other, &c[1], identity());
    assert!(tags_at(&g, &c[2]).is_empty());
    // The pseudonymised form is rejected with it.
    link(
        &mut g,
        &c[0],
        &c[1],
        vec![tr(Subtype::Transformation, Some("sha256"), true)],
    );
    assert!(tags_at(&g, &c[2]).is_empty());
    // Confirming lifts the rejection (of both forms) and pins the tag.
    g.confirm(&c[1], &tag("pii.email")).unwrap();
    assert_eq!(
        tags_at(&g, &c[3]),
        vec![
            ("pii.email".to_owned(), TagStatus::Proposed),
            ("pseudonymised.pii.email".to_owned(), TagStatus::Proposed)
        ]
    );
}

#[test]
fn with_two_paths_rejecting_one_keeps_the_other() {
    let mut g = LineageGraph::default();
    let (a, b, c, d) = (
        col(1, "email"),
        col(2, "email"),
        col(3, "email"),
        col(4, "email"),
    );
    g.add_detected(&a, &tag("pii.email"), "email");
    link(&mut g, &a, &b, identity());
    link(&mut g, &a, &c, identity());
    link(&mut g, &b, &d, identity());
    link(&mut g, &c, &d, identity());
    assert_eq!(g.explain(&d, &tag("pii.email"), 10).unwrap().total, 2);
    // Without the count, the same paths, as many as asked for.
    let counted = g.explain(&d, &tag("pii.email"), 10).unwrap().paths;
    assert_eq!(g.explain_paths(&d, &tag("pii.email"), 10).unwrap(), counted);
    assert_eq!(
        g.explain_paths(&d, &tag("pii.email"), 1).unwrap()[..],
        counted[..1]
    );
    g.reject(&b, &tag("pii.email")).unwrap();
    assert_eq!(tags_at(&g, &d), proposed("pii.email"));
    let e = g.explain(&d, &tag("pii.email"), 10).unwrap();
    assert_eq!(e.total, 1);
    assert_eq!(e.paths[0].hops[0].to, c);
    g.reject(&c, &tag("pii.email")).unwrap();
    assert!(tags_at(&g, &d).is_empty());
}

#[test]
fn an_unknown_aggregate_is_carried_as_proposed_with_the_reason() {
    let (g, c) = chain(vec![agg(None, false)]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pii.email"));
    let rules = hop_rules(&g, &c[1], "pii.email");
    assert_eq!(
        rules,
        vec![vec![Rule::UnknownAggregate { description: None }]]
    );
    assert!(
        rules[0][0]
            .to_string()
            .starts_with("carried as proposed: an AGGREGATION without a function name")
    );
    let (g, c) = chain(vec![agg(Some("my_udaf"), false)]);
    assert_eq!(
        hop_rules(&g, &c[1], "pii.email"),
        vec![vec![Rule::UnknownAggregate {
            description: Some("my_udaf".into())
        }]]
    );
    // Configurable: a deployment may choose to stop them.
    let strict = PropagationRules {
        carry_unknown_aggregate: false,
        ..Default::default()
    };
    let mut g = LineageGraph::new(strict, crate::FunctionRules::default());
    g.add_detected(&col(1, "e"), &tag("pii.email"), "email");
    link(&mut g, &col(1, "e"), &col(2, "e"), agg(None, false));
    assert!(tags_at(&g, &col(2, "e")).is_empty());
}

#[test]
fn an_edge_without_information_carries_the_tag_and_says_so() {
    let (g, c) = chain(vec![vec![]]);
    assert_eq!(tags_at(&g, &c[1]), proposed("pii.email"));
    let rules = hop_rules(&g, &c[1], "pii.email");
    assert_eq!(rules, vec![vec![Rule::NoInformation]]);
    assert!(
        rules[0][0]
            .to_string()
            .contains("no transformation information")
    );
}

#[test]
fn explanations_return_up_to_n_paths_and_the_total() {
    // 12 diamonds: 4096 paths from the source to the last column.
    let mut g = LineageGraph::default();
    let mut prev = col(0, "c");
    g.add_detected(&prev, &tag("pii.phone"), "phone");
    for i in 1..=12 {
        let (l, r, next) = (col(i, "l"), col(i, "r"), col(i, "c"));
        for side in [&l, &r] {
            link(&mut g, &prev, side, identity());
            link(&mut g, side, &next, identity());
        }
        prev = next;
    }
    let e = g.explain(&prev, &tag("pii.phone"), 3).unwrap();
    assert_eq!(e.total, 4096);
    assert_eq!(e.paths.len(), 3);
    assert!(
        e.paths
            .iter()
            .all(|p| p.hops.len() == 24 && p.start == col(0, "c"))
    );
    assert_ne!(e.paths[0], e.paths[1]);
    // Parallel edges of different origins are distinct edges, hence distinct paths.
    link_as(
        &mut g,
        &col(0, "c"),
        &col(1, "l"),
        identity(),
        Origin::OpenLineage,
        5,
    );
    assert_eq!(
        g.explain(&prev, &tag("pii.phone"), 0).unwrap().total,
        4096 + 2048
    );
    // The source itself explains a detected tag.
    let s = g.explain(&col(0, "c"), &tag("pii.phone"), 3).unwrap();
    assert_eq!((s.total, s.paths[0].hops.len()), (1, 0));
}

#[test]
fn confirm_pins_manual_propagates_and_declared_is_confirmed() {
    let (mut g, c) = chain(vec![identity(), identity()]);
    g.confirm(&c[1], &tag("pii.email")).unwrap();
    assert!(g.retract_column_edge(&key(&c[0], &c[1], Origin::Sql)));
    assert_eq!(
        tags_at(&g, &c[1]),
        vec![("pii.email".to_owned(), TagStatus::Confirmed)]
    );
    assert_eq!(tags_at(&g, &c[2]), proposed("pii.email"));
    let e = g.explain(&c[2], &tag("pii.email"), 3).unwrap();
    assert_eq!(e.paths[0].source, vec![TagSource::Confirmed]);
    g.clear_decision(&c[1], &tag("pii.email")).unwrap();
    assert!(tags_at(&g, &c[2]).is_empty());

    g.add_manual(&c[1], &tag("pii.ssn")).unwrap();
    assert_eq!(
        tags_at(&g, &c[1]),
        vec![("pii.ssn".to_owned(), TagStatus::Confirmed)]
    );
    assert_eq!(tags_at(&g, &c[2]), proposed("pii.ssn"));
    // Non-PII tags stay where they are put.
    g.add_declared(&c[1], &tag("tier.gold"));
    assert!(!tags_at(&g, &c[2]).iter().any(|t| t.0 == "tier.gold"));
    assert!(g.add_manual(&col(99, "nope"), &tag("pii.ssn")).is_err());
}

#[test]
fn changing_or_retracting_an_edge_rederives_only_what_it_reached() {
    let (mut g, c) = chain(vec![identity(), identity()]);
    assert_eq!(
        link_as(&mut g, &c[0], &c[1], identity(), Origin::Sql, 200),
        Upsert::Refreshed
    );
    assert_eq!(
        link_as(
            &mut g,
            &c[0],
            &c[1],
            agg(Some("count"), false),
            Origin::Sql,
            300
        ),
        Upsert::Changed
    );
    assert!(tags_at(&g, &c[2]).is_empty());
    // A parallel producer edge of another origin is a separate edge and carries again.
    assert_eq!(
        link_as(&mut g, &c[0], &c[1], identity(), Origin::OpenLineage, 300),
        Upsert::Added
    );
    assert_eq!(tags_at(&g, &c[2]), proposed("pii.email"));
    assert!(g.retract_column_edge(&key(&c[0], &c[1], Origin::OpenLineage)));
    assert!(!g.retract_column_edge(&key(&c[0], &c[1], Origin::OpenLineage)));
    assert!(tags_at(&g, &c[2]).is_empty());
}

/// A tiny deterministic generator, so the property test needs no dependency.
struct Xorshift(u64);
impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn snapshot(g: &LineageGraph, cols: &[ColumnRef]) -> Vec<(ColumnRef, Vec<ColumnTag>)> {
    cols.iter()
        .map(|c| (c.clone(), g.tags_of(c).unwrap()))
        .collect()
}

#[test]
fn incremental_updates_equal_full_recomputation_on_random_graphs() {
    let mixes: Vec<Vec<Transformation>> = vec![
        identity(),
        vec![tr(Subtype::Transformation, Some("sha256"), true)],
        agg(Some("count"), false),
        agg(Some("max"), false),
        agg(None, false),
        vec![tr(Subtype::Filter, None, false)],
        vec![],
        vec![
            tr(Subtype::Identity, None, false),
            tr(Subtype::Transformation, Some("md5"), true),
        ],
    ];
    let keys = [
        "pii.email",
        "pii.phone",
        "pseudonymised.pii.email",
        "tier.gold",
    ];
    for seed in 1..=60u64 {
        let mut rng = Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let n = 3 + rng.below(10) as i64;
        let cols: Vec<ColumnRef> = (0..n).map(|i| col(i, "c")).collect();
        let mut g = LineageGraph::default();
        for c in &cols {
            g.add_column(c.dataset, &c.column);
        }
        let cyclic = seed % 4 == 0;
        let mut added: Vec<ColumnEdgeKey> = Vec::new();
        for _ in 0..40 {
            let a = rng.below(n as u64) as usize;
            let b = rng.below(n as u64) as usize;
            let k = &tag(keys[rng.below(keys.len() as u64) as usize]);
            match rng.below(10) {
                0..=4 if a != b && (cyclic || a < b) => {
                    let origin = if rng.below(4) == 0 {
                        Origin::OpenLineage
                    } else {
                        Origin::Sql
                    };
                    let ts = mixes[rng.below(mixes.len() as u64) as usize].clone();
                    link_as(&mut g, &cols[a], &cols[b], ts, origin, 1);
                    added.push(key(&cols[a], &cols[b], origin));
                }
                5 => g.add_detected(&cols[a], k, "r"),
                6 => g.reject(&cols[a], k).unwrap(),
                7 => g.confirm(&cols[a], k).unwrap(),
                8 if !added.is_empty() => {
                    let i = rng.below(added.len() as u64) as usize;
                    g.retract_column_edge(&added.swap_remove(i));
                }
                9 => g.clear_decision(&cols[a], k).unwrap(),
                _ => g.add_declared(&cols[a], k),
            }
            let mut full = g.clone();
            full.recompute();
            assert_eq!(snapshot(&g, &cols), snapshot(&full, &cols), "seed {seed}");
        }
    }
}

fn walk(g: &LineageGraph, start: &NodeRef, dir: Direction, depth: u32) -> Subgraph {
    let opts = TraversalOptions {
        depth,
        ..Default::default()
    };
    g.traverse(start, dir, &opts).unwrap()
}

fn ds_edge(
    g: &mut LineageGraph,
    (src, src_column): (DatasetId, Option<&str>),
    dst: DatasetId,
    origin: Origin,
    transformations: Vec<Transformation>,
    seen: Micros,
) {
    g.upsert_dataset_edge(&DatasetEdge {
        key: DatasetEdgeKey {
            src,
            src_column: src_column.map(Into::into),
            dst,
            origin,
            job: if src_column.is_some() { None } else { Some(1) },
        },
        transformations,
        first_seen: seen,
        last_seen: seen,
    });
}

fn ds_link(g: &mut LineageGraph, a: DatasetId, b: DatasetId, seen: Micros) {
    ds_edge(g, (a, None), b, Origin::OpenLineage, vec![], seen);
}

#[test]
fn a_short_walk_on_a_large_graph_visits_each_node_once() {
    let mut g = LineageGraph::default();
    // Enough unrelated columns that a walk capped at 5 nodes keeps a hash set of visited
    // nodes rather than a bit per node; then a diamond with a cycle back to its top.
    for i in 0..400 {
        link(
            &mut g,
            &col(1_000 + i, "x"),
            &col(2_000 + i, "x"),
            identity(),
        );
    }
    let (a, b, c, d) = (col(1, "v"), col(2, "v"), col(3, "v"), col(4, "v"));
    for (from, to) in [(&a, &b), (&a, &c), (&b, &d), (&c, &d), (&d, &a)] {
        link(&mut g, from, to, identity());
    }
    let start = NodeRef::Column(a.clone());
    let nodes = |max_nodes| {
        let s = g
            .traverse(
                &start,
                Direction::Downstream,
                &TraversalOptions {
                    depth: 10,
                    max_nodes,
                    ..Default::default()
                },
            )
            .unwrap();
        let mut n: Vec<NodeRef> = s.nodes.iter().map(|n| n.node.clone()).collect();
        n.sort();
        (n, s.truncated)
    };
    let small = nodes(5);
    assert_eq!(
        small,
        (
            vec![
                NodeRef::Column(a),
                NodeRef::Column(b),
                NodeRef::Column(c),
                NodeRef::Column(d)
            ],
            false
        )
    );
    assert_eq!(small, nodes(100_000), "both kinds of visited set agree");
}

#[test]
fn traversal_honours_depth_filters_and_caps() {
    let mut g = LineageGraph::default();
    let root = col(1, "id");
    // Five children with usages 0..5, each with one grandchild.
    for i in 0..5 {
        let child = col(10 + i, "id");
        let ts = if i == 0 {
            vec![tr(Subtype::Filter, None, false)]
        } else {
            identity()
        };
        link(&mut g, &root, &child, ts);
        link(&mut g, &child, &col(100 + i, "id"), identity());
        g.set_usage(&NodeRef::Column(child), i as u64).unwrap();
    }
    let start = NodeRef::Column(root.clone());
    let down = |o: TraversalOptions| g.traverse(&start, Direction::Downstream, &o).unwrap();
    let one = down(TraversalOptions::default());
    assert_eq!(
        (one.nodes.len(), one.edges.len(), one.truncated),
        (6, 5, false)
    );
    assert_eq!(
        down(TraversalOptions {
            depth: 2,
            ..Default::default()
        })
        .nodes
        .len(),
        11
    );
    let direct = down(TraversalOptions {
        depth: 2,
        direct_only: true,
        ..Default::default()
    });
    assert_eq!(direct.nodes.len(), 9);
    let capped = down(TraversalOptions {
        max_children: 2,
        ..Default::default()
    });
    assert_eq!(capped.nodes[0].hidden_children, 3);
    let kept: Vec<NodeRef> = capped.nodes[1..].iter().map(|n| n.node.clone()).collect();
    assert_eq!(
        kept,
        vec![
            NodeRef::Column(col(14, "id")),
            NodeRef::Column(col(13, "id"))
        ]
    );
    let truncated = down(TraversalOptions {
        depth: 2,
        max_nodes: 4,
        ..Default::default()
    });
    assert!(truncated.truncated);
    assert_eq!(truncated.nodes.len(), 4);
    let up = g
        .traverse(
            &NodeRef::Column(col(104, "id")),
            Direction::Upstream,
            &TraversalOptions {
                depth: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(up.nodes.len(), 3);
    assert!(matches!(
        g.traverse(
            &NodeRef::Dataset(999),
            Direction::Upstream,
            &TraversalOptions::default()
        ),
        Err(GraphError::UnknownDataset(999))
    ));
}

#[test]
fn dataset_edges_are_derived_from_columns_and_runs() {
    let mut g = LineageGraph::default();
    link(&mut g, &col(1, "a"), &col(2, "a"), identity());
    link(&mut g, &col(1, "b"), &col(2, "b"), identity());
    ds_link(&mut g, 3, 2, 100);
    g.add_dataset(4);
    let up = walk(&g, &NodeRef::Dataset(2), Direction::Upstream, 1);
    assert_eq!(
        up.nodes.iter().map(|n| n.node.clone()).collect::<Vec<_>>(),
        vec![
            NodeRef::Dataset(2),
            NodeRef::Dataset(1),
            NodeRef::Dataset(3)
        ]
    );
    let from1 = up
        .edges
        .iter()
        .find(|e| e.src == NodeRef::Dataset(1))
        .unwrap();
    assert_eq!(
        (from1.level, from1.supporting_edges),
        (EdgeLevel::Dataset, 2)
    );
    assert_eq!(up.nodes[1].has_column_lineage, Some(true));
    assert_eq!(up.nodes[2].has_column_lineage, Some(false));
    assert!(!g.has_column_lineage(4));
    // Retracting both column edges removes the derived edge; the declared one stays.
    assert!(g.retract_column_edge(&key(&col(1, "a"), &col(2, "a"), Origin::Sql)));
    assert!(g.retract_column_edge(&key(&col(1, "b"), &col(2, "b"), Origin::Sql)));
    let up = walk(&g, &NodeRef::Dataset(2), Direction::Upstream, 1);
    assert_eq!(up.nodes.len(), 2);
    assert!(g.retract_dataset_edge(&DatasetEdgeKey {
        src: 3,
        src_column: None,
        dst: 2,
        origin: Origin::OpenLineage,
        job: Some(1)
    }));
    assert_eq!(g.edge_count(), 0);
}

#[test]
fn impact_and_paths_between_columns() {
    let mut g = LineageGraph::default();
    let (a, b, c, d) = (col(1, "x"), col(2, "x"), col(3, "x"), col(4, "x"));
    link(&mut g, &a, &b, identity());
    link(&mut g, &b, &d, identity());
    link(&mut g, &a, &c, vec![tr(Subtype::Filter, None, false)]);
    link(&mut g, &c, &d, identity());
    let join = vec![tr(Subtype::Join, None, false)];
    ds_edge(&mut g, (4, Some("x")), 5, Origin::Sql, join, 0);
    ds_link(&mut g, 5, 6, 0);
    let i = g.impact(&NodeRef::Column(a.clone())).unwrap();
    assert_eq!(i.datasets, vec![2, 3, 4, 5, 6]);
    assert_eq!(i.columns, vec![b.clone(), c.clone(), d.clone()]);
    let i = g.impact(&NodeRef::Dataset(4)).unwrap();
    assert_eq!((i.datasets, i.columns), (vec![5, 6], vec![]));
    let p = g.column_paths(&a, &d, false, 10, 5).unwrap();
    assert_eq!((p.total, p.paths.len()), (2, 2));
    assert!(
        p.paths
            .iter()
            .all(|p| p.len() == 2 && p[0].src == NodeRef::Column(a.clone()))
    );
    let direct = g.column_paths(&a, &d, true, 10, 5).unwrap();
    assert_eq!(direct.total, 1);
    assert_eq!(g.column_paths(&d, &a, false, 10, 5).unwrap().total, 0);
    assert_eq!(g.column_paths(&a, &d, false, 1, 5).unwrap().total, 0);
}

#[test]
fn stale_edges_are_marked_not_deleted() {
    let mut g = LineageGraph::default();
    let (a, b, c) = (col(1, "email"), col(2, "email"), col(3, "email"));
    g.add_detected(&a, &tag("pii.email"), "email");
    link_as(&mut g, &a, &b, identity(), Origin::Sql, 1_000);
    link_as(&mut g, &b, &c, identity(), Origin::Sql, 5_000);
    assert_eq!(
        g.mark_stale(6_000, 2_000),
        2,
        "the column edge and its derived dataset edge"
    );
    assert_eq!(g.stale_column_edges(), vec![key(&a, &b, Origin::Sql)]);
    assert_eq!(
        tags_at(&g, &c),
        proposed("pii.email"),
        "stale edges still carry"
    );
    let fresh = TraversalOptions {
        depth: 3,
        include_stale: false,
        ..Default::default()
    };
    assert_eq!(
        g.traverse(&NodeRef::Column(a.clone()), Direction::Downstream, &fresh)
            .unwrap()
            .nodes
            .len(),
        1
    );
    let all = walk(&g, &NodeRef::Column(a.clone()), Direction::Downstream, 3);
    assert!(all.edges[0].stale && !all.edges[1].stale);
    // Seen again: fresh.
    assert_eq!(
        link_as(&mut g, &a, &b, identity(), Origin::Sql, 7_000),
        Upsert::Refreshed
    );
    assert!(g.stale_column_edges().is_empty());
    assert_eq!(g.mark_stale(6_500, 2_000), 0);
}

#[test]
fn deferred_loading_propagates_once_at_the_end() {
    let mut g = LineageGraph::default();
    g.set_deferred(true);
    let (a, b) = (col(1, "email"), col(2, "email"));
    g.add_detected(&a, &tag("pii.email"), "email");
    link(&mut g, &a, &b, identity());
    g.reject(&b, &tag("pii.email")).unwrap();
    link(&mut g, &a, &col(3, "email"), identity());
    assert_eq!(g.tagged_pair_count(), 0);
    g.set_deferred(false);
    assert!(tags_at(&g, &b).is_empty());
    assert_eq!(
        g.columns_with_tag(&tag("pii.email")),
        vec![a, col(3, "email")]
    );
}

#[test]
fn stored_transformations_parse() {
    let ts = parse_transformations(
        r#"[{"type":"DIRECT","subtype":"AGGREGATION","description":"sha256, max","masking":true},
            {"type":"INDIRECT","subtype":"FILTER","description":"","masking":false}]"#,
    )
    .unwrap();
    assert_eq!(ts[0], tr(Subtype::Aggregation, Some("sha256, max"), true));
    assert_eq!(
        (ts[1].kind, ts[1].description.clone()),
        (TransformationType::Indirect, None)
    );
    assert!(parse_transformations("[]").unwrap().is_empty());
    assert!(matches!(
        parse_transformations(r#"[{"type":"SIDEWAYS"}]"#),
        Err(GraphError::Transformations(_))
    ));
    assert_eq!(Origin::parse("query_log"), Ok(Origin::QueryLog));
    assert!(Origin::parse("kafka").is_err());
}

#[test]
fn stored_rows_route_to_column_or_dataset_edges() {
    let mut g = LineageGraph::default();
    let row = |dst_column, src_column| StoredEdge {
        dst_dataset: 2,
        dst_column,
        src_dataset: 1,
        src_column,
        job: 3,
        origin: "openlineage",
        transformations: "[]",
        first_seen: 5,
        last_seen: 6,
    };
    assert_eq!(g.upsert_stored(&row("a", "a")), Ok(Upsert::Added));
    assert_eq!(g.upsert_stored(&row("", "b")), Ok(Upsert::Added));
    assert_eq!(g.upsert_stored(&row("", "")), Ok(Upsert::Added));
    let sub = walk(&g, &NodeRef::Column(col(1, "b")), Direction::Downstream, 1);
    assert_eq!(sub.edges[0].level, EdgeLevel::ColumnToDataset);
    assert_eq!(sub.edges[0].dst, NodeRef::Dataset(2));
    // Upstream of a column of dataset 2: its own input and the one stated for the
    // whole dataset, that edge ending at the column and marked dataset-level.
    let up = walk(&g, &NodeRef::Column(col(2, "a")), Direction::Upstream, 1);
    let mut inputs: Vec<_> = up.edges.iter().map(|e| (e.src.clone(), e.level)).collect();
    inputs.sort_by_key(|(src, _)| format!("{src:?}"));
    assert_eq!(
        inputs,
        vec![
            (NodeRef::Column(col(1, "a")), EdgeLevel::Column),
            (NodeRef::Column(col(1, "b")), EdgeLevel::ColumnToDataset),
        ]
    );
    assert!(
        up.edges
            .iter()
            .all(|e| e.dst == NodeRef::Column(col(2, "a")))
    );
    let up = walk(&g, &NodeRef::Dataset(2), Direction::Upstream, 1);
    // One dataset edge (origin, job) supported by both column-level rows and declared.
    assert_eq!(up.edges.len(), 1);
    assert_eq!(up.edges[0].supporting_edges, 2);
    assert_eq!(g.retract_stored(&row("a", "a")), Ok(true));
    assert_eq!(g.retract_stored(&row("", "b")), Ok(true));
    assert_eq!(g.retract_stored(&row("", "")), Ok(true));
    assert_eq!(g.edge_count(), 0);
    let bad = StoredEdge {
        origin: "kafka",
        ..row("a", "a")
    };
    assert!(matches!(
        g.upsert_stored(&bad),
        Err(GraphError::UnknownOrigin(_))
    ));
    let bad = StoredEdge {
        transformations: "{",
        ..row("a", "a")
    };
    assert!(matches!(
        g.upsert_stored(&bad),
        Err(GraphError::Transformations(_))
    ));
}

#[test]
fn detection_on_the_graph_records_proposed_sources() {
    let mut g = LineageGraph::default();
    let found = g.detect(
        &DetectionRules::default(),
        &col(1, "customer_phone"),
        Some("text"),
    );
    assert_eq!(found.len(), 1);
    let t = g.tags_of(&col(1, "customer_phone")).unwrap();
    assert_eq!(
        (&*t[0].tag, t[0].status),
        ("pii.phone", TagStatus::Proposed)
    );
    assert_eq!(t[0].detected_by.as_deref(), Some("phone"));
}

#[test]
fn propagation_rules_load_as_additions_to_the_defaults() {
    let extra: PropagationRules = serde_json::from_str(
        r#"{"value_preserving": ["pick_one"], "masking": ["vault_token"], "propagate": ["secret"]}"#,
    )
    .unwrap();
    let rules = PropagationRules::with_additions(&extra);
    assert!(rules.value_preserving.contains("max") && rules.value_preserving.contains("pick_one"));
    let mut g = LineageGraph::new(rules, crate::FunctionRules::default());
    let (a, b, c, d) = (col(1, "x"), col(2, "x"), col(3, "x"), col(4, "x"));
    g.add_declared(&a, &tag("pii.email"));
    g.add_declared(&a, &tag("secret.api_key"));
    link(&mut g, &a, &b, agg(Some("pick_one"), false));
    link(
        &mut g,
        &a,
        &c,
        vec![tr(Subtype::Transformation, Some("vault_token"), false)],
    );
    link(&mut g, &a, &d, identity());
    assert_eq!(
        tags_at(&g, &b),
        vec![
            ("pii.email".to_owned(), TagStatus::Proposed),
            ("secret.api_key".to_owned(), TagStatus::Proposed),
        ]
    );
    assert_eq!(
        tags_at(&g, &c),
        vec![
            ("pseudonymised.pii.email".to_owned(), TagStatus::Proposed),
            (
                "pseudonymised.secret.api_key".to_owned(),
                TagStatus::Proposed
            ),
        ]
    );
    assert_eq!(tags_at(&g, &d).len(), 2);
    assert!(serde_json::from_str::<PropagationRules>(r#"{"valu_preserving": []}"#).is_err());
}

/// What a reader of the tag journal learns matches what the tags became.
#[test]
fn tag_journal_names_the_datasets_whose_present_tags_changed() {
    let (mut g, c) = chain(vec![identity(), identity()]);
    g.add_column(9, "other");
    let p0 = g.tag_journal_position();
    assert_eq!(g.datasets_with_tag_changes(p0), Some(vec![]));
    // A rejection mid-chain removes the tag there and below.
    g.reject(&c[1], &tag("pii.email")).unwrap();
    assert_eq!(g.datasets_with_tag_changes(p0), Some(vec![2, 3]));
    assert!(g.present_tags_of_dataset(2).is_empty());
    let p1 = g.tag_journal_position();
    // Clearing it puts them back; a new source elsewhere is a change there.
    g.clear_decision(&c[1], &tag("pii.email")).unwrap();
    g.add_declared(&col(9, "other"), &tag("finance.revenue"));
    assert_eq!(g.datasets_with_tag_changes(p1), Some(vec![2, 3, 9]));
    assert_eq!(
        g.present_tags_of_dataset(3)
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
        vec!["pii.email"]
    );
    // Withdrawing the only source clears the chain.
    let p2 = g.tag_journal_position();
    g.remove_source(&c[0], &tag("pii.email"), SourceKind::Detected)
        .unwrap();
    assert_eq!(g.datasets_with_tag_changes(p2), Some(vec![1, 2, 3]));
    // The per-dataset reading agrees with the whole-graph one and with `tags_of`.
    let all = g.present_tags_by_dataset();
    assert_eq!(all, vec![(9, g.present_tags_of_dataset(9))]);
    // A change at the node the journal last named is still news to a reader that read
    // up to it.
    g.add_declared(&col(9, "other"), &tag("finance.cost"));
    let p4 = g.tag_journal_position();
    g.remove_source(&col(9, "other"), &tag("finance.cost"), SourceKind::Declared)
        .unwrap();
    assert_eq!(g.datasets_with_tag_changes(p4), Some(vec![9]));
    // A full recomputation sends readers back to a full read.
    let p3 = g.tag_journal_position();
    g.recompute();
    assert_eq!(g.datasets_with_tag_changes(p3), None);
}
