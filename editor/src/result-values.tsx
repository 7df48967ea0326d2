// Counts and short texts of a result shown as values, not only inside the JSON tree: a number big, a text
// as text, a list of short texts (one per crop) as a numbered list; an empty OCR text reads "no text found".
import { isImageValue } from './results.tsx';

const SHORT = 240;

type Shown =
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'texts'; value: string[] }
  | { kind: 'flag'; value: boolean };

function shownAs(v: unknown): Shown | null {
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'flag', value: v };
  if (typeof v === 'string' && v.length <= SHORT) return { kind: 'text', value: v };
  if (Array.isArray(v) && v.length > 0 && v.length <= 50 && v.every((x) => typeof x === 'string' && x.length <= SHORT))
    return { kind: 'texts', value: v as string[] };
  // An OCR result object: its `result` text.
  if (v && typeof v === 'object' && !Array.isArray(v) && !isImageValue(v)) {
    const r = (v as { result?: unknown }).result;
    if (typeof r === 'string' && r.length <= SHORT) return { kind: 'text', value: r };
  }
  return null;
}

const textOf = (t: string) => (t.trim() === '' ? <span className="muted">no text found</span> : t);

export function ResultValues(props: { output: Record<string, unknown> }) {
  const values = Object.entries(props.output)
    .map(([name, v]) => [name, shownAs(v)] as const)
    .filter((e): e is readonly [string, Shown] => e[1] !== null);
  if (!values.length) return null;
  return (
    <div className="result-values" data-testid="result-values">
      {values.map(([name, s]) => (
        <div className="result-value" key={name} data-testid={`result-value-${name}`}>
          <div className="value-name">{name}</div>
          {s.kind === 'number' && (
            <div className="value-big">{Number.isInteger(s.value) ? s.value : s.value.toFixed(3)}</div>
          )}
          {s.kind === 'flag' && <div className="value-big">{s.value ? 'yes' : 'no'}</div>}
          {s.kind === 'text' && <div className="value-text">{textOf(s.value)}</div>}
          {s.kind === 'texts' && (
            <ol className="value-text">
              {s.value.map((t, i) => (
                <li key={i}>{textOf(t)}</li>
              ))}
            </ol>
          )}
        </div>
      ))}
    </div>
  );
}
