// Statement forms: a group (and/or, add/remove statements, nested groups), binary and unary statements
// (negate, comparator from describe's operators), operands (static value or a named parameter, with an
// operations chain), and expression@v1's cases.
import type { Json } from '../model/types.ts';
import {
  dynamicOperand,
  emptyGroup,
  newBinary,
  newCase,
  newUnary,
  removeAt,
  replaceAt,
  staticOperand,
  type CaseResultNode,
  type CasesNode,
  type GroupNode,
  type OperandNode,
  type StatementNode,
} from '../model/uql.ts';
import { LooseJson, OperationsChain, type UqlScope } from './uql-operations.tsx';

export function GroupEditor(props: {
  node: GroupNode;
  onChange: (g: GroupNode) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { node, onChange, scope, tid } = props;
  const setStatements = (statements: StatementNode[]) => onChange({ ...node, statements });
  const firstName = scope.names[0] ?? '_';
  const firstComparator =
    scope.language.binary.find((o) => o.type === '==')?.type ?? scope.language.binary[0]?.type ?? '==';
  return (
    <div className="uql-group" data-testid={tid}>
      <div className="uql-group-head">
        <span className="muted">match</span>
        <div className="segmented">
          <button
            className={node.operator === 'and' ? 'on' : ''}
            data-testid={`${tid}-and`}
            onClick={() => onChange({ ...node, operator: 'and' })}
          >
            all (and)
          </button>
          <button
            className={node.operator === 'or' ? 'on' : ''}
            data-testid={`${tid}-or`}
            onClick={() => onChange({ ...node, operator: 'or' })}
          >
            any (or)
          </button>
        </div>
      </div>
      {node.statements.length === 0 && (
        <div className="muted uql-empty">
          No conditions: {node.operator === 'and' ? 'always true' : 'always false'}.
        </div>
      )}
      {node.statements.map((s, i) => (
        <div className="uql-statement" key={i}>
          <div className="uql-statement-body">
            <StatementEditor
              node={s}
              scope={scope}
              tid={`${tid}-${i}`}
              onChange={(n) => setStatements(replaceAt(node.statements, i, n))}
            />
          </div>
          <button
            className="icon-button"
            title="Remove"
            data-testid={`${tid}-${i}-remove`}
            onClick={() => setStatements(removeAt(node.statements, i))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="uql-buttons">
        <button
          className="small-button"
          data-testid={`${tid}-add`}
          onClick={() =>
            setStatements([
              ...node.statements,
              newBinary(dynamicOperand(firstName), firstComparator, staticOperand(null)),
            ])
          }
        >
          + condition
        </button>
        <button
          className="small-button"
          data-testid={`${tid}-add-group`}
          onClick={() => setStatements([...node.statements, emptyGroup('or')])}
        >
          + group
        </button>
      </div>
    </div>
  );
}

function StatementEditor(props: {
  node: StatementNode;
  onChange: (n: StatementNode) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { node, onChange, scope, tid } = props;
  if (node.kind === 'group') return <GroupEditor node={node} onChange={onChange} scope={scope} tid={tid} />;
  const operand = node.kind === 'binary' ? node.left : node.operand;
  const current = node.kind === 'binary' ? node.comparator : node.operator;
  const choose = (type: string) => {
    if (scope.language.isUnary(type))
      onChange(
        node.kind === 'unary' ? { ...node, operator: type } : { ...newUnary(operand, type), negate: node.negate },
      );
    else
      onChange(
        node.kind === 'binary'
          ? { ...node, comparator: type }
          : { ...newBinary(operand, type, staticOperand(null)), negate: node.negate },
      );
  };
  const known = [...scope.language.binary, ...scope.language.unary].some((o) => o.type === current);
  return (
    <div className="uql-condition">
      <OperandEditor
        node={operand}
        scope={scope}
        tid={`${tid}-left`}
        onChange={(o) => onChange(node.kind === 'binary' ? { ...node, left: o } : { ...node, operand: o })}
      />
      <div className="uql-comparator">
        <label className="uql-negate" title="Negate the statement">
          <input
            type="checkbox"
            checked={node.negate}
            data-testid={`${tid}-negate`}
            onChange={(e) => onChange({ ...node, negate: e.target.checked })}
          />{' '}
          not
        </label>
        <select
          className="input mono"
          data-testid={`${tid}-comparator`}
          value={current}
          onChange={(e) => choose(e.target.value)}
        >
          {!known && <option value={current}>{current} (unknown)</option>}
          <optgroup label="compare with a value">
            {scope.language.binary.map((o) => (
              <option key={o.type} value={o.type} title={o.description}>
                {o.type}
              </option>
            ))}
          </optgroup>
          <optgroup label="test the value">
            {scope.language.unary.map((o) => (
              <option key={o.type} value={o.type} title={o.description}>
                {o.type}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      {node.kind === 'binary' && (
        <OperandEditor
          node={node.right}
          scope={scope}
          tid={`${tid}-right`}
          onChange={(o) => onChange({ ...node, right: o })}
        />
      )}
    </div>
  );
}

/** A parameter name picked from the scope (the current one kept even when not declared). */
function NamePicker(props: { value: string; names: string[]; tid: string; onChange: (name: string) => void }) {
  const names = props.names.includes(props.value) || !props.value ? props.names : [props.value, ...props.names];
  return (
    <select
      className="input mono"
      data-testid={props.tid}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {!props.value && <option value="">choose a parameter…</option>}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
          {props.names.includes(n) ? '' : ' (not declared)'}
        </option>
      ))}
    </select>
  );
}

function KindToggle(props: { dynamic: boolean; tid: string; onChange: (dynamic: boolean) => void }) {
  return (
    <div className="segmented uql-kind">
      <button
        className={props.dynamic ? 'on' : ''}
        data-testid={`${props.tid}-dynamic`}
        onClick={() => props.onChange(true)}
      >
        parameter
      </button>
      <button
        className={!props.dynamic ? 'on' : ''}
        data-testid={`${props.tid}-static`}
        onClick={() => props.onChange(false)}
      >
        value
      </button>
    </div>
  );
}

function OperandEditor(props: { node: OperandNode; onChange: (o: OperandNode) => void; scope: UqlScope; tid: string }) {
  const { node, onChange, scope, tid } = props;
  return (
    <div className="uql-operand" data-testid={tid}>
      <KindToggle
        dynamic={node.kind === 'dynamic'}
        tid={tid}
        onChange={(dynamic) =>
          onChange({ ...node, kind: dynamic ? 'dynamic' : 'static', name: node.name || (scope.names[0] ?? '_') })
        }
      />
      {node.kind === 'dynamic' ? (
        <NamePicker
          value={node.name}
          names={scope.names}
          tid={`${tid}-name`}
          onChange={(name) => onChange({ ...node, name })}
        />
      ) : (
        <LooseJson
          value={node.value}
          tid={`${tid}-value`}
          placeholder="value: 2, text, [1, 2]…"
          onChange={(v) => onChange({ ...node, value: v === undefined ? null : v })}
        />
      )}
      <OperationsChain
        nodes={node.operations}
        scope={scope}
        tid={`${tid}-ops`}
        onChange={(operations) => onChange({ ...node, operations })}
      />
    </div>
  );
}

function CaseResultEditor(props: {
  node: CaseResultNode;
  onChange: (r: CaseResultNode) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { node, onChange, scope, tid } = props;
  return (
    <div className="uql-operand" data-testid={tid}>
      <KindToggle
        dynamic={node.kind === 'dynamic'}
        tid={tid}
        onChange={(dynamic) =>
          onChange({ ...node, kind: dynamic ? 'dynamic' : 'static', name: node.name || (scope.names[0] ?? '') })
        }
      />
      {node.kind === 'dynamic' ? (
        <>
          <NamePicker
            value={node.name}
            names={scope.names}
            tid={`${tid}-name`}
            onChange={(name) => onChange({ ...node, name })}
          />
          <OperationsChain
            nodes={node.operations}
            scope={scope}
            tid={`${tid}-ops`}
            onChange={(operations) => onChange({ ...node, operations })}
          />
        </>
      ) : (
        <LooseJson
          value={node.value}
          tid={`${tid}-value`}
          onChange={(v: Json | undefined) => onChange({ ...node, value: v === undefined ? null : v })}
        />
      )}
    </div>
  );
}

export function CasesEditor(props: {
  node: CasesNode;
  onChange: (c: CasesNode) => void;
  scope: UqlScope;
  tid: string;
}) {
  const { node, onChange, scope, tid } = props;
  return (
    <div className="uql-cases" data-testid={tid}>
      {node.cases.map((c, i) => (
        <div className="uql-case" key={i}>
          <div className="uql-op-head">
            <span className="uql-field-name">Case {i + 1}: when</span>
            <span className="uql-spacer" />
            <button
              className="icon-button"
              title="Remove case"
              data-testid={`${tid}-${i}-remove`}
              onClick={() => onChange({ ...node, cases: removeAt(node.cases, i) })}
            >
              ×
            </button>
          </div>
          <GroupEditor
            node={c.condition}
            scope={scope}
            tid={`${tid}-${i}-when`}
            onChange={(condition) => onChange({ ...node, cases: replaceAt(node.cases, i, { ...c, condition }) })}
          />
          <span className="uql-field-name">then output</span>
          <CaseResultEditor
            node={c.result}
            scope={scope}
            tid={`${tid}-${i}-result`}
            onChange={(result) => onChange({ ...node, cases: replaceAt(node.cases, i, { ...c, result }) })}
          />
        </div>
      ))}
      <button
        className="small-button"
        data-testid={`${tid}-add`}
        onClick={() => onChange({ ...node, cases: [...node.cases, newCase()] })}
      >
        + case
      </button>
      <div className="uql-case">
        <span className="uql-field-name">Otherwise output</span>
        <CaseResultEditor
          node={node.default}
          scope={scope}
          tid={`${tid}-default`}
          onChange={(d) => onChange({ ...node, default: d })}
        />
      </div>
    </div>
  );
}
