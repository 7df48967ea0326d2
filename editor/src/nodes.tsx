// Canvas nodes for inputs, steps and outputs. Step ports come from the block schema: selector-capable
// properties are target handles, declared outputs are source handles. While a wire is being dragged every
// port says whether it can take it (kind check from the describe data).
import { Handle, Position, useConnection, type NodeProps } from '@xyflow/react';
import { useState } from 'react';
import type { GraphNode } from '../model/graph.ts';
import { FLOW_SOURCE, FLOW_TARGET, INPUT_HANDLE, OUTPUT_HANDLE } from '../model/graph.ts';
import { checkConnection, inputKinds } from '../model/kinds.ts';
import { inputMeta, visiblePorts } from '../model/node-size.ts';
import type { InputDef, OutputDef, StepDef } from '../model/types.ts';
import { useStore } from './store.ts';
import { stepFlags } from '../model/canvas-extras.ts';
import { NodeRunBadge, useRunClass } from './run-state/NodeRunBadge.tsx';

export type GraphNodeData = { node: GraphNode };

function usePortState(nodeId: string, handle: string, type: 'source' | 'target'): string {
  const store = useStore();
  const connection = useConnection();
  if (!connection.inProgress || !connection.fromHandle) return '';
  const from = connection.fromHandle;
  if (from.type === type) return 'port-idle';
  const source = type === 'target' ? { node: from.nodeId, handle: from.id ?? '' } : { node: nodeId, handle };
  const target = type === 'target' ? { node: nodeId, handle } : { node: from.nodeId, handle: from.id ?? '' };
  return checkConnection(store.doc.definition, store.catalog, source, target).ok ? 'port-ok' : 'port-bad';
}

function Port(props: {
  nodeId: string;
  id: string;
  type: 'source' | 'target';
  label: string;
  title?: string;
  error?: boolean;
  wired?: boolean;
}) {
  const state = usePortState(props.nodeId, props.id, props.type);
  return (
    <div
      className={`port port-${props.type} ${state} ${props.error ? 'port-error' : ''} ${props.wired ? 'port-wired' : ''}`}
      title={props.title}
      data-testid={`port-${props.type}-${props.id}`}
    >
      <Handle
        type={props.type}
        position={props.type === 'target' ? Position.Left : Position.Right}
        id={props.id}
        className="handle"
      />
      <span className="port-label">{props.label}</span>
    </div>
  );
}

function errorsOf(store: ReturnType<typeof useStore>, id: string) {
  return store.errors.nodes[id] ?? [];
}

export function StepNode({ data, selected }: NodeProps & { data: GraphNodeData }) {
  const store = useStore();
  const [expanded, setExpanded] = useState(false);
  const node = data.node;
  const step = node.data as StepDef;
  const block = store.catalog.get(step.type);
  const errors = errorsOf(store, node.id);
  const errorProps = new Set(errors.map((e) => e.property));
  const wiredProps = new Set(store.graph.edges.filter((e) => e.target === node.id).map((e) => e.targetHandle));
  const { shown, hidden } = visiblePorts(block, wiredProps, errorProps, expanded);
  const isFlow = block?.properties.some((p) => p.selector?.selectedElement === 'step');
  // `$steps.x.*` outputs leave from an "all outputs" port.
  const wildcard = store.graph.edges.some((e) => e.source === node.id && e.sourceHandle === '*');
  const flags = stepFlags(store.doc.layout, node.name);
  const runClass = useRunClass(node.name);
  return (
    <div
      className={`node step-node family-${block?.family ?? 'unknown'} ${selected ? 'selected' : ''} ${errors.length ? 'has-error' : ''} ${runClass}`}
      data-testid={`node-step-${node.name}`}
      data-collapsed={flags.collapsed || undefined}
      data-bypass={flags.bypass || undefined}
    >
      <Handle type="target" position={Position.Top} id={FLOW_TARGET} className="handle handle-flow" />
      <div className="node-head">
        <span className="family-chip">{block ? block.family.replace(/_/g, ' ') : 'unknown block'}</span>
        <span className="node-title">{block?.name ?? step.type}</span>
        {flags.bypass && <span className="bypass-chip">bypassed</span>}
      </div>
      <div className="node-name">{node.name}</div>
      <div className="ports">
        {shown.map((p) => (
          <Port
            key={p.name}
            nodeId={node.id}
            id={p.name}
            type="target"
            label={p.title}
            title={`${p.name}: [${p.selector!.kinds.join(', ')}]`}
            error={errorProps.has(p.name)}
            wired={wiredProps.has(p.name)}
          />
        ))}
        {hidden > 0 && (
          <button className="ports-more nodrag" onClick={() => setExpanded(true)} data-testid="ports-more">
            + {hidden} more input{hidden > 1 ? 's' : ''}
          </button>
        )}
        {!block &&
          Object.keys(step)
            .filter((k) => wiredProps.has(k))
            .map((k) => <Port key={k} nodeId={node.id} id={k} type="target" label={k} />)}
        <div className="ports-divider" />
        {(block?.outputs ?? []).map((o) => (
          <Port
            key={o.name}
            nodeId={node.id}
            id={o.name}
            type="source"
            label={o.name}
            title={`[${o.kinds.join(', ')}]`}
          />
        ))}
      </div>
      {wildcard && (
        <Port nodeId={node.id} id="*" type="source" label="all outputs" title="$steps.name.* (every output)" />
      )}
      {(store.warnings[node.id] ?? []).map((w, i) => (
        <div key={i} className="node-warning" data-testid={`node-warning-${node.name}`}>
          ⚠ {w.message}
        </div>
      ))}
      <NodeRunBadge step={node.name} />
      {errors.length > 0 && (
        <div className="node-errors" data-testid={`node-error-${node.name}`}>
          {errors.slice(0, 3).map((e, i) => (
            <div key={i}>
              {e.property ? <b>{e.property}: </b> : null}
              {e.message}
            </div>
          ))}
        </div>
      )}
      {isFlow && (
        <Handle
          type="source"
          position={Position.Bottom}
          id={FLOW_SOURCE}
          className="handle handle-flow"
          title="next steps"
        />
      )}
    </div>
  );
}

export function InputNode({ data, selected }: NodeProps & { data: GraphNodeData }) {
  const store = useStore();
  const input = data.node.data as InputDef;
  const errors = errorsOf(store, data.node.id);
  const isImage = inputKinds(input).includes('image');
  return (
    <div
      className={`node io-node input-node ${selected ? 'selected' : ''} ${errors.length ? 'has-error' : ''}`}
      data-testid={`node-input-${data.node.name}`}
    >
      <div className="node-head">
        <span className="family-chip">{isImage ? 'image input' : 'parameter'}</span>
      </div>
      <div className="node-name">{data.node.name}</div>
      <div className="node-meta">{inputMeta(input)}</div>
      <Port nodeId={data.node.id} id={INPUT_HANDLE} type="source" label="value" />
      <NodeErrors id={`input-${data.node.name}`} errors={errors} />
    </div>
  );
}

export function OutputNode({ data, selected }: NodeProps & { data: GraphNodeData }) {
  const store = useStore();
  const output = data.node.data as OutputDef;
  const errors = errorsOf(store, data.node.id);
  return (
    <div
      className={`node io-node output-node ${selected ? 'selected' : ''} ${errors.length ? 'has-error' : ''}`}
      data-testid={`node-output-${data.node.name}`}
    >
      <div className="node-head">
        <span className="family-chip">output</span>
      </div>
      <div className="node-name">{data.node.name}</div>
      <Port
        nodeId={data.node.id}
        id={OUTPUT_HANDLE}
        type="target"
        label={
          output.selector
            ? output.selector.replace(/^\$steps\./, '').replace(/^\$inputs\./, 'input ')
            : 'pick a step output'
        }
        title={output.selector}
      />
      <NodeErrors id={`output-${data.node.name}`} errors={errors} />
    </div>
  );
}

/** Error text on input and output nodes (steps draw their own, with the field names). */
function NodeErrors(props: { id: string; errors: Array<{ property: string | null; message: string }> }) {
  if (!props.errors.length) return null;
  return (
    <div className="node-errors" data-testid={`node-error-${props.id}`}>
      {props.errors.slice(0, 3).map((e, i) => (
        <div key={i}>{e.message}</div>
      ))}
    </div>
  );
}

export const nodeTypes = { wfStep: StepNode, wfInput: InputNode, wfOutput: OutputNode };
export const nodeTypeOf = { step: 'wfStep', input: 'wfInput', output: 'wfOutput' } as const;
