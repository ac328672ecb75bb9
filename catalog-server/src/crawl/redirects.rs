//! Symlink redirects: a crawler's findings written to the dataset a producer pushed under
//! another name.

use serde_json::Value;

use weft_ingest::aliases::Aliases;
use weft_store::{Store, StoreError};

/// Datasets a producer pushed under one name that declare, in their `symlinks` facet,
/// the name a crawler finds them under: the crawler's findings are written to the
/// pushed dataset. Applied to the events' JSON (and usage rows) before they become
/// changes, so the log holds the merged names and a rebuild needs no lookup.
#[derive(Debug, Default)]
pub(super) struct Redirects(std::collections::HashMap<(String, String), (String, String)>);

impl Redirects {
    pub(super) async fn load(store: &Store, aliases: &Aliases) -> Result<Redirects, StoreError> {
        Ok(Redirects(
            store
                .symlinks()
                .await?
                .into_iter()
                .map(|((ns, name), to)| ((aliases.canonical(&ns), name), to))
                .collect(),
        ))
    }

    pub(super) fn get(&self, namespace: &str, name: &str) -> Option<&(String, String)> {
        if self.0.is_empty() {
            return None;
        }
        self.0.get(&(namespace.to_owned(), name.to_owned()))
    }

    /// Rewrites every `{namespace, name}` object in an event (datasets, inputs, outputs,
    /// column-lineage input fields).
    pub(super) fn rewrite(&self, v: &mut Value) {
        if self.0.is_empty() {
            return;
        }
        match v {
            Value::Object(o) => {
                let target = match (o.get("namespace"), o.get("name")) {
                    (Some(Value::String(ns)), Some(Value::String(name))) => {
                        self.get(ns, name).cloned()
                    }
                    _ => None,
                };
                if let Some((ns, name)) = target {
                    o.insert("namespace".into(), Value::String(ns));
                    o.insert("name".into(), Value::String(name));
                }
                for child in o.values_mut() {
                    self.rewrite(child);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| self.rewrite(c)),
            _ => {}
        }
    }
}
