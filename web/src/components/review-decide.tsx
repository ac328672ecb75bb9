// One form for every review decision, on one tag or on all selected ones: the reason
// (required to reject, since a rejection removes the tag downstream and the audit log
// should say why), who decides when the server has no sign-in, and the decision
// buttons. It sends one `reviewTags` mutation for all targets, so a bulk decision is
// one change per tag but one request, and reports what the decision did downstream.
import { useId, useRef, useState, type FormEvent } from "react";
import { graphql } from "../gql";
import type { ReviewDecision, ReviewTagsMutation, ReviewTarget } from "../gql/graphql";
import { describeError, request } from "../api/client";
import { useViewer } from "../auth/viewer";

const ReviewTagsDoc = graphql(`
  mutation ReviewTags($items: [ReviewTarget!]!, $decision: ReviewDecision!, $reason: String, $reviewer: String) {
    reviewTags(items: $items, decision: $decision, reason: $reason, reviewer: $reviewer) {
      effect {
        lost
        gained
        kept
        changed {
          id
          namespace
          dataset
          field
        }
      }
    }
  }
`);

export type ReviewEffectData = ReviewTagsMutation["reviewTags"]["effect"];

export interface DecisionDone {
  decision: ReviewDecision;
  targets: ReviewTarget[];
  reason: string | null;
  effect: ReviewEffectData;
}

const LABEL: Record<ReviewDecision, string> = { CONFIRM: "Confirm", REJECT: "Reject", CLEAR: "Clear decision" };

// Without sign-in the server needs a name for the audit log; remember it on this device.
const REVIEWER_KEY = "weft.reviewer";
function storedReviewer(): string {
  try {
    return window.localStorage.getItem(REVIEWER_KEY) ?? "";
  } catch {
    return "";
  }
}

export function DecideForm({
  targets,
  decisions,
  what,
  onDone,
  onCancel,
  autoFocus,
}: {
  targets: ReviewTarget[];
  /** The buttons to offer, in order; the first is the form's default (Enter). */
  decisions: ReviewDecision[];
  /** What is being decided, in words ("pii.email on raw.customers.email", "3 tags"). */
  what: string;
  onDone: (done: DecisionDone) => void;
  onCancel?: () => void;
  autoFocus?: boolean;
}) {
  const viewer = useViewer();
  const id = useId();
  const [reason, setReason] = useState("");
  const [reviewer, setReviewer] = useState(storedReviewer);
  const [busy, setBusy] = useState<ReviewDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const reviewerRef = useRef<HTMLInputElement>(null);
  const needsName = !viewer.authEnabled;

  const decide = async (decision: ReviewDecision) => {
    const why = reason.trim();
    if (decision === "REJECT" && !why) {
      setError("Say why you reject it: the reason is kept with the decision in the change log.");
      reasonRef.current?.focus();
      return;
    }
    if (needsName && !reviewer.trim()) {
      setError("Say who you are: this server has no sign-in, so the decision needs a reviewer's name.");
      reviewerRef.current?.focus();
      return;
    }
    setBusy(decision);
    setError(null);
    try {
      if (needsName) window.localStorage.setItem(REVIEWER_KEY, reviewer.trim());
      const data = await request(ReviewTagsDoc, {
        items: targets,
        decision,
        reason: why || null,
        reviewer: needsName ? reviewer.trim() : null,
      });
      onDone({ decision, targets, reason: why || null, effect: data.reviewTags.effect });
    } catch (e) {
      setError(`Not recorded. ${describeError(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void decide(decisions[0]);
  };

  return (
    <form
      className="review-decide"
      onSubmit={submit}
      aria-label={`Decide on ${what}`}
      onKeyDown={(e) => {
        if (e.key === "Escape" && onCancel && busy === null) onCancel();
      }}
    >
      <div className="review-decide-fields">
        <label htmlFor={`${id}-reason`}>
          Reason{decisions.includes("REJECT") ? <span className="muted"> (required to reject)</span> : null}
        </label>
        <input
          id={`${id}-reason`}
          ref={reasonRef}
          type="text"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={decisions[0] === "REJECT" ? "e.g. holds a hashed id, not an address" : "why: kept with the decision"}
          autoFocus={autoFocus}
          maxLength={500}
          aria-invalid={error !== null && decisions.includes("REJECT") && !reason.trim() ? true : undefined}
        />
        {needsName && (
          <>
            <label htmlFor={`${id}-reviewer`}>Your name</label>
            <input
              id={`${id}-reviewer`}
              ref={reviewerRef}
              type="text"
              value={reviewer}
              onChange={(e) => setReviewer(e.target.value)}
              autoComplete="name"
              placeholder="who decides"
            />
          </>
        )}
      </div>
      <div className="review-decide-buttons">
        {decisions.map((d, i) => (
          <button
            key={d}
            type={i === 0 ? "submit" : "button"}
            className={d === "REJECT" ? "danger" : d === "CONFIRM" ? "primary" : undefined}
            onClick={i === 0 ? undefined : () => void decide(d)}
            disabled={busy !== null}
            data-testid={`decide-${d.toLowerCase()}`}
          >
            {busy === d ? "Saving…" : `${LABEL[d]}${targets.length > 1 ? ` ${targets.length}` : ""}`}
          </button>
        ))}
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy !== null}>
            Cancel
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error review-decide-error">
          {error}
        </p>
      )}
    </form>
  );
}
