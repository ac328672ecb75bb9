// The dataset page: a header with what decides whether to use the dataset, then one
// tab per question (its columns and why they are tagged, where it comes from and goes,
// who reads it, which jobs write it, how it changed). The tab is part of the URL so a
// link can point at it. The header and the open tab load in parallel, so a wide table's
// columns are not held up behind the header. Edits and live changes both bump one
// refresh key that every part refetches on (see context.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { graphql } from "../../gql";
import { useQuery } from "../../api/useQuery";
import { useViewer } from "../../auth/viewer";
import { ErrorMessage, Loading } from "../../components/common";
import { datasetPath, Link, match, type DatasetTab } from "../../router";
import { DatasetContext, useDataset, useRefetchOnRefresh, type DatasetRef } from "./context";
import { DatasetHeader } from "./Header";
import { useDatasetChanges } from "./live";
import { prefetchColumns, SchemaTab } from "./SchemaTab";
import { LineageTab } from "./LineageTab";
import { UsageTab } from "./UsageTab";
import { JobsTab } from "./JobsTab";
import { HistoryTab } from "./HistoryTab";
import "./dataset.css";

const DatasetHeaderQuery = graphql(`
  query DatasetHeader($namespace: String!, $name: String!) {
    governance {
      classifications
    }
    dataset(namespace: $namespace, name: $name) {
      id
      namespace
      name
      type
      platform
      description
      deleted
      lifecycleState
      lastModifiedAt
      currentVersion
      tier
      classification
      retention
      piiTags
      deprecation {
        note
        by
        at
      }
      owners {
        name
        type
      }
      tags {
        key
        value
        origin
      }
    }
  }
`);

const TABS: { tab: DatasetTab; label: string }[] = [
  { tab: "schema", label: "Schema" },
  { tab: "lineage", label: "Lineage" },
  { tab: "usage", label: "Usage" },
  { tab: "jobs", label: "Jobs and runs" },
  { tab: "history", label: "History" },
];

// Opened straight on a schema (a link, a reload): ask for the columns now, while React
// is still revealing this lazily loaded page.
const opened = match(window.location.pathname);
if (opened.page === "dataset" && opened.tab === "schema") prefetchColumns(opened.namespace, opened.name);

/** How long "Updated just now" stays after a live change. */
const NOTICE_MS = 8000;
/** Live changes this soon after an edit made on this page are taken to be that edit. */
const OWN_EDIT_MS = 3000;

export default function DatasetPage({ namespace, name, tab }: { namespace: string; name: string; tab: DatasetTab }) {
  const [refreshKey, setRefreshKey] = useState(0);
  const lastEdit = useRef(0);
  // Edits made here refresh through the context; their own change-log entries, arriving
  // live a moment later, refetch again but do not announce "Updated just now".
  const refresh = useCallback(() => {
    lastEdit.current = Date.now();
    setRefreshKey((k) => k + 1);
  }, []);
  const ctx = useMemo<DatasetRef>(() => ({ namespace, name, refreshKey, refresh }), [namespace, name, refreshKey, refresh]);

  const [notice, setNotice] = useState(false);
  const noticeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useDatasetChanges(namespace, name, () => {
    setRefreshKey((k) => k + 1);
    if (Date.now() - lastEdit.current < OWN_EDIT_MS) return;
    setNotice(true);
    clearTimeout(noticeTimer.current);
    noticeTimer.current = setTimeout(() => setNotice(false), NOTICE_MS);
  });
  useEffect(() => () => clearTimeout(noticeTimer.current), []);

  useEffect(() => {
    document.title = `${name} · Weft`;
  }, [name]);

  return (
    <DatasetContext.Provider value={ctx}>
      <div className="dataset-page">
        <Page tab={tab} notice={notice} />
      </div>
    </DatasetContext.Provider>
  );
}

function Page({ tab, notice }: { tab: DatasetTab; notice: boolean }) {
  const viewer = useViewer();
  const { namespace, name } = useDataset();
  const header = useQuery(DatasetHeaderQuery, { namespace, name });
  useRefetchOnRefresh(header.refetch);

  if (header.data && header.data.dataset === null) {
    const short = name.split(".").pop() ?? name;
    return (
      <section aria-labelledby="ds-missing">
        <h1 id="ds-missing">Dataset not found</h1>
        <p data-testid="dataset-missing">
          No dataset named <code>{name}</code> in <code>{namespace}</code>.{" "}
          <Link to={`/?q=${encodeURIComponent(short)}`}>Search the catalog for “{short}”</Link>.
        </p>
      </section>
    );
  }

  return (
    <>
      {header.data?.dataset ? (
        <DatasetHeader
          d={header.data.dataset}
          classifications={header.data.governance.classifications}
          canWrite={viewer.can("write")}
          updatedNotice={notice}
        />
      ) : header.error ? (
        <ErrorMessage error={header.error} onRetry={header.refetch} />
      ) : (
        <Loading what="the dataset" />
      )}
      <nav className="tabs ds-tabs" aria-label="Dataset sections">
        {TABS.map((t) => (
          <Link key={t.tab} to={datasetPath(namespace, name, t.tab)} aria-current={t.tab === tab ? "page" : undefined} data-tab={t.tab}>
            {t.label}
          </Link>
        ))}
      </nav>
      <section className="ds-panel" aria-label={TABS.find((t) => t.tab === tab)?.label}>
        {tab === "schema" && <SchemaTab />}
        {tab === "lineage" && <LineageTab />}
        {tab === "usage" && <UsageTab />}
        {tab === "jobs" && <JobsTab />}
        {tab === "history" && <HistoryTab />}
      </section>
    </>
  );
}
