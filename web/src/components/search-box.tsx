// The search box: one `<input type="search">` that is also an ARIA 1.2 combobox over
// name suggestions (`suggest`). Focus never leaves the input: ArrowUp/ArrowDown move the
// active option (announced through aria-activedescendant), Enter takes it — or submits
// the form when none is active — and Escape closes the list. Suggestions are fetched
// ~80 ms after the last keystroke and a newer keystroke aborts the older request, so a
// slow answer never replaces a fresher one. They are only asked for while the person
// types: a query restored from the URL (Back, a shared link) opens no list.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { request } from "../api/client";
import type { SearchFilter, SuggestQuery } from "../gql/graphql";
import { Suggest } from "../pages/search/queries";

export type Suggestion = SuggestQuery["suggest"][number];

const SUGGEST_DEBOUNCE_MS = 80;
const KIND: Record<string, string> = { DATASET: "Dataset", JOB: "Job", COLUMN: "Column" };

export function SearchBox({
  value,
  onChange,
  onPick,
  filter,
  inputRef,
}: {
  value: string;
  onChange: (value: string) => void;
  /** A suggestion was taken (Enter or click). */
  onPick: (s: Suggestion) => void;
  filter: SearchFilter;
  inputRef?: RefObject<HTMLInputElement | null>;
}) {
  const id = useId();
  const listId = `${id}-suggestions`;
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    if (!typed.current) {
      setOpen(false);
      return;
    }
    const prefix = value.trim();
    if (!prefix) {
      setSuggestions([]);
      setOpen(false);
      return;
    }
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      request(Suggest, { prefix, filter: JSON.parse(filterKey) as SearchFilter }, ctl.signal).then(
        (data) => {
          setSuggestions(data.suggest);
          setActive(-1);
          setOpen(data.suggest.length > 0);
        },
        (e) => {
          // Suggestions are a convenience: the search itself reports errors in words.
          if (!ctl.signal.aborted) {
            console.warn("suggest failed", e);
            setOpen(false);
          }
        },
      );
    }, SUGGEST_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
    };
  }, [value, filterKey]);

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  const pick = (s: Suggestion) => {
    typed.current = false;
    close();
    onPick(s);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = suggestions.length;
    switch (e.key) {
      case "ArrowDown":
        if (n === 0) return;
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else setActive((a) => (a + 1) % n);
        break;
      case "ArrowUp":
        if (!open || n === 0) return;
        e.preventDefault();
        setActive((a) => (a <= 0 ? n - 1 : a - 1));
        break;
      case "Enter":
        if (open && active >= 0 && active < n) {
          e.preventDefault();
          pick(suggestions[active]);
        } else {
          // The form submits: the search runs as typed.
          typed.current = false;
          close();
        }
        break;
      case "Escape":
        if (open) {
          // Keep the text: a search input clears itself on Escape otherwise.
          e.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  };

  const expanded = open && suggestions.length > 0;
  return (
    <div className="search-combo">
      <label htmlFor={`${id}-input`} className="search-label">
        Search datasets, jobs and columns
      </label>
      <div className="search-row">
        <div className="search-field">
          <input
            ref={inputRef}
            id={`${id}-input`}
            type="search"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. customer orders, email"
            value={value}
            data-testid="search-input"
            onChange={(e) => {
              typed.current = true;
              onChange(e.target.value);
            }}
            onKeyDown={onKeyDown}
            onBlur={close}
            onFocus={() => {
              if (typed.current && suggestions.length > 0 && value.trim()) setOpen(true);
            }}
          />
          <ul
            id={listId}
            role="listbox"
            aria-label="Suggestions"
            className="search-suggestions"
            hidden={!expanded}
            data-testid="search-suggestions"
          >
            {suggestions.map((s, i) => (
              <li
                key={s.nodeId}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? "active" : undefined}
                // Keep focus in the input; the click then takes the option.
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => setActive(i)}
                onClick={() => pick(s)}
              >
                <span className="suggestion-kind">{KIND[s.kind] ?? s.kind}</span>
                <span className="suggestion-name mono">{s.name}</span>
                {s.namespace && <span className="suggestion-namespace">{s.namespace}</span>}
              </li>
            ))}
          </ul>
        </div>
        <button type="submit" className="primary">
          Search
        </button>
      </div>
      <span className="search-sr-only" role="status" aria-live="polite">
        {expanded ? `${suggestions.length} suggestions; use the up and down arrows to choose, Enter to open.` : ""}
      </span>
    </div>
  );
}
