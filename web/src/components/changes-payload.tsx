// One change's payload, fetched when a person opens it: payloads are whole OpenLineage
// events (up to megabytes), so the feed never asks for them with the list. Reading
// `changes(since: seq - 1, first: 1)` without filters returns exactly that entry.
import { useState } from "react";
import { graphql } from "../gql";
import { useQuery } from "../api/useQuery";
import { ErrorMessage, Loading } from "./common";

const ChangePayloadDoc = graphql(`
  query ChangePayload($since: Int!) {
    changes(since: $since, first: 1) {
      nodes {
        seq
        payload
      }
    }
  }
`);

export function ChangePayload({ seq }: { seq: number }) {
  const { data, error, loading, refetch } = useQuery(ChangePayloadDoc, { since: seq - 1 });
  const [copied, setCopied] = useState(false);
  if (error) return <ErrorMessage error={error} onRetry={refetch} />;
  if (loading || !data) return <Loading what={`the payload of #${seq}`} />;
  const entry = data.changes.nodes.find((n) => n.seq === seq);
  if (!entry) return <p className="muted">Change #{seq} is no longer in the log.</p>;
  if (entry.payload === null || entry.payload === undefined) {
    return <p className="muted">This payload was redacted for erasure; the entry’s hash still verifies.</p>;
  }
  const text = JSON.stringify(entry.payload, null, 2);
  const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
  const copy = () => {
    clipboard?.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="changes-payload">
      <div className="changes-payload-bar">
        <span className="muted">
          Payload of #{seq} · {text.length.toLocaleString()} characters
        </span>
        {clipboard && (
          <button type="button" className="link" onClick={copy}>
            {copied ? "Copied" : "Copy JSON"}
          </button>
        )}
      </div>
      <pre tabIndex={0} aria-label={`Payload of change ${seq}`}>
        <code>{text}</code>
      </pre>
    </div>
  );
}
