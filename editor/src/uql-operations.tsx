// The operations chain editor: one card per operation (reorder, remove, its own fields), a picker to append
// one. Fields come from the editor's field table; property names from describe's property_name_options.
import { addEntry, asEntries, looseText, parseLoose, removeEntry, renameEntry, setEntry } from '../model/entries.ts';
import type { Json, JsonObject } from '../model/types.ts';
import {
  buildStatement,
  moveBy,
  newOperation,
  parseOperations,
  removeAt,
  replaceAt,
  tryParse,
  parseGroup,
  buildOperations,
  type OperationNode,
} from '../model/uql.ts';
import { initialFields, operationFields, type FieldSpec, type UqlLanguage } from '../model/uql-language.ts';
import { CommitInput } from './fields.tsx';
import { groupedOperations, kindsAfter, plainLabel } from '../model/uql-plain.ts';
import { GroupEditor } from './uql-statements.tsx';

export interface UqlScope {
  language: UqlLanguage;
  /** Names dynamic operands may refer to (keys of the step's parameter dict). */
  names: string[];
  /** Kinds of the data entering the chain, when known (the picker then offers what applies). */
  inputKinds?: string[] | null;
}

export function OperationsChain(props: {
  nodes: OperationNode[];
  onChange: (nodes: OperationNode[]) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { nodes, onChange, scope, tid } = props;
  return (
    <div className="uql-chain" data-testid={tid}>
      {nodes.map((op, i) => (
        <div className="uql-op" key={i} data-testid={`${tid}-${i}`}>
          <div className="uql-op-head">
            <span className="mono" title={scope.language.operation(op.type)?.description}>
              {op.type}
            </span>
            <span className="muted uql-op-plain">{plainLabel(op.type)}</span>
            <span className="uql-spacer" />
            <button
              className="icon-button"
              title="Move up"
              disabled={i === 0}
              data-testid={`${tid}-${i}-up`}
              onClick={() => onChange(moveBy(nodes, i, -1))}
            >
              ↑
            </button>
            <button
              className="icon-button"
              title="Move down"
              disabled={i === nodes.length - 1}
              data-testid={`${tid}-${i}-down`}
              onClick={() => onChange(moveBy(nodes, i, 1))}
            >
              ↓
            </button>
            <button
              className="icon-button"
              title="Remove operation"
              data-testid={`${tid}-${i}-remove`}
              onClick={() => onChange(removeAt(nodes, i))}
            >
              ×
            </button>
          </div>
          {operationFields(op.type, op.fields).map((spec) => (
            <OperationField
              key={spec.name}
              spec={spec}
              op={op}
              scope={scope}
              tid={`${tid}-${i}-${spec.name}`}
              onChange={(v) => {
                const fields: JsonObject = { ...op.fields };
                if (v === undefined) delete fields[spec.name];
                else fields[spec.name] = v;
                onChange(replaceAt(nodes, i, { ...op, fields }));
              }}
            />
          ))}
        </div>
      ))}
      <select
        className="input uql-add"
        data-testid={`${tid}-add`}
        value=""
        onChange={(e) =>
          e.target.value &&
          onChange([...nodes, newOperation(e.target.value, initialFields(e.target.value, scope.language))])
        }
      >
        <option value="">+ operation…</option>
        {groupedOperations(
          scope.language,
          kindsAfter(
            scope.language,
            scope.inputKinds ?? null,
            nodes.map((n) => n.type),
          ),
        ).map((g) => (
          <optgroup key={g.group} label={g.group}>
            {g.operations.map((o) => (
              <option key={o.type} value={o.type} title={`${o.type}: ${o.description}`}>
                {plainLabel(o.type)} — {o.type}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

function OperationField(props: {
  spec: FieldSpec;
  op: OperationNode;
  scope: UqlScope;
  tid: string;
  onChange: (v: Json | undefined) => void;
}) {
  const { spec, op, scope, tid, onChange } = props;
  const value = op.fields[spec.name];
  let editor: React.ReactNode;
  switch (spec.type) {
    case 'enum':
    case 'property': {
      const options = spec.type === 'enum' ? spec.options : (scope.language.operation(op.type)?.propertyOptions ?? []);
      const current = typeof value === 'string' ? value : '';
      editor = (
        <select
          className="input"
          data-testid={tid}
          value={current}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">{spec.type === 'enum' && spec.default ? `default: ${spec.default}` : 'choose…'}</option>
          {current && !options.includes(current) && <option value={current}>{current} (unknown)</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'boolean':
      editor = (
        <select
          className="input"
          data-testid={tid}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        >
          <option value="">{spec.default === undefined ? '—' : `default: ${String(spec.default)}`}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
      break;
    case 'number':
    case 'integer':
    case 'string':
      editor = (
        <CommitInput
          className="input"
          testid={tid}
          value={value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)}
          placeholder={spec.default === undefined ? '' : `default: ${JSON.stringify(spec.default)}`}
          onCommit={(t) =>
            onChange(t === '' && spec.type !== 'string' ? undefined : spec.type === 'string' ? t : numberOrText(t))
          }
        />
      );
      break;
    case 'dict':
      editor = <DictRows value={value} tid={tid} onChange={onChange} />;
      break;
    case 'operations': {
      const parsed = tryParse(parseOperations, value);
      editor = parsed.ok ? (
        <OperationsChain
          nodes={parsed.node}
          scope={{ ...scope, inputKinds: null }}
          tid={tid}
          onChange={(n) => onChange(buildOperations(n))}
        />
      ) : (
        <LooseJson value={value} tid={tid} onChange={onChange} error={parsed.error} />
      );
      break;
    }
    case 'statement': {
      const parsed = tryParse(parseGroup, value);
      // Inside a filter `_` is the detection under test.
      const inner = { ...scope, names: ['_', ...scope.names.filter((n) => n !== '_')] };
      editor = parsed.ok ? (
        <GroupEditor node={parsed.node} scope={inner} tid={tid} onChange={(g) => onChange(buildStatement(g))} />
      ) : (
        <LooseJson value={value} tid={tid} onChange={onChange} error={parsed.error} />
      );
      break;
    }
    default:
      editor = <LooseJson value={value} tid={tid} onChange={onChange} />;
  }
  return (
    <div className="uql-op-field">
      <span className="uql-field-name mono">{spec.name}</span>
      {editor}
    </div>
  );
}

function numberOrText(text: string): Json {
  const parsed = parseLoose(text);
  return typeof parsed === 'number' ? parsed : text;
}

/** Any JSON value typed as text: numbers, lists, dicts parsed; anything else kept as a string. */
export function LooseJson(props: {
  value: Json | undefined;
  tid: string;
  onChange: (v: Json | undefined) => void;
  error?: string;
  placeholder?: string;
}) {
  return (
    <div>
      <CommitInput
        className="input mono"
        testid={props.tid}
        value={looseText(props.value)}
        placeholder={props.placeholder ?? 'value'}
        onCommit={(t) => props.onChange(t === '' ? undefined : parseLoose(t))}
      />
      {props.error && <div className="field-error">{props.error}</div>}
    </div>
  );
}

/** A lookup table: key → value rows, values typed loosely. */
function DictRows(props: { value: Json | undefined; tid: string; onChange: (v: Json) => void }) {
  const dict = asEntries(props.value);
  const entries = Object.entries(dict);
  return (
    <div className="dict-field">
      {entries.map(([key, v], i) => (
        <div className="uql-dict-row" key={key}>
          <CommitInput
            className="input mono"
            value={key}
            testid={`${props.tid}-key-${i}`}
            onCommit={(k) => props.onChange(renameEntry(dict, key, k.trim()))}
          />
          <CommitInput
            className="input"
            value={looseText(v)}
            testid={`${props.tid}-value-${i}`}
            onCommit={(t) => props.onChange(setEntry(dict, key, parseLoose(t)))}
          />
          <button
            className="icon-button"
            title="Remove"
            data-testid={`${props.tid}-remove-${i}`}
            onClick={() => props.onChange(removeEntry(dict, key))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        className="small-button"
        data-testid={`${props.tid}-add`}
        onClick={() => props.onChange(addEntry(dict, 'key', '').dict)}
      >
        + entry
      </button>
    </div>
  );
}
