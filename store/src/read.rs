//! Read queries, answered in Marquez's JSON shapes.
//!
//! Existing tools (Marquez's web UI, its Python client, scripts) read `/api/v1/…` and
//! expect Marquez's field names, so the projections are built here as JSON values with
//! those names, plus what Marquez lacks (edge transformations, owners, namespace
//! counters). Everything is read from current-state tables; raw events are never parsed
//! at query time (Marquez's facet-reading regret).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{TimeZone, Utc};
use serde_json::{Map, Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::bulk::Val;
use super::{Store, StoreError};

/// Renders stored microseconds as RFC 3339 (what Marquez emits).
pub fn iso(micros: Option<i64>) -> Value {
    match micros.and_then(|m| Utc.timestamp_micros(m).single()) {
        Some(t) => Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        None => Value::Null,
    }
}

/// A page request.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Rows at most.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// A stored facet as a JSON value for a read. Older versions accepted facets that
/// serde_json cannot read back (a number such as `1e999`, nesting past its recursion
/// limit); such a facet is replaced by `{"_error": "unreadable facet: …"}`, with a
/// warning, so one bad facet never fails the dataset, job, run or list around it.
/// (Public until every caller outside the store reads through typed functions.)
#[doc(hidden)]
pub fn stored_facet(key: &str, text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(facet = key, error = %e, "unreadable stored facet replaced");
            json!({ "_error": format!("unreadable facet: {e}") })
        }
    }
}

impl Store {
    /// Raw rows of a read (public until every caller outside the store reads through
    /// typed functions).
    #[doc(hidden)]
    pub async fn rows(&self, sql: &str, binds: Vec<Val>) -> Result<Vec<AnyRow>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        super::bulk::fetch(&mut conn, self.backend().sql(sql), binds).await
    }

    async fn count(&self, sql: &str, binds: Vec<Val>) -> Result<i64, StoreError> {
        let rows = self.rows(sql, binds).await?;
        match rows.first() {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(0),
        }
    }

    async fn namespace_id(&self, ns: &str) -> Result<Option<i64>, StoreError> {
        let rows = self
            .rows("SELECT id FROM namespaces WHERE name = ?", vec![ns.into()])
            .await?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Into::into)
    }

    /// `GET /namespaces`, with the counters view's figures.
    pub async fn list_namespaces(&self, page: Page) -> Result<Value, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, n.created_at, n.description, n.owner_name, s.events, s.run_events, s.last_event_at \
                 FROM namespaces n LEFT JOIN namespace_stats s ON s.namespace = n.name \
                 ORDER BY n.name LIMIT ? OFFSET ?",
                vec![page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let created: i64 = r.try_get(1)?;
            out.push(json!({
                "name": r.try_get::<String, _>(0)?,
                "createdAt": iso(Some(created)),
                "updatedAt": iso(r.try_get::<Option<i64>, _>(6)?.or(Some(created))),
                "description": r.try_get::<Option<String>, _>(2)?,
                "ownerName": r.try_get::<Option<String>, _>(3)?.unwrap_or_else(|| "anonymous".into()),
                "isHidden": false,
                "stats": {
                    "events": r.try_get::<Option<i64>, _>(4)?.unwrap_or(0),
                    "runEvents": r.try_get::<Option<i64>, _>(5)?.unwrap_or(0),
                },
            }));
        }
        let total = self
            .count("SELECT COUNT(*) FROM namespaces", vec![])
            .await?;
        Ok(json!({"totalCount": total, "namespaces": out}))
    }

    /// `GET /namespaces/{ns}`.
    pub async fn get_namespace(&self, ns: &str) -> Result<Option<Value>, StoreError> {
        let page = self
            .list_namespaces(Page {
                limit: i64::MAX / 2,
                offset: 0,
            })
            .await?;
        Ok(page["namespaces"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["name"] == ns).cloned()))
    }

    /// `GET /namespaces/{ns}/datasets`.
    pub async fn list_datasets(&self, ns: &str, page: Page) -> Result<Option<Value>, StoreError> {
        let Some(ns_id) = self.namespace_id(ns).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT id FROM datasets WHERE namespace_id = ? ORDER BY name LIMIT ? OFFSET ?",
                vec![ns_id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            if let Some(d) = self.dataset_by_id(r.try_get(0)?).await? {
                out.push(d);
            }
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM datasets WHERE namespace_id = ?",
                vec![ns_id.into()],
            )
            .await?;
        Ok(Some(json!({"totalCount": total, "datasets": out})))
    }

    async fn dataset_key(&self, ns: &str, name: &str) -> Result<Option<i64>, StoreError> {
        let rows = self
            .rows(
                "SELECT d.id FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE n.name = ? AND d.name = ?",
                vec![ns.into(), name.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Into::into)
    }

    /// `GET /namespaces/{ns}/datasets/{name}`.
    pub async fn get_dataset(&self, ns: &str, name: &str) -> Result<Option<Value>, StoreError> {
        match self.dataset_key(ns, name).await? {
            Some(id) => self.dataset_by_id(id).await,
            None => Ok(None),
        }
    }

    async fn dataset_by_id(&self, id: i64) -> Result<Option<Value>, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, d.name, d.type, d.source_name, d.description, d.lifecycle, d.current_version, d.created_at, d.updated_at \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let ns: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let version: i64 = r.try_get(6)?;
        let curated = self.curations(&[id]).await?.remove(&id).unwrap_or_default();
        let mut col_tags: HashMap<String, Vec<Value>> = HashMap::new();
        let mut ds_tags = Vec::new();
        for t in self
            .rows(
                "SELECT column_name, key, value, source, origin FROM tags WHERE dataset_id = ? ORDER BY column_name, key",
                vec![id.into()],
            )
            .await?
        {
            let column: String = t.try_get(0)?;
            let key: String = t.try_get(1)?;
            if column.is_empty() {
                ds_tags.push(Value::String(key));
            } else {
                col_tags.entry(column).or_default().push(Value::String(key));
            }
        }
        let fields: Vec<Value> = self
            .rows(
                "SELECT name, data_type, description FROM columns WHERE dataset_id = ? AND last_version = ? ORDER BY ordinal",
                vec![id.into(), version.into()],
            )
            .await?
            .into_iter()
            .map(|c| -> Result<Value, StoreError> {
                let field: String = c.try_get(0)?;
                Ok(json!({
                    "name": field,
                    "type": c.try_get::<Option<String>, _>(1)?,
                    "tags": col_tags.get(&field).cloned().unwrap_or_default(),
                    "description": curated.description(&field).map(str::to_owned)
                        .or(c.try_get::<Option<String>, _>(2)?),
                }))
            })
            .collect::<Result<_, _>>()?;
        let facets = self
            .facets(
                "SELECT key, value FROM dataset_facets WHERE dataset_id = ?",
                id,
            )
            .await?;
        let owners = match curated.owners() {
            Some(list) => list
                .into_iter()
                .map(|o| json!({"name": o.name, "type": o.owner_type}))
                .collect(),
            None => self.owners("dataset", id).await?,
        };
        let deprecation = curated.deprecation();
        let modified = self
            .rows(
                "SELECT MAX(r.ended_at) FROM run_io io JOIN runs r ON r.id = io.run_id \
                 WHERE io.dataset_id = ? AND io.direction = 'out' AND r.state = 'COMPLETE'",
                vec![id.into()],
            )
            .await?;
        let last_modified: Option<i64> = match modified.first() {
            Some(m) => m.try_get(0)?,
            None => None,
        };
        let lifecycle: Option<String> = r.try_get(5)?;
        Ok(Some(json!({
            "id": {"namespace": ns, "name": name},
            "type": r.try_get::<String, _>(2)?,
            "name": name,
            "physicalName": name,
            "createdAt": iso(Some(r.try_get(7)?)),
            "updatedAt": iso(Some(r.try_get(8)?)),
            "namespace": ns,
            "sourceName": r.try_get::<Option<String>, _>(3)?.unwrap_or_else(|| ns.clone()),
            "fields": fields,
            "tags": ds_tags,
            "owners": owners,
            "lastModifiedAt": iso(last_modified),
            "lastLifecycleState": lifecycle.clone().unwrap_or_default(),
            "description": curated.description("").map(str::to_owned)
                .or(r.try_get::<Option<String>, _>(4)?),
            "currentVersion": version,
            "deprecated": deprecation.as_ref().map(|d| json!({
                "note": d.note, "by": d.actor, "at": iso(Some(d.at)),
            })),
            "facets": facets,
            "deleted": lifecycle.as_deref() == Some("DROP"),
        })))
    }

    async fn facets(&self, sql: &str, id: i64) -> Result<Value, StoreError> {
        let mut map = Map::new();
        for f in self.rows(sql, vec![id.into()]).await? {
            let key: String = f.try_get(0)?;
            let text: String = f.try_get(1)?;
            let v = stored_facet(&key, &text);
            map.insert(key, v);
        }
        Ok(Value::Object(map))
    }

    async fn owners(&self, kind: &str, id: i64) -> Result<Vec<Value>, StoreError> {
        self.rows(
            "SELECT name, owner_type FROM owners WHERE entity_type = ? AND entity_id = ? ORDER BY name",
            vec![kind.into(), id.into()],
        )
        .await?
        .into_iter()
        .map(|o| Ok(json!({"name": o.try_get::<String, _>(0)?, "type": o.try_get::<Option<String>, _>(1)?})))
        .collect()
    }

    /// `GET /namespaces/{ns}/datasets/{name}/versions`: one entry per schema version.
    pub async fn dataset_versions(
        &self,
        ns: &str,
        name: &str,
        page: Page,
    ) -> Result<Option<Value>, StoreError> {
        let Some(id) = self.dataset_key(ns, name).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT version, fields, run_id, created_at FROM dataset_versions WHERE dataset_id = ? ORDER BY created_at DESC, version DESC LIMIT ? OFFSET ?",
                vec![id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let fields: String = r.try_get(1)?;
            let run: Option<String> = r.try_get(2)?;
            out.push(json!({
                "id": {"namespace": ns, "name": name},
                "name": name,
                "namespace": ns,
                "version": r.try_get::<i64, _>(0)?,
                "createdAt": iso(Some(r.try_get(3)?)),
                "fields": stored_facet("schema", &fields),
                "createdByRun": run.map(|id| json!({"id": id})),
            }));
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM dataset_versions WHERE dataset_id = ?",
                vec![id.into()],
            )
            .await?;
        Ok(Some(json!({"totalCount": total, "versions": out})))
    }

    /// `GET /namespaces/{ns}/jobs`.
    pub async fn list_jobs(&self, ns: &str, page: Page) -> Result<Option<Value>, StoreError> {
        let Some(ns_id) = self.namespace_id(ns).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT id FROM jobs WHERE namespace_id = ? ORDER BY name LIMIT ? OFFSET ?",
                vec![ns_id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            if let Some(j) = self.job_by_id(r.try_get(0)?).await? {
                out.push(j);
            }
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM jobs WHERE namespace_id = ?",
                vec![ns_id.into()],
            )
            .await?;
        Ok(Some(json!({"totalCount": total, "jobs": out})))
    }

    async fn job_key(&self, ns: &str, name: &str) -> Result<Option<i64>, StoreError> {
        let rows = self
            .rows(
                "SELECT j.id FROM jobs j JOIN namespaces n ON n.id = j.namespace_id WHERE n.name = ? AND j.name = ?",
                vec![ns.into(), name.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Into::into)
    }

    /// `GET /namespaces/{ns}/jobs/{name}`.
    pub async fn get_job(&self, ns: &str, name: &str) -> Result<Option<Value>, StoreError> {
        match self.job_key(ns, name).await? {
            Some(id) => self.job_by_id(id).await,
            None => Ok(None),
        }
    }

    /// A job by store id, as `GET /namespaces/{ns}/jobs/{name}` shows it.
    pub async fn job_by_id(&self, id: i64) -> Result<Option<Value>, StoreError> {
        self.job_with_io(id, None).await.map(|j| j.map(|(j, _)| j))
    }

    /// A job in Marquez's shape, listing at most `max_io` of its inputs and of its
    /// outputs (and of its latest run's) when given; the flag says whether any list was
    /// cut. A lineage answer shows a job among its neighbours and must not carry all
    /// 10,000 inputs of a wide one.
    async fn job_with_io(
        &self,
        id: i64,
        max_io: Option<usize>,
    ) -> Result<Option<(Value, bool)>, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, j.name, j.type, j.description, j.sql, j.created_at, j.updated_at \
                 FROM jobs j JOIN namespaces n ON n.id = j.namespace_id WHERE j.id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let ns: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        let mut cut = false;
        for direction in ["in", "out"] {
            // One row past the cap tells that the list was cut.
            let limit = max_io.map_or(i64::MAX, |m| m as i64 + 1);
            let list = if direction == "out" {
                &mut outputs
            } else {
                &mut inputs
            };
            for io in self
                .rows(
                    "SELECT n.name, d.name FROM job_io io JOIN datasets d ON d.id = io.dataset_id \
                     JOIN namespaces n ON n.id = d.namespace_id WHERE io.job_id = ? AND io.direction = ? \
                     ORDER BY n.name, d.name LIMIT ?",
                    vec![id.into(), direction.into(), limit.into()],
                )
                .await?
            {
                list.push(json!({"namespace": io.try_get::<String, _>(0)?, "name": io.try_get::<String, _>(1)?}));
            }
            if let Some(m) = max_io
                && list.len() > m
            {
                list.truncate(m);
                cut = true;
            }
        }
        let latest = self
            .rows(
                "SELECT id FROM runs WHERE job_id = ? ORDER BY COALESCE(started_at, ended_at, created_at) DESC, id DESC LIMIT 1",
                vec![id.into()],
            )
            .await?;
        let mut latest_run = match latest.first() {
            Some(l) => self.get_run(&l.try_get::<String, _>(0)?).await?,
            None => None,
        };
        if let (Some(m), Some(run)) = (max_io, latest_run.as_mut()) {
            for key in ["inputDatasetVersions", "outputDatasetVersions"] {
                if let Some(list) = run.get_mut(key).and_then(Value::as_array_mut)
                    && list.len() > m
                {
                    list.truncate(m);
                    cut = true;
                }
            }
        }
        let facets = self
            .facets("SELECT key, value FROM job_facets WHERE job_id = ?", id)
            .await?;
        let sql_lineage = self.job_sql_lineage(id).await?;
        let simple = name.rsplit('.').next().unwrap_or(&name).to_owned();
        let parent = name.rsplit_once('.').map(|(p, _)| p.to_owned());
        let job = json!({
            "id": {"namespace": ns, "name": name},
            "type": r.try_get::<Option<String>, _>(2)?.unwrap_or_else(|| "BATCH".into()),
            "name": name,
            "simpleName": simple,
            "parentJobName": parent,
            "createdAt": iso(Some(r.try_get(5)?)),
            "updatedAt": iso(Some(r.try_get(6)?)),
            "namespace": ns,
            "inputs": inputs,
            "outputs": outputs,
            "location": facets.pointer("/sourceCodeLocation/url").cloned(),
            "description": r.try_get::<Option<String>, _>(3)?,
            "sql": r.try_get::<Option<String>, _>(4)?,
            "owners": self.owners("job", id).await?,
            "latestRun": latest_run,
            "facets": facets,
            "sqlLineage": sql_lineage,
        });
        Ok(Some((job, cut)))
    }

    /// What the `sql_lineage` view made of a job's SQL facet; `null` before it ran (or
    /// for a job without SQL).
    async fn job_sql_lineage(&self, id: i64) -> Result<Value, StoreError> {
        let rows = self
            .rows(
                "SELECT dialect, statements, edges, errors, warnings, unresolved, seq, updated_at \
                 FROM job_sql_lineage WHERE job_id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(Value::Null);
        };
        let list = |i: usize| -> Result<Value, StoreError> {
            let text: String = r.try_get(i)?;
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
        };
        Ok(json!({
            "dialect": r.try_get::<String, _>(0)?,
            "statements": r.try_get::<i64, _>(1)?,
            "edges": r.try_get::<i64, _>(2)?,
            "errors": list(3)?,
            "warnings": list(4)?,
            "unresolved": list(5)?,
            "changeSeq": r.try_get::<i64, _>(6)?,
            "analyzedAt": iso(Some(r.try_get(7)?)),
        }))
    }

    /// `GET /namespaces/{ns}/jobs/{job}/runs`, newest first.
    pub async fn list_runs(
        &self,
        ns: &str,
        job: &str,
        page: Page,
    ) -> Result<Option<Value>, StoreError> {
        let Some(job_id) = self.job_key(ns, job).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT id FROM runs WHERE job_id = ? ORDER BY COALESCE(started_at, ended_at, created_at) DESC, id DESC LIMIT ? OFFSET ?",
                vec![job_id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            if let Some(run) = self.get_run(&r.try_get::<String, _>(0)?).await? {
                out.push(run);
            }
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM runs WHERE job_id = ?",
                vec![job_id.into()],
            )
            .await?;
        Ok(Some(json!({"totalCount": total, "runs": out})))
    }

    /// `GET /runs/{id}`; accepts the UUID or the id as the producer sent it.
    pub async fn get_run(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let rows = self
            .rows(
                "SELECT r.id, r.external_id, r.state, r.started_at, r.ended_at, r.nominal_start, r.nominal_end, \
                 r.parent_run_id, r.created_at, r.updated_at, n.name, j.name \
                 FROM runs r JOIN jobs j ON j.id = r.job_id JOIN namespaces n ON n.id = j.namespace_id \
                 WHERE r.id = ? OR r.external_id = ? LIMIT 1",
                vec![id.to_ascii_lowercase().into(), id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let run_id: String = r.try_get(0)?;
        let started: Option<i64> = r.try_get(3)?;
        let ended: Option<i64> = r.try_get(4)?;
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for io in self
            .rows(
                "SELECT n.name, d.name, io.direction, io.dataset_version FROM run_io io JOIN datasets d ON d.id = io.dataset_id \
                 JOIN namespaces n ON n.id = d.namespace_id WHERE io.run_id = ? ORDER BY n.name, d.name",
                vec![run_id.clone().into()],
            )
            .await?
        {
            let v = json!({
                "datasetVersionId": {
                    "namespace": io.try_get::<String, _>(0)?,
                    "name": io.try_get::<String, _>(1)?,
                    "version": io.try_get::<i64, _>(3)?,
                }
            });
            if io.try_get::<String, _>(2)? == "out" {
                outputs.push(v);
            } else {
                inputs.push(v);
            }
        }
        let mut facets = Map::new();
        for f in self
            .rows(
                "SELECT key, value FROM run_facets WHERE run_id = ?",
                vec![run_id.clone().into()],
            )
            .await?
        {
            let key: String = f.try_get(0)?;
            let text: String = f.try_get(1)?;
            let v = stored_facet(&key, &text);
            facets.insert(key, v);
        }
        Ok(Some(json!({
            "id": run_id,
            "externalId": r.try_get::<String, _>(1)?,
            "createdAt": iso(Some(r.try_get(8)?)),
            "updatedAt": iso(Some(r.try_get(9)?)),
            "nominalStartTime": iso(r.try_get(5)?),
            "nominalEndTime": iso(r.try_get(6)?),
            "state": r.try_get::<Option<String>, _>(2)?.unwrap_or_else(|| "NEW".into()),
            "startedAt": iso(started),
            "endedAt": iso(ended),
            "durationMs": match (started, ended) { (Some(s), Some(e)) => json!((e - s) / 1000), _ => Value::Null },
            "args": {},
            "jobId": {"namespace": r.try_get::<String, _>(10)?, "name": r.try_get::<String, _>(11)?},
            "parentRunId": r.try_get::<Option<String>, _>(7)?,
            "inputDatasetVersions": inputs,
            "outputDatasetVersions": outputs,
            "facets": facets,
        })))
    }

    /// The warnings recorded against each of `seqs`, as (path, message).
    pub async fn change_warnings(
        &self,
        seqs: &[i64],
    ) -> Result<HashMap<i64, Vec<(String, String)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        let mut conn = self.pool().acquire().await?;
        for chunk in seqs.chunks(500) {
            let sql = format!(
                "SELECT seq, path, message FROM change_warnings WHERE seq IN {}",
                super::bulk::in_list(self.backend(), 0, chunk.len())
            );
            let binds = chunk.iter().map(|&s| Val::I64(s)).collect();
            for r in super::bulk::fetch(&mut conn, sql, binds).await? {
                out.entry(r.try_get(0)?)
                    .or_default()
                    .push((r.try_get(1)?, r.try_get(2)?));
            }
        }
        Ok(out)
    }

    /// One node of a lineage answer: its key (`dataset:NS:NAME`), and Marquez's
    /// `{"type", "data"}`; `None` when it is gone.
    async fn lineage_node(&self, v: Vertex) -> Result<Option<LineageNode>, StoreError> {
        let mut cut = false;
        let (key, data, ty) = match v {
            Vertex::Dataset(id) => {
                let Some(d) = self.dataset_by_id(id).await? else {
                    return Ok(None);
                };
                (
                    format!(
                        "dataset:{}:{}",
                        d["namespace"].as_str().unwrap_or(""),
                        d["name"].as_str().unwrap_or("")
                    ),
                    d,
                    "DATASET",
                )
            }
            Vertex::Job(id) => {
                let Some((j, job_cut)) = self.job_with_io(id, Some(LINEAGE_MAX_NODES)).await?
                else {
                    return Ok(None);
                };
                cut = job_cut;
                (
                    format!(
                        "job:{}:{}",
                        j["namespace"].as_str().unwrap_or(""),
                        j["name"].as_str().unwrap_or("")
                    ),
                    j,
                    "JOB",
                )
            }
        };
        Ok(Some((v, key, json!({"type": ty, "data": data}), cut)))
    }

    /// `GET /lineage?nodeId=…&depth=N`: datasets and jobs within `depth` job hops of the
    /// node, as Marquez's `{"graph": [node…]}`.
    pub async fn lineage(&self, node: &NodeId, depth: u32) -> Result<Option<Value>, StoreError> {
        let start = match node {
            NodeId::Dataset { namespace, name } => match self.dataset_key(namespace, name).await? {
                Some(id) => Vertex::Dataset(id),
                None => return Ok(None),
            },
            NodeId::Job { namespace, name } => match self.job_key(namespace, name).await? {
                Some(id) => Vertex::Job(id),
                None => return Ok(None),
            },
            NodeId::DatasetField { .. } => return Ok(None),
        };
        // Breadth-first over job_io: dataset → jobs that read/write it → their datasets.
        // Nearest first, at most LINEAGE_MAX_NODES nodes: a dataset read by a job of
        // 10,000 inputs would otherwise load every sibling (and, one hop further, every
        // sibling's jobs) for a depth-1 answer.
        let mut seen: HashSet<Vertex> = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0u32)]);
        let mut edges: HashSet<(Vertex, Vertex)> = HashSet::new();
        let mut truncated = false;
        // One more row than can fit tells that a neighbourhood did not fit.
        let per_vertex = LINEAGE_MAX_NODES + 1;
        while let Some((v, d)) = queue.pop_front() {
            let (sql, id) = match v {
                // A dataset at the depth bound leads only to jobs past it; its edges to
                // jobs inside are found from those jobs.
                Vertex::Dataset(_) if d >= depth => continue,
                Vertex::Dataset(id) => (
                    "SELECT job_id, dataset_id, direction FROM job_io WHERE dataset_id = ? LIMIT ?",
                    id,
                ),
                Vertex::Job(id) => (
                    "SELECT job_id, dataset_id, direction FROM job_io WHERE job_id = ? LIMIT ?",
                    id,
                ),
            };
            if seen.len() >= LINEAGE_MAX_NODES {
                // Full: expanding further could only add nodes that do not fit.
                truncated = true;
                break;
            }
            let rows = self
                .rows(sql, vec![id.into(), (per_vertex as i64).into()])
                .await?;
            truncated |= rows.len() >= per_vertex;
            for r in rows {
                let job = Vertex::Job(r.try_get(0)?);
                let ds = Vertex::Dataset(r.try_get(1)?);
                let out = r.try_get::<String, _>(2)? == "out";
                let next = if matches!(v, Vertex::Dataset(_)) {
                    job
                } else {
                    ds
                };
                // A job is half a hop: depth counts jobs between datasets, as Marquez does.
                let nd = if matches!(next, Vertex::Job(_)) {
                    d + 1
                } else {
                    d
                };
                if nd > depth {
                    continue;
                }
                if !seen.contains(&next) {
                    if seen.len() >= LINEAGE_MAX_NODES {
                        truncated = true;
                        continue;
                    }
                    seen.insert(next);
                    queue.push_back((next, nd));
                }
                edges.insert(if out { (job, ds) } else { (ds, job) });
            }
        }
        // Nodes load a few at a time: each is several small queries, and the pool has
        // more than one reader.
        use futures_util::StreamExt as _;
        let loaded: Vec<Result<Option<LineageNode>, StoreError>> =
            futures_util::stream::iter(seen.iter().copied())
                .map(|v| self.lineage_node(v))
                .buffer_unordered(LINEAGE_LOAD_CONCURRENCY)
                .collect()
                .await;
        let mut ids: BTreeMap<Vertex, (String, Value)> = BTreeMap::new();
        for node in loaded {
            if let Some((v, key, node, cut)) = node? {
                truncated |= cut;
                ids.insert(v, (key, node));
            }
        }
        // Each node's edges by lookup, not by a scan of all edges per node (which was
        // quadratic: 10,000 nodes × 10,000 edges).
        let mut ins: HashMap<Vertex, Vec<Value>> = HashMap::new();
        let mut outs: HashMap<Vertex, Vec<Value>> = HashMap::new();
        for (from, to) in &edges {
            let (Some((from_key, _)), Some((to_key, _))) = (ids.get(from), ids.get(to)) else {
                continue;
            };
            let edge = json!({"origin": from_key, "destination": to_key});
            outs.entry(*from).or_default().push(edge.clone());
            ins.entry(*to).or_default().push(edge);
        }
        let by_key = |a: &Value, b: &Value| {
            (a["origin"].as_str(), a["destination"].as_str())
                .cmp(&(b["origin"].as_str(), b["destination"].as_str()))
        };
        let mut graph = Vec::new();
        for (v, (key, node)) in &ids {
            let mut node_ins = ins.remove(v).unwrap_or_default();
            let mut node_outs = outs.remove(v).unwrap_or_default();
            node_ins.sort_by(by_key);
            node_outs.sort_by(by_key);
            graph.push(json!({"id": key, "type": node["type"], "data": node["data"], "inEdges": node_ins, "outEdges": node_outs}));
        }
        graph.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        if truncated {
            // Marquez's shape plus two keys its clients ignore: the graph holds the
            // nearest nodes only, and may lack edges among them past the cut.
            return Ok(Some(
                json!({"graph": graph, "truncated": true, "maxNodes": LINEAGE_MAX_NODES}),
            ));
        }
        Ok(Some(json!({"graph": graph})))
    }

    /// `GET /column-lineage?nodeId=…&depth=N&withDownstream=…`: columns within `depth`
    /// edges upstream (and downstream when asked) of a column, or of every column of a
    /// dataset, with each edge's transformations.
    pub async fn column_lineage(
        &self,
        node: &NodeId,
        depth: u32,
        downstream: bool,
    ) -> Result<Option<Value>, StoreError> {
        let (ds, field) = match node {
            NodeId::Dataset { namespace, name } => (self.dataset_key(namespace, name).await?, None),
            NodeId::DatasetField {
                namespace,
                name,
                field,
            } => (
                self.dataset_key(namespace, name).await?,
                Some(field.clone()),
            ),
            NodeId::Job { .. } => return Ok(None),
        };
        let Some(ds) = ds else { return Ok(None) };
        let mut frontier: Vec<(i64, String)> = match field {
            Some(f) => vec![(ds, f)],
            None => {
                let mut cols: Vec<(i64, String)> = self
                    .rows(
                        "SELECT c.name FROM columns c JOIN datasets d ON d.id = c.dataset_id WHERE c.dataset_id = ? AND c.last_version = d.current_version",
                        vec![ds.into()],
                    )
                    .await?
                    .into_iter()
                    .map(|r| r.try_get::<String, _>(0).map(|c| (ds, c)))
                    .collect::<Result<_, _>>()?;
                for r in self
                    .rows("SELECT DISTINCT dst_column FROM column_edges WHERE dst_dataset_id = ? AND dst_column <> ''", vec![ds.into()])
                    .await?
                {
                    let c: String = r.try_get(0)?;
                    if !cols.iter().any(|(_, x)| *x == c) {
                        cols.push((ds, c));
                    }
                }
                cols
            }
        };
        let mut seen: HashSet<(i64, String)> = frontier.iter().cloned().collect();
        // (src, dst) → origin → (transformations, description). The producer's edge and
        // the one derived from SQL are both kept; the producer's speaks for the pair.
        let mut edges: EdgesByOrigin = BTreeMap::new();
        // Pairs a producer stated for the field itself, and pairs that come from the
        // dataset level (columnLineage's `dataset` list, and INDIRECT uses Weft lifted
        // there because the producer repeated them on every field): those are inputs of
        // every field too, and a field's answer lists them, marked, with their
        // transformations (INDIRECT/FILTER, JOIN …) saying what each is.
        let mut field_level: HashSet<(Column, Column)> = HashSet::new();
        let mut dataset_level: HashSet<(Column, Column)> = HashSet::new();
        for _ in 0..depth.max(1) {
            let mut next = Vec::new();
            for (d, c) in &frontier {
                let mut queries = vec![
                    (
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE dst_dataset_id = ? AND dst_column = ?",
                        true,
                        vec![(*d).into(), c.clone().into()],
                    ),
                    (
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE dst_dataset_id = ? AND dst_column = ''",
                        true,
                        vec![(*d).into()],
                    ),
                ];
                if downstream {
                    queries.push((
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE src_dataset_id = ? AND src_column = ? AND dst_column <> ''",
                        false,
                        vec![(*d).into(), c.clone().into()],
                    ));
                }
                for (sql, up, binds) in queries {
                    for r in self.rows(sql, binds).await? {
                        let src = (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?);
                        let mut dst = (r.try_get::<i64, _>(2)?, r.try_get::<String, _>(3)?);
                        let t: String = r.try_get(4)?;
                        let t = serde_json::from_str(&t).unwrap_or(Value::Array(Vec::new()));
                        let origin: String = r.try_get(6)?;
                        let stated_for_dataset = dst.1.is_empty();
                        if stated_for_dataset {
                            dst.1.clone_from(c);
                        }
                        let pair = (src.clone(), dst.clone());
                        if stated_for_dataset {
                            dataset_level.insert(pair.clone());
                        } else {
                            field_level.insert(pair.clone());
                        }
                        merge_edge(edges.entry(pair).or_default(), origin, t, r.try_get(5)?);
                        let other = if up { src } else { dst };
                        if seen.insert(other.clone()) {
                            next.push(other);
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        let mut names: HashMap<i64, (String, String)> = HashMap::new();
        for (d, _) in &seen {
            if names.contains_key(d) {
                continue;
            }
            let r = self
                .rows("SELECT n.name, d.name FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id = ?", vec![(*d).into()])
                .await?;
            if let Some(r) = r.first() {
                names.insert(*d, (r.try_get(0)?, r.try_get(1)?));
            }
        }
        let key = |c: &(i64, String)| {
            let (ns, name) = names.get(&c.0).cloned().unwrap_or_default();
            format!("datasetField:{ns}:{name}:{}", c.1)
        };
        // Ordered by name, never by id: ids count datasets in the order Weft learned of
        // them, and the answer must not depend on the order events arrived in.
        let mut graph = Vec::new();
        let mut sorted: Vec<&(i64, String)> = seen.iter().collect();
        sorted.sort_by_key(|c| key(c));
        for col in sorted {
            let (ns, name) = names.get(&col.0).cloned().unwrap_or_default();
            let mut into: Vec<_> = edges.iter().filter(|((_, dst), _)| dst == col).collect();
            into.sort_by_key(|((src, _), _)| key(src));
            let inputs: Vec<Value> = into
                .into_iter()
                .map(|((src, _), by_origin)| {
                    let (sns, sname) = names.get(&src.0).cloned().unwrap_or_default();
                    let (t, desc) = by_origin
                        .get(DECLARED)
                        .or_else(|| by_origin.values().next())
                        .cloned()
                        .unwrap_or((Value::Array(Vec::new()), None));
                    // Marked only where nothing was stated for the field itself: an
                    // input that is both (a GROUP BY key that is also selected) is the
                    // field's own, its transformations merged.
                    let pair = (src.clone(), col.clone());
                    let only_dataset_level =
                        dataset_level.contains(&pair) && !field_level.contains(&pair);
                    json!({"namespace": sns, "dataset": sname, "field": src.1,
                           "transformationType": legacy_type(&t), "transformations": t,
                           "transformationDescription": desc,
                           "datasetLevel": only_dataset_level,
                           "edgeOrigins": by_origin.keys().collect::<Vec<_>>()})
                })
                .collect();
            let disagreement = disagreement(&edges, &field_level, col, &key);
            let field_type = self
                .rows(
                    "SELECT data_type FROM columns WHERE dataset_id = ? AND name = ?",
                    vec![col.0.into(), col.1.clone().into()],
                )
                .await?
                .first()
                .map(|r| r.try_get::<Option<String>, _>(0))
                .transpose()?
                .flatten();
            let first = inputs.first().cloned().unwrap_or(Value::Null);
            graph.push(json!({
                "id": key(col),
                "type": "DATASET_FIELD",
                "data": {
                    "namespace": ns, "dataset": name, "field": col.1, "fieldType": field_type,
                    "transformationDescription": first.get("transformationDescription").cloned().unwrap_or(Value::Null),
                    "transformationType": first.get("transformationType").cloned().unwrap_or(Value::Null),
                    "inputFields": inputs,
                    "lineageDisagreement": disagreement,
                },
                "inEdges": sorted_edges(edges.keys().filter(|(_, d)| d == col && names.contains_key(&col.0)), &key),
                "outEdges": sorted_edges(edges.keys().filter(|(s, _)| s == col), &key),
            }));
        }
        Ok(Some(json!({"graph": graph})))
    }
}

/// Marquez's `{origin, destination}` edge list, ordered by name.
fn sorted_edges<'a>(
    edges: impl Iterator<Item = &'a (Column, Column)>,
    key: &impl Fn(&Column) -> String,
) -> Vec<Value> {
    let mut out: Vec<(String, String)> = edges.map(|(s, d)| (key(s), key(d))).collect();
    out.sort();
    out.into_iter()
        .map(|(origin, destination)| json!({"origin": origin, "destination": destination}))
        .collect()
}

/// The origin of edges a producer declared in its columnLineage facet.
const DECLARED: &str = "openlineage";

/// Where the producer's DIRECT sources of `col` and those its job's SQL implies differ
/// (`null` when they agree or only one side speaks). Such an edge is kept from both
/// sides rather than one overwriting the other, and this says so next to the column.
fn disagreement(
    edges: &EdgesByOrigin,
    field_level: &HashSet<(Column, Column)>,
    col: &Column,
    key: &impl Fn(&Column) -> String,
) -> Value {
    // A declared input without transformations is taken as direct: that is what the
    // producers that omit them (dbt, older Spark) mean.
    let direct = |t: &Value| {
        t.as_array()
            .is_none_or(|a| a.is_empty() || a.iter().any(|x| x["type"] == "DIRECT"))
    };
    let mut declared = Vec::new();
    let mut derived = Vec::new();
    for ((src, dst), by_origin) in edges {
        // Dataset-level uses (filters, joins) are not a column's direct sources.
        if dst != col || !field_level.contains(&(src.clone(), dst.clone())) {
            continue;
        }
        if by_origin.get(DECLARED).is_some_and(|(t, _)| direct(t)) {
            declared.push(src);
        }
        if by_origin.get("sql").is_some_and(|(t, _)| direct(t)) {
            derived.push(src);
        }
    }
    let speaks = |origin: &str| {
        edges
            .iter()
            .any(|((_, d), o)| d == col && o.contains_key(origin))
    };
    if !speaks(DECLARED) || !speaks("sql") || declared == derived {
        return Value::Null;
    }
    let only = |a: &[&Column], b: &[&Column]| -> Vec<String> {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(|x| key(x))
            .collect()
    };
    json!({
        "declaredOnly": only(&declared, &derived),
        "sqlOnly": only(&derived, &declared),
    })
}

/// Marquez's single `transformationType` for an edge: IDENTITY when every
/// transformation is DIRECT/IDENTITY, else TRANSFORMATION.
fn legacy_type(t: &Value) -> Value {
    let all_identity = t.as_array().is_some_and(|a| {
        !a.is_empty()
            && a.iter()
                .all(|x| x["type"] == "DIRECT" && x["subtype"] == "IDENTITY")
    });
    Value::from(if all_identity {
        "IDENTITY"
    } else {
        "TRANSFORMATION"
    })
}

/// A column as (dataset id, column name).
type Column = (i64, String);

/// (source, target) → origin → (transformations, description).
type EdgesByOrigin = BTreeMap<(Column, Column), BTreeMap<String, (Value, Option<String>)>>;

/// Adds one stored edge's transformations to a pair's, per origin. A pair may be stated
/// twice by one origin (for the field, and at the dataset level): both sets of
/// transformations are kept, the field's first, so neither use hides the other.
fn merge_edge(
    by_origin: &mut BTreeMap<String, (Value, Option<String>)>,
    origin: String,
    t: Value,
    description: Option<String>,
) {
    match by_origin.get_mut(&origin) {
        Some((have, desc)) => {
            if let (Some(have), Some(new)) = (have.as_array_mut(), t.as_array()) {
                for x in new {
                    if !have.contains(x) {
                        have.push(x.clone());
                    }
                }
            }
            if desc.is_none() {
                *desc = description;
            }
        }
        None => {
            by_origin.insert(origin, (t, description));
        }
    }
}

/// Most nodes (datasets and jobs) in one `GET /api/v1/lineage` answer: 500.
///
/// Each node is loaded whole (a dataset with its fields and facets), so the answer's
/// size and time grow with its nodes; a job of 10,000 inputs would otherwise put 10,000
/// datasets into the depth-1 lineage of any one of them. Nodes are kept nearest first
/// and a cut answer says `"truncated": true`. Loading a node costs a few queries, so
/// 500 keeps the answer around a second; it is more than a lineage diagram can show
/// legibly.
pub const LINEAGE_MAX_NODES: usize = 500;

/// A loaded node of a lineage answer: the vertex, its key, `{"type", "data"}`, and
/// whether a job's input or output lists were cut to [`LINEAGE_MAX_NODES`].
type LineageNode = (Vertex, String, Value, bool);

/// Lineage nodes loaded at once.
const LINEAGE_LOAD_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Vertex {
    Dataset(i64),
    Job(i64),
}

/// A Marquez node id: `dataset:NS:NAME`, `job:NS:NAME`, `datasetField:NS:NAME:FIELD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeId {
    /// A dataset.
    Dataset {
        /// Namespace (may itself contain `:`).
        namespace: String,
        /// Dataset name.
        name: String,
    },
    /// A job.
    Job {
        /// Namespace.
        namespace: String,
        /// Job name.
        name: String,
    },
    /// A dataset's column.
    DatasetField {
        /// Namespace.
        namespace: String,
        /// Dataset name.
        name: String,
        /// Column.
        field: String,
    },
}

impl NodeId {
    /// Parses a node id as Marquez does. Namespaces are URIs and may contain `:`
    /// (`postgres://db:5432`), so the *last* colon separates the name (and for a field the
    /// last two); a namespace's `scheme://host:port` is recognised so that a port is not
    /// taken for a name.
    pub fn parse(s: &str) -> Option<NodeId> {
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "dataset" | "job" => {
                let (namespace, name) = split_ns(rest, 1)?;
                let name = name.into_iter().next()?;
                Some(if kind == "dataset" {
                    NodeId::Dataset { namespace, name }
                } else {
                    NodeId::Job { namespace, name }
                })
            }
            "datasetField" => {
                let (namespace, mut parts) = split_ns(rest, 2)?;
                let field = parts.pop()?;
                let name = parts.pop()?;
                Some(NodeId::DatasetField {
                    namespace,
                    name,
                    field,
                })
            }
            _ => None,
        }
    }
}

/// Splits `ns:part1[:part2]` where `ns` may contain colons: the trailing `n` parts are
/// taken from the right.
fn split_ns(rest: &str, n: usize) -> Option<(String, Vec<String>)> {
    let mut parts = Vec::new();
    let mut head = rest;
    for _ in 0..n {
        let (h, t) = head.rsplit_once(':')?;
        parts.push(t.to_owned());
        head = h;
    }
    parts.reverse();
    if head.is_empty() || parts.iter().any(String::is_empty) {
        return None;
    }
    // `postgres://db:5432:orders` splits fine from the right; but a name cannot be
    // all digits right after `//host`, which means the split fell inside the authority.
    Some((head.to_owned(), parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_with_colons_in_namespace() {
        assert_eq!(
            NodeId::parse("dataset:postgres://db:5432:shop.public.orders"),
            Some(NodeId::Dataset {
                namespace: "postgres://db:5432".into(),
                name: "shop.public.orders".into()
            })
        );
        assert_eq!(
            NodeId::parse("datasetField:postgres://db:5432:shop.public.orders:id"),
            Some(NodeId::DatasetField {
                namespace: "postgres://db:5432".into(),
                name: "shop.public.orders".into(),
                field: "id".into()
            })
        );
        assert_eq!(
            NodeId::parse("job:my-ns:etl.daily"),
            Some(NodeId::Job {
                namespace: "my-ns".into(),
                name: "etl.daily".into()
            })
        );
        assert_eq!(NodeId::parse("dataset:nons"), None);
        assert_eq!(NodeId::parse("table:a:b"), None);
    }

    #[test]
    fn legacy_type_is_identity_only_for_pure_identity() {
        assert_eq!(
            legacy_type(&json!([{"type":"DIRECT","subtype":"IDENTITY"}])),
            "IDENTITY"
        );
        assert_eq!(
            legacy_type(&json!([{"type":"DIRECT","subtype":"AGGREGATION"}])),
            "TRANSFORMATION"
        );
    }

    #[test]
    fn unreadable_stored_facets_are_replaced_not_fatal() {
        assert_eq!(stored_facet("ok", r#"{"v":1}"#), json!({"v": 1}));
        let overflow = stored_facet("x", r#"{"x":1e999}"#);
        assert!(
            overflow["_error"]
                .as_str()
                .is_some_and(|e| e.starts_with("unreadable facet: number out of range")),
            "{overflow}"
        );
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let deep = stored_facet("deep", &deep);
        assert!(
            deep["_error"]
                .as_str()
                .is_some_and(|e| e.contains("recursion limit")),
            "{deep}"
        );
    }
}
