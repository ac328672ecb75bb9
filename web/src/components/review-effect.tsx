// What a review decision did downstream, in one sentence a reviewer can check
// ("Rejecting pii.email on raw.customers.email removed the tag from 3 downstream columns
// (kept on 1)"), then the changed columns as links. Rejecting a tag silently un-tagging
// a report is exactly what a reviewer must see, so it is announced and stays on screen
// until dismissed.
import type { Ref } from "react";
import type { ReviewDecision, ReviewTarget } from "../gql/graphql";
import { datasetPath, Link } from "../router";
import type { DecisionDone } from "./review-decide";

const VERB: Record<ReviewDecision, string> = {
  CONFIRM: "Confirming",
  REJECT: "Rejecting",
  CLEAR: "Clearing the decision about",
};

function columns(n: number): string {
  return `${n} downstream column${n === 1 ? "" : "s"}`;
}

function subject(targets: ReviewTarget[]): string {
  if (targets.length === 1) {
    const t = targets[0];
    return `${t.tag} on ${t.dataset}.${t.column}`;
  }
  const tags = new Set(targets.map((t) => t.tag));
  return tags.size === 1 ? `${[...tags][0]} on ${targets.length} columns` : `${targets.length} tags`;
}

/** The sentence: what was decided and what it did downstream. */
function effectSentence({ decision, targets, effect }: DecisionDone): string {
  const did: string[] = [];
  if (effect.lost > 0) did.push(`removed the tag from ${columns(effect.lost)}`);
  if (effect.gained > 0) did.push(`added it to ${columns(effect.gained)}`);
  const what = did.length > 0 ? did.join(" and ") : "changed no downstream column";
  const kept = effect.kept > 0 ? ` (kept on ${effect.kept})` : "";
  return `${VERB[decision]} ${subject(targets)} ${what}${kept}.`;
}

export function ReviewEffect({
  done,
  onDismiss,
  ref,
}: {
  done: DecisionDone;
  onDismiss: () => void;
  ref?: Ref<HTMLDivElement>;
}) {
  const { effect, reason } = done;
  const listed = effect.changed.length;
  const more = effect.lost + effect.gained - listed;
  return (
    <div className="review-effect" ref={ref} tabIndex={-1} role="status" data-testid="review-effect">
      <p className="review-effect-sentence">
        <strong>{effectSentence(done)}</strong>
        {reason ? <span className="muted"> Reason: “{reason}”.</span> : null}
      </p>
      {listed > 0 && (
        <>
          <p className="review-effect-label">Columns whose tags changed:</p>
          <ul className="review-effect-list">
            {effect.changed.map((c) => (
              <li key={c.id}>
                <Link to={datasetPath(c.namespace, c.dataset)} title={c.id}>
                  {c.dataset}
                </Link>
                <span className="review-colref-field">.{c.field}</span>
                <span className="muted"> · {c.namespace}</span>
              </li>
            ))}
          </ul>
          {more > 0 && <p className="muted">and {more} more.</p>}
        </>
      )}
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
