// Small pieces every page uses, so that a tag, an owner or a time looks the same everywhere.
import { Component, type ReactNode } from "react";
import { describeError } from "../api/client";

/** An error from the API, in words; never a blank page. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="error">
      <strong>Something went wrong.</strong> {describeError(error)}{" "}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading{what ? ` ${what}` : ""}…
    </p>
  );
}

/** Tag status colours: proposed (amber), confirmed (green), rejected (struck through). */
export function TagBadge({
  tag,
  status,
  origin,
  onClick,
  title,
}: {
  tag: string;
  status?: string | null;
  origin?: string | null;
  onClick?: () => void;
  title?: string;
}) {
  const cls = `tag ${tag.startsWith("pii.") ? "tag-pii" : ""} ${status ? `tag-${status}` : ""}`.trim();
  const label = (
    <>
      {tag}
      {status && status !== "confirmed" ? <span className="tag-status"> · {status}</span> : null}
      {origin ? <span className="tag-origin"> · {origin}</span> : null}
    </>
  );
  const t = title ?? [tag, status, origin].filter(Boolean).join(" · ");
  return onClick ? (
    <button type="button" className={cls} onClick={onClick} title={t} aria-label={`${t}: explain`}>
      {label}
    </button>
  ) : (
    <span className={cls} title={t}>
      {label}
    </span>
  );
}

export function PiiBadge({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <span className="badge badge-pii" title={`Personal data: ${tags.join(", ")}`}>
      PII{tags.length > 0 ? `: ${tags.map((t) => t.replace(/^pii\./, "")).join(", ")}` : ""}
    </span>
  );
}

export function TierBadge({ tier }: { tier?: string | null }) {
  if (!tier) return null;
  return <span className={`badge tier tier-${tier.toLowerCase()}`}>{tier}</span>;
}

export function Owners({ owners }: { owners: { name: string; type?: string | null }[] }) {
  if (owners.length === 0) return <span className="muted">no owner</span>;
  return (
    <span className="owners">
      {owners.map((o) => (
        <span key={o.name} className="owner" title={o.type ?? undefined}>
          {o.name.replace(/^(user|team|group):/, "")}
        </span>
      ))}
    </span>
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 days ago", with the exact time on hover. */
export function RelativeTime({ at, empty = "never" }: { at?: string | null; empty?: string }) {
  if (!at) return <span className="muted">{empty}</span>;
  const t = new Date(at);
  const secs = (t.getTime() - Date.now()) / 1000;
  const [unit, size] = UNITS.find(([, s]) => Math.abs(secs) >= s) ?? ["second", 1];
  return (
    <time dateTime={at} title={t.toISOString()}>
      {rtf.format(Math.round(secs / size), unit)}
    </time>
  );
}

/** Catches a render error so a page says what broke instead of going blank. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: unknown }> {
  state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }
  render() {
    if (this.state.error) return <ErrorMessage error={this.state.error} />;
    return this.props.children;
  }
}
