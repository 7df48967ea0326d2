// A step property written in UQL (condition_statement, switch, operations, *_operations), edited with the
// builder forms or, behind the "JSON" toggle, as raw JSON. A value the builder cannot read opens in JSON with
// the reason shown.
import { useState } from 'react';
import { asEntries, removeEntry, setEntry } from '../model/entries.ts';
import type { Json } from '../model/types.ts';
import {
  buildCases,
  buildOperations,
  buildStatement,
  emptyGroup,
  parseCases,
  parseGroup,
  parseOperations,
  staticCaseResult,
  tryParse,
  type OperationNode,
} from '../model/uql.ts';
import type { UqlPropertyRole } from '../model/uql-language.ts';
import { JsonInput } from './fields.tsx';
import { OperationsChain, type UqlScope } from './uql-operations.tsx';
import { CasesEditor, GroupEditor } from './uql-statements.tsx';

function parseFor(role: UqlPropertyRole, value: Json | undefined): { ok: true } | { ok: false; error: string } {
  if (value === undefined) return { ok: true };
  switch (role.shape) {
    case 'statement':
      return tryParse(parseGroup, value);
    case 'cases':
      return tryParse(parseCases, value);
    case 'operations':
      return tryParse(parseOperations, value);
    case 'operations-dict': {
      for (const [key, chain] of Object.entries(asEntries(value))) {
        const r = tryParse((v) => parseOperations(v, key), chain);
        if (!r.ok) return r;
      }
      return value && typeof value === 'object' && !Array.isArray(value)
        ? { ok: true }
        : { ok: false, error: 'expected a dict of operation lists' };
    }
  }
}

export function UqlField(props: {
  role: UqlPropertyRole;
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { role, value, onChange, scope, tid } = props;
  const parsed = parseFor(role, value);
  const [raw, setRaw] = useState(false);
  const showJson = raw || !parsed.ok;
  return (
    <div className="uql-field">
      <div className="segmented">
        <button
          className={!showJson ? 'on' : ''}
          disabled={!parsed.ok}
          data-testid={`${tid}-mode-builder`}
          onClick={() => setRaw(false)}
        >
          Builder
        </button>
        <button className={showJson ? 'on' : ''} data-testid={`${tid}-mode-json`} onClick={() => setRaw(true)}>
          JSON
        </button>
      </div>
      {!parsed.ok && (
        <div className="field-error" data-testid={`${tid}-parse-error`}>
          The builder cannot read this: {parsed.error}
        </div>
      )}
      {showJson ? (
        <JsonInput value={value} rows={14} pretty testid={`${tid}-json`} onChange={onChange} />
      ) : (
        <UqlBuilder role={role} value={value} onChange={onChange} scope={scope} tid={tid} />
      )}
    </div>
  );
}

function UqlBuilder(props: {
  role: UqlPropertyRole;
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { role, value, onChange, scope, tid } = props;
  switch (role.shape) {
    case 'statement':
      return (
        <GroupEditor
          node={value === undefined ? emptyGroup() : parseGroup(value)}
          scope={scope}
          tid={tid}
          onChange={(g) => onChange(buildStatement(g))}
        />
      );
    case 'cases': {
      const node = value === undefined ? { cases: [], default: staticCaseResult(null), raw: {} } : parseCases(value);
      return <CasesEditor node={node} scope={scope} tid={tid} onChange={(c) => onChange(buildCases(c))} />;
    }
    case 'operations':
      return (
        <OperationsChain
          nodes={parseOperations(value)}
          scope={scope}
          tid={tid}
          onChange={(n) => onChange(buildOperations(n))}
        />
      );
    case 'operations-dict':
      return <ChainsByName value={value} onChange={onChange} scope={scope} tid={tid} />;
  }
}

/** `{name: [operations]}`: one chain per parameter name. */
function ChainsByName(props: {
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { scope, tid } = props;
  const dict = asEntries(props.value);
  const unused = scope.names.filter((n) => !(n in dict));
  const set = (key: string, nodes: OperationNode[]) => props.onChange(setEntry(dict, key, buildOperations(nodes)));
  return (
    <div className="uql-chains">
      {Object.entries(dict).map(([key, chain], i) => (
        <div className="uql-case" key={key}>
          <div className="uql-op-head">
            <span className="uql-field-name mono">
              {key}
              {scope.names.includes(key) ? '' : ' (not declared)'}
            </span>
            <span className="uql-spacer" />
            <button
              className="icon-button"
              title="Remove"
              data-testid={`${tid}-${i}-remove`}
              onClick={() => {
                const next = removeEntry(dict, key);
                props.onChange(Object.keys(next).length ? next : undefined);
              }}
            >
              ×
            </button>
          </div>
          <OperationsChain
            nodes={parseOperations(chain, key)}
            scope={scope}
            tid={`${tid}-${i}`}
            onChange={(n) => set(key, n)}
          />
        </div>
      ))}
      <select
        className="input"
        data-testid={`${tid}-add`}
        value=""
        onChange={(e) => e.target.value && set(e.target.value, [])}
      >
        <option value="">{unused.length ? '+ operations for…' : 'every parameter has operations'}</option>
        {unused.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}
