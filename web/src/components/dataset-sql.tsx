// A job's SQL as the parser saw it: line numbers (not copied with the text), and each
// parse error marked on its line with a caret under the column and the message, in text
// as well as colour. Lines and columns are the analyser's, 1-based over the whole script
// (lineage/src/script.rs), so they match the numbers shown.
export interface SqlProblem {
  statement?: number | null;
  line?: number | null;
  column?: number | null;
  message: string;
}

export function SqlView({ sql, errors = [], label }: { sql: string; errors?: SqlProblem[]; label: string }) {
  const lines = sql.replace(/\r\n?/g, "\n").split("\n");
  const byLine = new Map<number, SqlProblem[]>();
  for (const e of errors) {
    if (!e.line) continue;
    byLine.set(e.line, [...(byLine.get(e.line) ?? []), e]);
  }
  const width = String(lines.length).length;
  return (
    <pre className="sql-view" aria-label={label} tabIndex={0} style={{ ["--ln-width" as string]: `${width + 1}ch` }}>
      <code>
        {lines.map((text, i) => {
          const n = i + 1;
          const problems = byLine.get(n);
          return (
            <span key={n} className={problems ? "sql-line sql-line-error" : "sql-line"} data-line={n} tabIndex={problems ? -1 : undefined}>
              <span className="sql-ln" aria-hidden="true">
                {n}
              </span>
              {problems && <span className="sr-only">Error on line {n}: </span>}
              <span className="sql-text">{text || " "}</span>
              {problems?.map((p, k) => (
                <span key={k} className="sql-caret" role="note">
                  <span className="sql-ln" aria-hidden="true" />
                  <span aria-hidden="true">{" ".repeat(Math.max(0, (p.column ?? 1) - 1))}^ </span>
                  {p.message}
                </span>
              ))}
            </span>
          );
        })}
      </code>
    </pre>
  );
}

/** Scrolls the error line of a `SqlView` into view and focuses it. */
export function showSqlLine(container: HTMLElement | null, line: number): void {
  const el = container?.querySelector<HTMLElement>(`.sql-line[data-line="${line}"]`);
  if (!el) return;
  el.scrollIntoView({ block: "center", behavior: "smooth" });
  el.focus({ preventScroll: true });
}
