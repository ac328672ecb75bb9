// What decides whether to use a dataset, before any tab: what and where it is, who
// owns it, how trusted (tier) and fresh (last written) it is, whether it holds personal
// data, how it is classified and how long it is kept, and whether it is deprecated or
// gone. Writers edit description, owners, tier, classification, retention, tags and
// deprecation in place here.
import { PiiBadge, RelativeTime, TierBadge } from "../../components/common";
import { datasetPath, Link } from "../../router";
import {
  ClassificationEditor,
  DatasetDescription,
  DatasetTagsEditor,
  DeprecationEditor,
  OwnersEditor,
  RetentionEditor,
  TierEditor,
} from "./edit";
import { DottedName } from "../../components/dotted-name";
import { datasetType } from "./format";
import type { DatasetHeaderQuery } from "../../gql/graphql";

type HeaderData = NonNullable<DatasetHeaderQuery["dataset"]>;

/** A deprecation note usually names what to use instead (`Replaced by analytics.marts.x`):
 * dotted names of three parts or more become links to that dataset in this namespace. */
function NoteWithLinks({ note, namespace }: { note: string; namespace: string }) {
  const parts = note.split(/(\b[A-Za-z_][\w$-]*(?:\.[A-Za-z_][\w$-]*){2,}\b)/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <Link key={i} to={datasetPath(namespace, p)}>
            {p}
          </Link>
        ) : (
          p
        ),
      )}
    </>
  );
}

export function DatasetHeader({
  d,
  classifications,
  canWrite,
  updatedNotice,
}: {
  d: HeaderData;
  classifications: string[];
  canWrite: boolean;
  updatedNotice: boolean;
}) {
  const tags = d.tags.filter((t) => t.key !== "tier");
  return (
    <header className="ds-header">
      <p className="ds-kicker">
        {d.platform && (
          <Link to={`/?platform=${encodeURIComponent(d.platform)}`} title={`Search ${d.platform} datasets`}>
            {d.platform}
          </Link>
        )}
        {d.platform && " · "}
        <span>{datasetType(d.type)}</span>
        {" · "}
        <span className="ds-ns" title="Namespace">
          {d.namespace}
        </span>
      </p>
      <div className="ds-title">
        <h1 data-testid="dataset-name">
          <DottedName name={d.name} />
        </h1>
        <span className="ds-badges">
          <TierBadge tier={d.tier} />
          <PiiBadge tags={d.piiTags} />
          {d.deprecation && <span className="badge badge-warn">Deprecated</span>}
          {d.deleted && <span className="badge ds-badge-deleted">Deleted at source</span>}
        </span>
        <span className="ds-updated" role="status" aria-live="polite">
          {updatedNotice ? "Updated just now" : ""}
        </span>
      </div>

      {d.deprecation && (
        <div className="notice ds-banner" role="note" data-testid="deprecation">
          <strong>Deprecated</strong> by {d.deprecation.by}
          {d.deprecation.at && (
            <>
              {" "}
              <RelativeTime at={d.deprecation.at} />
            </>
          )}
          {d.deprecation.note ? (
            <>
              : <NoteWithLinks note={d.deprecation.note} namespace={d.namespace} />
            </>
          ) : (
            "."
          )}
        </div>
      )}
      {d.deleted && (
        <div className="notice ds-banner ds-banner-deleted" role="note">
          <strong>Deleted at source.</strong> The source no longer has this dataset
          {d.lifecycleState ? ` (last lifecycle change: ${d.lifecycleState})` : ""}; its schema, lineage and history stay here.
        </div>
      )}

      <DatasetDescription value={d.description} canWrite={canWrite} />

      <dl className="ds-facts">
        <div>
          <dt>Owners</dt>
          <dd>
            <OwnersEditor owners={d.owners} canWrite={canWrite} />
          </dd>
        </div>
        <div>
          <dt>Tier</dt>
          <dd data-testid="tier">{canWrite ? <TierEditor tier={d.tier} /> : d.tier ? <TierBadge tier={d.tier} /> : <span className="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Classification</dt>
          <dd data-testid="classification">
            {canWrite ? (
              <ClassificationEditor classification={d.classification} allowed={classifications} />
            ) : (
              (d.classification ?? <span className="muted">none</span>)
            )}
          </dd>
        </div>
        <div>
          <dt>Retention</dt>
          <dd data-testid="retention">
            {canWrite ? <RetentionEditor retention={d.retention} /> : (d.retention ?? <span className="muted">none</span>)}
          </dd>
        </div>
        <div>
          <dt>Last written</dt>
          <dd>
            <RelativeTime at={d.lastModifiedAt} empty="no completed run yet" />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd className="ds-status">
            {d.deleted ? "Deleted at source" : d.deprecation ? "Deprecated" : "Active"}
            {canWrite && <DeprecationEditor deprecated={Boolean(d.deprecation)} />}
          </dd>
        </div>
        <div>
          <dt>Schema</dt>
          <dd>{d.currentVersion > 0 ? `version ${d.currentVersion}` : <span className="muted">not seen yet</span>}</dd>
        </div>
        <div className="ds-facts-wide">
          <dt>Tags</dt>
          <dd>
            <DatasetTagsEditor tags={tags} canWrite={canWrite} />
          </dd>
        </div>
      </dl>
    </header>
  );
}
