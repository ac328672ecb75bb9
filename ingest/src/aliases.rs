//! Namespace aliases: the other addresses of a source mapped onto the namespace its
//! datasets live in. Pushes, crawls and rebuilds all apply them, so one dataset is one
//! dataset however a producer or a crawler reached its server.

use std::collections::BTreeMap;

use weft_schemas::change::MetadataChange;

/// Maps the other addresses of a source onto the namespace its datasets live in.
#[derive(Debug, Clone, Default)]
pub struct Aliases(pub BTreeMap<String, String>);

impl Aliases {
    /// The namespace to use for `ns`.
    pub fn canonical(&self, ns: &str) -> String {
        let trimmed = ns.trim_end_matches('/');
        self.0
            .get(trimmed)
            .cloned()
            .unwrap_or_else(|| trimmed.to_owned())
    }
}

impl Aliases {
    /// Rewrites every namespace a change names through the aliases, so a producer that
    /// knows a server as `db.example.com:5432` and a crawler that reached it at
    /// `127.0.0.1:5432` describe one dataset. The payload stays as sent; a rebuild with
    /// the same configuration maps it the same way.
    pub fn apply(&self, change: &mut MetadataChange) {
        if self.0.is_empty() {
            return;
        }
        let map = |ns: &mut String| {
            if let Some(to) = self.0.get(ns.trim_end_matches('/')) {
                *ns = to.clone();
            }
        };
        if let Some(ns) = change.namespace.as_mut() {
            map(ns);
        }
        if let weft_schemas::change::ChangeBody::Lineage(u) = &mut change.body {
            for d in &mut u.datasets {
                map(&mut d.namespace);
                for e in &mut d.edges {
                    map(&mut e.src_namespace);
                }
            }
            if let Some(j) = u.job.as_mut() {
                map(&mut j.namespace);
            }
        }
        if let Some(rest) = change.entity.strip_prefix("dataset:") {
            for (from, to) in &self.0 {
                if let Some(name) = rest
                    .strip_prefix(from.as_str())
                    .and_then(|r| r.strip_prefix(':'))
                {
                    change.entity = format!("dataset:{to}:{name}");
                    break;
                }
            }
        }
    }
}
