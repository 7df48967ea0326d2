// Form fields generated from a property's JSON Schema: enums as selects, bounded numbers, booleans, text,
// JSON for lists/objects, and for selector-capable properties a choice between a literal and a compatible
// upstream output.
import { useEffect, useState } from 'react';
import type { SchemaNode } from '../model/types.ts';
import type { Json } from '../model/types.ts';

export interface SourceOption {
  selector: string;
  label: string;
  ok: boolean;
  reason: string;
}

function firstType(schema: SchemaNode): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null');
  return undefined;
}

/** Collapse anyOf/oneOf literal alternatives into the one an input can edit. */
function editableSchema(schema: SchemaNode): SchemaNode {
  const alts = (schema.anyOf ?? schema.oneOf) as SchemaNode[] | undefined;
  if (!Array.isArray(alts)) return schema;
  const consts = alts.flatMap((a) => ('const' in a ? [a.const] : Array.isArray(a.enum) ? (a.enum as unknown[]) : []));
  if (consts.length && alts.every((a) => 'const' in a || Array.isArray(a.enum) || a.type === 'null'))
    return { enum: consts };
  return alts.find((a) => a.type !== 'null') ?? schema;
}

export function LiteralInput(props: {
  schema: SchemaNode;
  value: Json | undefined;
  defaultValue: unknown;
  onChange: (v: Json | undefined) => void;
  testid: string;
}) {
  const schema = editableSchema(props.schema);
  const { value, onChange } = props;
  const placeholder = props.defaultValue === undefined ? '' : `default: ${JSON.stringify(props.defaultValue)}`;
  if (Array.isArray(schema.enum)) {
    const options = schema.enum as Json[];
    const index = options.findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
    return (
      <select
        className="input"
        data-testid={props.testid}
        value={value === undefined ? '' : String(index)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}
      >
        <option value="">{placeholder || '—'}</option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  }
  const type = firstType(schema);
  if (type === 'boolean') {
    return (
      <select
        className="input"
        data-testid={props.testid}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
      >
        <option value="">{placeholder || '—'}</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  if (type === 'number' || type === 'integer') {
    const min = (schema.minimum ?? schema.exclusiveMinimum) as number | undefined;
    const max = (schema.maximum ?? schema.exclusiveMaximum) as number | undefined;
    return (
      <div className="number-field">
        <input
          className="input"
          type="number"
          data-testid={props.testid}
          min={min}
          max={max}
          step={type === 'integer' ? 1 : max !== undefined && max <= 1 ? 0.01 : 'any'}
          placeholder={placeholder}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
        {(min !== undefined || max !== undefined) && (
          <span className="bounds">
            {min ?? '−∞'} … {max ?? '∞'}
          </span>
        )}
      </div>
    );
  }
  const items = schema.items as SchemaNode | undefined;
  if (
    type === 'array' &&
    items &&
    firstType(items) === 'string' &&
    (value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
  )
    return (
      <StringListInput
        value={value as string[] | undefined}
        onChange={onChange}
        testid={props.testid}
        placeholder={placeholder || 'comma-separated, e.g. person, car'}
      />
    );
  if (type === 'string' || (type === undefined && typeof value === 'string')) {
    return (
      <input
        className="input"
        data-testid={props.testid}
        placeholder={placeholder}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  }
  const example = Array.isArray(props.schema.examples) ? props.schema.examples[0] : undefined;
  const hint = placeholder || (example !== undefined ? `e.g. ${JSON.stringify(example)}` : undefined);
  return <JsonInput value={value} onChange={onChange} placeholder={hint} testid={props.testid} />;
}

/** Free JSON (lists, dicts, anything): parsed on blur, a parse error keeps the text and says so. */
export function JsonInput(props: {
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  placeholder?: string;
  testid: string;
  rows?: number;
  pretty?: boolean;
}) {
  const serialized = props.value === undefined ? '' : JSON.stringify(props.value, null, props.pretty ? 2 : undefined);
  const [text, setText] = useState(serialized);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(serialized);
    setError(null);
  }, [serialized]);
  return (
    <div>
      <textarea
        className={`input json-input ${error ? 'invalid' : ''}`}
        rows={props.rows ?? 2}
        data-testid={props.testid}
        placeholder={props.placeholder ?? 'JSON value'}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (text.trim() === '') return props.onChange(undefined);
          try {
            props.onChange(JSON.parse(text) as Json);
            setError(null);
          } catch {
            setError('Not valid JSON');
          }
        }}
      />
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

export function SourceSelect(props: {
  value: string;
  options: SourceOption[];
  onChange: (v: string | undefined) => void;
  testid: string;
  allowEmpty?: boolean;
  placeholder?: string;
}) {
  const known = props.options.some((o) => o.selector === props.value);
  return (
    <select
      className="input mono"
      data-testid={props.testid}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value || undefined)}
    >
      <option value="">{props.placeholder ?? (props.allowEmpty === false ? 'choose…' : '— not connected —')}</option>
      {!known && props.value && <option value={props.value}>{props.value} (missing)</option>}
      {props.options.map((o) => (
        <option key={o.selector} value={o.selector} disabled={!o.ok} title={o.reason}>
          {o.label}
          {o.ok ? '' : ' (incompatible)'}
        </option>
      ))}
    </select>
  );
}

/** Text that commits on blur/Enter (for names, where every keystroke must not rename). */
export function CommitInput(props: {
  value: string;
  onCommit: (v: string) => void;
  testid: string;
  className?: string;
  placeholder?: string;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <input
      className={props.className ?? 'input mono'}
      placeholder={props.placeholder}
      data-testid={props.testid}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== props.value && props.onCommit(text)}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
    />
  );
}

/** A list of strings typed as `a, b, c` (e.g. a class filter); committed on blur or Enter. */
function StringListInput(props: {
  value: string[] | undefined;
  onChange: (v: Json | undefined) => void;
  testid: string;
  placeholder: string;
}) {
  return (
    <CommitInput
      className="input"
      value={(props.value ?? []).join(', ')}
      placeholder={props.placeholder}
      testid={props.testid}
      onCommit={(text) => {
        const list = text
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        props.onChange(list.length ? list : undefined);
      }}
    />
  );
}
