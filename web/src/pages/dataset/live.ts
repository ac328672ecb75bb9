// Live refresh: the change log names a dataset's own events and edits
// `dataset:NS:NAME` and anything about one of its columns (edits, reviews)
// `column:NS:NAME:FIELD` (schemas/src/change.rs, ingest/src/openlineage.rs). One
// subscription per prefix; the dataset prefix also matches `NAME_v2`, so entities are
// checked exactly here. Bursts (a pipeline writing many events) become one refetch.
import { useEffect, useRef } from "react";
import { graphql } from "../../gql";
import { liveClient } from "../../api/live";

const DatasetChangesSubscription = graphql(`
  subscription DatasetChanges($filter: ChangeFilter) {
    metadataChanges(filter: $filter) {
      seq
      kind
      entity
    }
  }
`);

const DEBOUNCE_MS = 400;

/** Calls `onChange` (debounced) when a change about this dataset commits. */
export function useDatasetChanges(namespace: string, name: string, onChange: () => void): void {
  const callback = useRef(onChange);
  callback.current = onChange;

  useEffect(() => {
    const datasetEntity = `dataset:${namespace}:${name}`;
    const columnPrefix = `column:${namespace}:${name}:`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const landed = (entity: string) => {
      if (entity !== datasetEntity && !entity.startsWith(columnPrefix)) return;
      clearTimeout(timer);
      timer = setTimeout(() => callback.current(), DEBOUNCE_MS);
    };
    const client = liveClient();
    const stops = [datasetEntity, columnPrefix].map((entityPrefix) =>
      client.subscribe<{ metadataChanges: { entity: string } }>(
        { query: DatasetChangesSubscription.toString(), variables: { filter: { entityPrefix } } },
        {
          next: (msg) => {
            const entity = msg.data?.metadataChanges?.entity;
            if (entity) landed(entity);
          },
          // The client retries on its own; a page without live updates still works.
          error: () => {},
          complete: () => {},
        },
      ),
    );
    return () => {
      clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [namespace, name]);
}
