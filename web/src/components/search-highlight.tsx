// Search highlights arrive as HTML: the server escapes the text and wraps matches in
// `<b>`. Rather than trusting that string to innerHTML, it is read here as exactly two
// things, `<b>`/`</b>` and text, and rebuilt as React elements; anything else that looks
// like a tag stays visible text. Entities are decoded once, so `&lt;b&gt;` in a
// description shows as "<b>", never as bold.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** A fragment as runs of plain and matched text. */
export function parseFragment(fragment: string): { text: string; match: boolean }[] {
  const runs: { text: string; match: boolean }[] = [];
  let match = false;
  for (const part of fragment.split(/(<\/?b>)/i)) {
    const tag = part.toLowerCase();
    if (tag === "<b>") match = true;
    else if (tag === "</b>") match = false;
    else if (part) runs.push({ text: decode(part), match });
  }
  return runs;
}

/** The fragment's text without marks: what it highlights. */
export function fragmentText(fragment: string): string {
  return parseFragment(fragment)
    .map((r) => r.text)
    .join("");
}

export function Highlighted({ fragment }: { fragment: string }) {
  return (
    <>
      {parseFragment(fragment).map((r, i) => (r.match ? <mark key={i}>{r.text}</mark> : r.text))}
    </>
  );
}
