// Values from a request as error messages echo them: a 200 KB string in a definition must not come back whole in
// the 400 body (once in the message and again in blocks_errors), and an absent value reads "missing", not 'undefined'.

/** Characters of an echoed value kept before the ellipsis. */
export const ECHO_LIMIT = 120;

/** `text` cut to ECHO_LIMIT characters; the cut is marked with an ellipsis and the full length. */
export function clip(text: string): string {
  return text.length <= ECHO_LIMIT ? text : `${text.slice(0, ECHO_LIMIT)}… (${text.length} characters)`;
}

/** A definition value for a message: strings quoted ('text'), anything else as JSON, `missing` when absent. */
export function echo(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    return value.length <= ECHO_LIMIT ? `'${value}'` : `'${value.slice(0, ECHO_LIMIT)}…' (${value.length} characters)`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text);
}
