// "Why this rank": a hit's score, taken apart the way search/src/rank.rs builds it —
// score = text match × usage × centrality × tier × documentation × freshness × penalty.
// The catalog factors multiply, so they are drawn on a log scale around ×1: a bar to the
// right lifts the hit, one to the left sinks it, and ×2 and ×0.5 are equally long.
// Every bar is also printed as a number; the bars are decoration for sighted readers.

interface Factor {
  factor: string;
  value: number;
}

const PRIOR: { key: string; label: string; about: string }[] = [
  { key: "usage", label: "Usage", about: "reads and distinct readers in the last 30 days (1 when no query log is crawled)" },
  { key: "centrality", label: "Lineage centrality", about: "how much of the lineage graph depends on it" },
  { key: "tier", label: "Tier", about: "gold and silver datasets are preferred" },
  { key: "documentation", label: "Documentation", about: "a description, an owner and documented columns" },
  { key: "freshness", label: "Freshness", about: "written recently lifts it; long unwritten lowers it" },
  { key: "penalty", label: "Penalties", about: "deleted, deprecated, temporary-looking name, or unused with nothing downstream" },
];

const MARK_WORDS: Record<string, string> = {
  deprecated: "deprecated",
  zombie: "unused with nothing downstream",
  temporary: "temporary-looking name",
  deleted: "dropped at the source",
};

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function SearchExplain({ id, factors, marks }: { id: string; factors: Factor[]; marks: string[] }) {
  const get = (k: string) => factors.find((f) => f.factor === k)?.value;
  const rows = PRIOR.flatMap((p) => {
    const value = get(p.key);
    return value === undefined ? [] : [{ ...p, value }];
  });
  const text = get("text");
  const score = get("score");
  const prior = rows.reduce((acc, r) => acc * r.value, 1);
  // Half the track is the largest swing, at least ×2 / ×0.5, so small factors stay visible
  // without one huge factor flattening the rest into slivers.
  const logs = rows.map((r) => (r.value > 0 ? Math.log(r.value) : -Infinity));
  const span = Math.max(Math.log(2), ...logs.filter(Number.isFinite).map(Math.abs));

  return (
    <div className="search-explain" id={id} data-testid="search-explain">
      <p className="explain-formula">
        Score <strong>{score !== undefined ? fmt(score) : "—"}</strong> = text match{" "}
        <strong>{text !== undefined ? fmt(text) : "—"}</strong> × catalog signals <strong>×{fmt(prior)}</strong>
      </p>
      <p className="explain-text muted">
        Text match is BM25 relevance with field boosts: an exact name counts most, then words of the name, then
        column names, then the description.
      </p>
      <ul className="explain-bars">
        {rows.map((r, i) => {
          const l = logs[i];
          const width = Number.isFinite(l) ? Math.min(1, Math.abs(l) / span) * 50 : 50;
          // Judged at the printed precision, so "×1.00" is never drawn as a lift or a drop.
          const cents = Math.round(r.value * 100);
          const dir = cents > 100 ? "up" : cents < 100 ? "down" : "flat";
          const about =
            r.key === "penalty" && marks.length > 0 ? marks.map((m) => MARK_WORDS[m] ?? m).join(", ") : r.about;
          return (
            <li key={r.key} data-factor={r.key} className={`explain-row explain-${dir}`}>
              <span className="explain-label">
                {r.label}
                <span className="explain-about">{about}</span>
              </span>
              <span className="explain-track" aria-hidden="true">
                <span
                  className="explain-bar"
                  style={dir === "down" ? { right: "50%", width: `${width}%` } : { left: "50%", width: `${width}%` }}
                />
              </span>
              <span className="explain-value">×{fmt(r.value)}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
