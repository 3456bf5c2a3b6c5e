import { useState, type FormEvent } from 'react';
import type { Schemas } from '../api/api-client';

type LimitSet = Schemas['LimitSet'];
type ModelPolicy = Schemas['ModelPolicy'];

// Inputs for a limit set and a model policy (docs/limits.md), shared by the team, user and token forms.

const LIMIT_FIELDS = [
  { field: 'requestsPerMinute', label: 'Requests per minute' },
  { field: 'tokensPerMinute', label: 'Tokens per minute' },
  { field: 'concurrent', label: 'Requests at once' },
] as const;

export type LimitDraft = Record<keyof LimitSet, string>;
export type PolicyDraft = { allow: string; deny: string };

export function limitDraft(limits: LimitSet | null | undefined): LimitDraft {
  return {
    requestsPerMinute: String(limits?.requestsPerMinute ?? ''),
    tokensPerMinute: String(limits?.tokensPerMinute ?? ''),
    concurrent: String(limits?.concurrent ?? ''),
  };
}

/** The limits filled in; undefined when every field is blank. */
export function limitSetFromDraft(draft: LimitDraft): LimitSet | undefined {
  const entries = LIMIT_FIELDS.filter(({ field }) => draft[field].trim() !== '').map(({ field }) => [field, Number(draft[field])]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function policyDraft(policy: ModelPolicy | null | undefined): PolicyDraft {
  return { allow: (policy?.allow ?? []).join(', '), deny: (policy?.deny ?? []).join(', ') };
}

/** The patterns filled in (comma or newline separated); undefined when both lists are blank. */
export function policyFromDraft(draft: PolicyDraft): ModelPolicy | undefined {
  const allow = patterns(draft.allow);
  const deny = patterns(draft.deny);
  if (allow.length === 0 && deny.length === 0) return undefined;
  return { ...(allow.length > 0 && { allow }), ...(deny.length > 0 && { deny }) };
}

function patterns(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

export function LimitFields({ idPrefix, draft, onChange, legend }: { idPrefix: string; draft: LimitDraft; onChange: (draft: LimitDraft) => void; legend: string }) {
  return (
    <fieldset className="field-group">
      <legend>{legend}</legend>
      <p className="help" id={`${idPrefix}-limits-help`}>
        Blank: no limit of that kind here. Every limit that applies (user, team, token) must admit a request.
      </p>
      <div className="field-row">
        {LIMIT_FIELDS.map(({ field, label }) => (
          <div key={field} className="field">
            <label htmlFor={`${idPrefix}-${field}`}>{label}</label>
            <input
              id={`${idPrefix}-${field}`}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={draft[field]}
              aria-describedby={`${idPrefix}-limits-help`}
              onChange={(event) => onChange({ ...draft, [field]: event.target.value })}
            />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

export function PolicyFields({ idPrefix, draft, onChange, legend }: { idPrefix: string; draft: PolicyDraft; onChange: (draft: PolicyDraft) => void; legend: string }) {
  return (
    <fieldset className="field-group">
      <legend>{legend}</legend>
      <p className="help" id={`${idPrefix}-models-help`}>
        Patterns separated by commas, matching <code>provider/model</code> or <code>model</code>; <code>*</code> matches anything. Deny wins; no allowed
        patterns allows every model.
      </p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${idPrefix}-allow`}>Allowed models</label>
          <input
            id={`${idPrefix}-allow`}
            value={draft.allow}
            placeholder="e.g. gpt-4o*, anthropic/*"
            aria-describedby={`${idPrefix}-models-help`}
            onChange={(event) => onChange({ ...draft, allow: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-deny`}>Denied models</label>
          <input
            id={`${idPrefix}-deny`}
            value={draft.deny}
            placeholder="e.g. *-preview"
            aria-describedby={`${idPrefix}-models-help`}
            onChange={(event) => onChange({ ...draft, deny: event.target.value })}
          />
        </div>
      </div>
    </fieldset>
  );
}

/** Edits one level's limits: Save sends the set, the clear button sends null. */
export function LimitsForm({ idPrefix, limits, clearLabel, onSave }: { idPrefix: string; limits: LimitSet | null; clearLabel: string; onSave: (limits: LimitSet | null) => void }) {
  const [draft, setDraft] = useState(() => limitDraft(limits));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(limitSetFromDraft(draft) ?? null);
  };
  return (
    <form onSubmit={submit} className="stack">
      <LimitFields idPrefix={idPrefix} draft={draft} onChange={setDraft} legend="Rate and concurrency limits" />
      <div className="button-row">
        <button type="submit">Save limits</button>
        {limits && (
          <button type="button" className="button-secondary" onClick={() => onSave(null)}>
            {clearLabel}
          </button>
        )}
      </div>
    </form>
  );
}

/** Edits one level's model policy: Save sends the policy, Remove sends null. */
export function ModelPolicyForm({ idPrefix, policy, onSave }: { idPrefix: string; policy: ModelPolicy | null; onSave: (policy: ModelPolicy | null) => void }) {
  const [draft, setDraft] = useState(() => policyDraft(policy));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(policyFromDraft(draft) ?? null);
  };
  return (
    <form onSubmit={submit} className="stack">
      <PolicyFields idPrefix={idPrefix} draft={draft} onChange={setDraft} legend="Allowed and denied models" />
      <div className="button-row">
        <button type="submit">Save model access</button>
        {policy && (
          <button type="button" className="button-secondary" onClick={() => onSave(null)}>
            Remove the model policy
          </button>
        )}
      </div>
    </form>
  );
}
