const KEY_STATE_LABELS: Record<string, string> = { valid: 'Valid', cooling: 'Cooling', disabled: 'Disabled' };
const STATUS_LABELS: Record<string, string> = { ok: 'OK', error: 'Error', in_flight: 'In flight', up: 'Up', down: 'Down', pending: 'Not listed yet' };
const TONES: Record<string, string> = { valid: 'good', ok: 'good', up: 'good', cooling: 'warn', in_flight: 'info', pending: 'info', disabled: 'bad', error: 'bad', down: 'bad' };

/** A state in words (colour only repeats it). */
export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${TONES[value] ?? 'info'}`}>{KEY_STATE_LABELS[value] ?? STATUS_LABELS[value] ?? value}</span>;
}
