// Editing in place. Every edit is a GraphQL mutation that becomes a change-log entry
// with the viewer as actor; while it is in flight the control shows the value being
// saved, disabled, and afterwards keeps showing it until the page's refetch brings the
// stored value (so nothing flickers back). A refused edit says why in words, naming
// the missing scope on a 403. Controls are rendered only for tokens that may use them:
// the caller decides with `useViewer().can(…)`.
import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { graphql } from "../../gql";
import type { TypedDocumentString } from "../../gql/graphql";
import { describeError, request } from "../../api/client";
import { Link } from "../../router";
import { useDataset } from "./context";

const SetDescription = graphql(`
  mutation DatasetSetDescription($namespace: String!, $dataset: String!, $column: String, $description: String) {
    setDescription(namespace: $namespace, dataset: $dataset, column: $column, description: $description) {
      id
    }
  }
`);

const SetOwners = graphql(`
  mutation DatasetSetOwners($namespace: String!, $dataset: String!, $owners: [OwnerInput!]!) {
    setOwners(namespace: $namespace, dataset: $dataset, owners: $owners) {
      id
    }
  }
`);

const SetTier = graphql(`
  mutation DatasetSetTier($namespace: String!, $dataset: String!, $tier: String) {
    setTier(namespace: $namespace, dataset: $dataset, tier: $tier) {
      id
    }
  }
`);

const SetClassification = graphql(`
  mutation DatasetSetClassification($namespace: String!, $dataset: String!, $classification: String) {
    setClassification(namespace: $namespace, dataset: $dataset, classification: $classification) {
      id
    }
  }
`);

const SetRetention = graphql(`
  mutation DatasetSetRetention($namespace: String!, $dataset: String!, $retention: String) {
    setRetention(namespace: $namespace, dataset: $dataset, retention: $retention) {
      id
    }
  }
`);

const AddTag = graphql(`
  mutation DatasetAddTag($namespace: String!, $dataset: String!, $column: String, $tag: String!, $reason: String) {
    addTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag, reason: $reason) {
      id
    }
  }
`);

const RemoveTag = graphql(`
  mutation DatasetRemoveTag($namespace: String!, $dataset: String!, $column: String, $tag: String!) {
    removeTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag) {
      id
    }
  }
`);

const Deprecate = graphql(`
  mutation DatasetDeprecate($namespace: String!, $dataset: String!, $deprecated: Boolean!, $note: String) {
    deprecateDataset(namespace: $namespace, dataset: $dataset, deprecated: $deprecated, note: $note) {
      id
    }
  }
`);

/** One mutation's state: saving, the last error, and a runner that refreshes the page. */
export function useEdit<R, V>(doc: TypedDocumentString<R, V>) {
  const { refresh } = useDataset();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (vars: V): Promise<boolean> => {
    setSaving(true);
    setError(null);
    try {
      await request(doc, vars);
      refresh();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };
  return { run, saving, error };
}

/**
 * A value shown while an edit is saved and until the server's copy changes: `shown` is
 * the pending value while `value` is still what it was when the edit started.
 */
function usePending<T>(value: T): [T, (next: T | null) => void] {
  const [pending, setPending] = useState<{ next: T; base: T } | null>(null);
  const shown = pending && Object.is(pending.base, value) ? pending.next : value;
  return [shown, (next) => setPending(next === null ? null : { next, base: value })];
}

function EditError({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error ds-edit-error">
      Could not {what}: {describeError(error)}
    </p>
  );
}

/** The description form, for the dataset (no `column`) or one column. */
export function DescriptionForm({
  column,
  value,
  onDone,
}: {
  column?: string;
  value: string | null | undefined;
  /** Called with the saved text (null when cleared), or undefined when cancelled. */
  onDone: (saved: string | null | undefined) => void;
}) {
  const { namespace, name } = useDataset();
  const [draft, setDraft] = useState(value ?? "");
  const edit = useEdit(SetDescription);
  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    const text = draft.trim();
    if (await edit.run({ namespace, dataset: name, column: column ?? null, description: text || null })) onDone(text || null);
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onDone(undefined);
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      void save();
    }
  };
  const label = column ? `Description of column ${column}` : "Description of the dataset";
  return (
    <form className="ds-desc-form" onSubmit={save} aria-busy={edit.saving}>
      <textarea
        aria-label={label}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={keys}
        rows={column ? 2 : 4}
        disabled={edit.saving}
        autoFocus
      />
      <div className="ds-form-actions">
        <button type="submit" className="primary" disabled={edit.saving}>
          {edit.saving ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={() => onDone(undefined)} disabled={edit.saving}>
          Cancel
        </button>
        <span className="muted ds-hint">Ctrl+Enter saves, Escape cancels. Empty returns to the producer’s text.</span>
      </div>
      <EditError error={edit.error} what="save the description" />
    </form>
  );
}

/** The dataset's description with an Edit button for writers. */
export function DatasetDescription({ value, canWrite }: { value: string | null | undefined; canWrite: boolean }) {
  const [editing, setEditing] = useState(false);
  const [shown, setPending] = usePending(value);
  const button = useRef<HTMLButtonElement>(null);
  const done = (saved: string | null | undefined) => {
    if (saved) setPending(saved);
    setEditing(false);
    requestAnimationFrame(() => button.current?.focus());
  };
  if (editing) return <DescriptionForm value={shown} onDone={done} />;
  return (
    <div className="ds-desc">
      {shown ? <p data-testid="dataset-description">{shown}</p> : <p className="muted" data-testid="dataset-description">No description yet.</p>}
      {canWrite && (
        <button ref={button} type="button" className="ds-edit-button" onClick={() => setEditing(true)} data-testid="edit-description">
          Edit description
        </button>
      )}
    </div>
  );
}

type Owner = { name: string; type?: string | null };

function ownerLabel(name: string): { kind: string; who: string } {
  const m = /^(user|team|group):(.*)$/.exec(name);
  return m ? { kind: m[1], who: m[2] } : { kind: "user", who: name };
}

/** Owners as chips; writers remove one with its × and add `user:x` / `team:y`. */
export function OwnersEditor({ owners, canWrite }: { owners: Owner[]; canWrite: boolean }) {
  const { namespace, name } = useDataset();
  const [shown, setPending] = usePending(owners);
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState("");
  const edit = useEdit(SetOwners);
  const addButton = useRef<HTMLButtonElement>(null);

  const save = async (next: Owner[]) => {
    setPending(next);
    const ok = await edit.run({
      namespace,
      dataset: name,
      owners: next.map((o) => ({ name: o.name, type: o.type ?? null })),
    });
    if (!ok) setPending(null);
    return ok;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const raw = draft.trim();
    if (!raw) return;
    const full = /^(user|team|group):./.test(raw) ? raw : `user:${raw}`;
    if (shown.some((o) => o.name === full)) {
      setDraft("");
      return;
    }
    if (await save([...shown, { name: full, type: null }])) {
      setDraft("");
      setAdding(false);
      requestAnimationFrame(() => addButton.current?.focus());
    }
  };

  return (
    <div className="ds-owners" aria-busy={edit.saving}>
      {shown.length === 0 ? (
        <span className="muted">No owner</span>
      ) : (
        <ul className="ds-chips" aria-label="Owners" data-testid="owners">
          {shown.map((o) => {
            const { kind, who } = ownerLabel(o.name);
            return (
              <li key={o.name} className={`ds-chip ${edit.saving ? "ds-saving" : ""}`}>
                <Link to={`/?owner=${encodeURIComponent(o.name)}`} title={`${o.name}${o.type ? ` (${o.type})` : ""}: search what they own`}>
                  {kind !== "user" && <span className="ds-chip-kind">{kind}</span>}
                  {who}
                </Link>
                {canWrite && (
                  <button
                    type="button"
                    className="ds-chip-remove"
                    aria-label={`Remove owner ${o.name}`}
                    title={shown.length === 1 ? "Removing the last owner returns to the producer’s owners" : `Remove ${o.name}`}
                    disabled={edit.saving}
                    onClick={() => void save(shown.filter((x) => x.name !== o.name))}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canWrite &&
        (adding ? (
          <form className="ds-inline-form" onSubmit={add}>
            <input
              aria-label="New owner (user:name or team:name)"
              placeholder="user:alice or team:data-eng"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  setAdding(false);
                  requestAnimationFrame(() => addButton.current?.focus());
                }
              }}
              disabled={edit.saving}
              autoFocus
            />
            <button type="submit" disabled={edit.saving || !draft.trim()}>
              {edit.saving ? "Saving…" : "Add"}
            </button>
            <button type="button" onClick={() => setAdding(false)} disabled={edit.saving}>
              Cancel
            </button>
          </form>
        ) : (
          <button ref={addButton} type="button" className="ds-edit-button" onClick={() => setAdding(true)} disabled={edit.saving}>
            Add owner
          </button>
        ))}
      {edit.saving && (
        <span className="muted" role="status">
          Saving…
        </span>
      )}
      <EditError error={edit.error} what="change the owners" />
    </div>
  );
}

const TIERS = ["gold", "silver", "bronze"];

/** A value picked from a list, with a Set button (a select that saved on every arrow key
 * would write one change-log entry per keystroke). `options` may lack the current value
 * (a producer's); it is offered too. */
function SelectEditor({
  label,
  testId,
  value: current,
  options: known,
  what,
  save: store,
}: {
  label: string;
  testId: string;
  value: string | null | undefined;
  options: string[];
  what: string;
  save: (value: string | null) => Promise<boolean>;
}) {
  const [shown, setPending] = usePending(current ?? "");
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const value = draft ?? shown;
  const options = shown && !known.includes(shown) ? [...known, shown] : known;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setPending(value);
    setSaving(true);
    const ok = await store(value || null);
    setSaving(false);
    if (ok) setDraft(null);
    else setPending(null);
  };
  return (
    <form className="ds-inline-form" onSubmit={save} aria-busy={saving}>
      <select aria-label={label} value={value} onChange={(e) => setDraft(e.target.value)} disabled={saving} data-testid={testId}>
        <option value="">none</option>
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      {value !== shown && (
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : `Set ${what}`}
        </button>
      )}
    </form>
  );
}

/** The tier, picked from gold, silver and bronze. */
export function TierEditor({ tier }: { tier: string | null | undefined }) {
  const { namespace, name } = useDataset();
  const edit = useEdit(SetTier);
  return (
    <>
      <SelectEditor
        label="Tier"
        testId="tier-select"
        value={tier}
        options={TIERS}
        what="tier"
        save={(value) => edit.run({ namespace, dataset: name, tier: value })}
      />
      <EditError error={edit.error} what="set the tier" />
    </>
  );
}

/** The classification, picked from those the server allows. */
export function ClassificationEditor({ classification, allowed }: { classification: string | null | undefined; allowed: string[] }) {
  const { namespace, name } = useDataset();
  const edit = useEdit(SetClassification);
  return (
    <>
      <SelectEditor
        label="Classification"
        testId="classification-select"
        value={classification}
        options={allowed}
        what="classification"
        save={(value) => edit.run({ namespace, dataset: name, classification: value })}
      />
      <EditError error={edit.error} what="set the classification" />
    </>
  );
}

/** The retention as typed: an ISO 8601 duration (P30D, P1Y6M) or `none`; empty returns
 * to the producer's. The server checks it and says what is wrong. */
export function RetentionEditor({ retention }: { retention: string | null | undefined }) {
  const { namespace, name } = useDataset();
  const [shown, setPending] = usePending(retention ?? "");
  const [draft, setDraft] = useState<string | null>(null);
  const edit = useEdit(SetRetention);
  const value = draft ?? shown;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setPending(value.trim());
    if (await edit.run({ namespace, dataset: name, retention: value.trim() || null })) setDraft(null);
    else setPending(null);
  };
  return (
    <form className="ds-inline-form" onSubmit={save} aria-busy={edit.saving}>
      <input
        aria-label="Retention"
        placeholder="P30D, P1Y or none"
        size={10}
        value={value}
        onChange={(e) => setDraft(e.target.value)}
        disabled={edit.saving}
        data-testid="retention-input"
      />
      {value !== shown && (
        <button type="submit" disabled={edit.saving}>
          {edit.saving ? "Saving…" : "Set retention"}
        </button>
      )}
      <EditError error={edit.error} what="set the retention" />
    </form>
  );
}

type DatasetTag = { key: string; value?: string | null; origin: string };

/** Tags on the dataset itself; those added by hand can be removed here. */
export function DatasetTagsEditor({ tags, canWrite }: { tags: DatasetTag[]; canWrite: boolean }) {
  const { namespace, name } = useDataset();
  const [shown, setPending] = usePending(tags);
  const [draft, setDraft] = useState("");
  const [adding, setAdding] = useState(false);
  const add = useEdit(AddTag);
  const remove = useEdit(RemoveTag);
  const saving = add.saving || remove.saving;
  const addButton = useRef<HTMLButtonElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = draft.trim();
    if (!key) return;
    setPending([...shown, { key, origin: "manual" }]);
    if (await add.run({ namespace, dataset: name, column: null, tag: key, reason: null })) {
      setDraft("");
      setAdding(false);
      requestAnimationFrame(() => addButton.current?.focus());
    } else setPending(null);
  };
  const drop = async (key: string) => {
    setPending(shown.filter((t) => t.key !== key));
    if (!(await remove.run({ namespace, dataset: name, column: null, tag: key }))) setPending(null);
  };

  return (
    <div className="ds-tags" aria-busy={saving}>
      {shown.length === 0 && !canWrite && <span className="muted">None</span>}
      {shown.length > 0 && (
        <ul className="ds-chips" aria-label="Dataset tags">
          {shown.map((t) => (
            <li key={t.key} className={`ds-chip ${saving ? "ds-saving" : ""}`}>
              <span className="tag" title={`${t.key}${t.value ? ` = ${t.value}` : ""} · ${t.origin}`}>
                {t.key}
                {t.value ? <span className="tag-origin">={t.value}</span> : null}
              </span>
              {canWrite && t.origin === "manual" && (
                <button type="button" className="ds-chip-remove" aria-label={`Remove tag ${t.key}`} disabled={saving} onClick={() => void drop(t.key)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite &&
        (adding ? (
          <form className="ds-inline-form" onSubmit={submit}>
            <input
              aria-label="New dataset tag"
              placeholder="certified, domain.sales…"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  setAdding(false);
                  requestAnimationFrame(() => addButton.current?.focus());
                }
              }}
              disabled={saving}
              autoFocus
            />
            <button type="submit" disabled={saving || !draft.trim()}>
              {saving ? "Saving…" : "Add"}
            </button>
            <button type="button" onClick={() => setAdding(false)} disabled={saving}>
              Cancel
            </button>
          </form>
        ) : (
          <button ref={addButton} type="button" className="ds-edit-button" onClick={() => setAdding(true)} disabled={saving}>
            Add tag
          </button>
        ))}
      <EditError error={add.error} what="add the tag" />
      <EditError error={remove.error} what="remove the tag" />
    </div>
  );
}

/** Adds a tag by hand on one column (review scope): it becomes a source and propagates. */
export function ColumnTagForm({ column, onDone }: { column: string; onDone: (added: string | undefined) => void }) {
  const { namespace, name } = useDataset();
  const [tag, setTag] = useState("");
  const [reason, setReason] = useState("");
  const edit = useEdit(AddTag);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = tag.trim();
    if (!key) return;
    if (await edit.run({ namespace, dataset: name, column, tag: key, reason: reason.trim() || null })) onDone(key);
  };
  return (
    <form
      className="ds-col-tag-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone(undefined);
      }}
      aria-busy={edit.saving}
    >
      <input aria-label={`Tag to add on ${column}`} placeholder="pii.phone" value={tag} onChange={(e) => setTag(e.target.value)} disabled={edit.saving} autoFocus />
      <input aria-label="Reason (optional)" placeholder="reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} disabled={edit.saving} />
      <button type="submit" disabled={edit.saving || !tag.trim()}>
        {edit.saving ? "Saving…" : "Add"}
      </button>
      <button type="button" onClick={() => onDone(undefined)} disabled={edit.saving}>
        Cancel
      </button>
      <EditError error={edit.error} what="add the tag" />
    </form>
  );
}

/** Withdraws a tag added by hand on a column (review scope). */
export function RemoveColumnTag({ column, tag, onDone }: { column: string; tag: string; onDone: () => void }) {
  const { namespace, name } = useDataset();
  const edit = useEdit(RemoveTag);
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={edit.saving}
        onClick={async () => {
          if (await edit.run({ namespace, dataset: name, column, tag })) onDone();
        }}
      >
        {edit.saving ? "Removing…" : "Remove this tag"}
      </button>
      <EditError error={edit.error} what="remove the tag" />
    </>
  );
}

/** Marks the dataset deprecated with a note saying what to use instead, or lifts it. */
export function DeprecationEditor({ deprecated }: { deprecated: boolean }) {
  const { namespace, name } = useDataset();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const edit = useEdit(Deprecate);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => button.current?.focus());
  };
  if (deprecated) {
    return (
      <>
        <button type="button" className="ds-edit-button" disabled={edit.saving} onClick={() => void edit.run({ namespace, dataset: name, deprecated: false, note: null })}>
          {edit.saving ? "Saving…" : "Lift deprecation"}
        </button>
        <EditError error={edit.error} what="lift the deprecation" />
      </>
    );
  }
  if (!open) {
    return (
      <button ref={button} type="button" className="ds-edit-button" onClick={() => setOpen(true)}>
        Deprecate…
      </button>
    );
  }
  return (
    <form
      className="ds-inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await edit.run({ namespace, dataset: name, deprecated: true, note: note.trim() || null })) setOpen(false);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") close();
      }}
      aria-busy={edit.saving}
    >
      <input aria-label="Why, and what to use instead" placeholder="Replaced by …" value={note} onChange={(e) => setNote(e.target.value)} disabled={edit.saving} autoFocus />
      <button type="submit" className="danger" disabled={edit.saving}>
        {edit.saving ? "Saving…" : "Deprecate"}
      </button>
      <button type="button" onClick={close} disabled={edit.saving}>
        Cancel
      </button>
      <EditError error={edit.error} what="deprecate the dataset" />
    </form>
  );
}
