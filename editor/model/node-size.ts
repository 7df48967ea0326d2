// What a canvas node shows (which step ports are visible) and how big it will be drawn, so an auto-layout
// made before the canvas has measured anything (an import, a saved workflow without a layout) leaves room
// for every node. The numbers follow the node CSS in editor/src/styles.css; keep them in step.
import type { BlockCatalog, BlockInfo, PropertyInfo } from './catalog.ts';
import type { GraphNode, WorkflowGraph } from './graph.ts';
import type { NodeSize } from './layout.ts';
import { inputKinds } from './kinds.ts';
import type { InputDef, StepDef } from './types.ts';

/** Kinds that are plain settings: such ports are tucked away unless wired or required. */
export const SETTING_KINDS = new Set([
  'float_zero_to_one',
  'float',
  'integer',
  'boolean',
  'string',
  'roboflow_model_id',
  'roboflow_project',
  'roboflow_api_key',
  'rgb_color',
  'list_of_values',
  'dictionary',
  'top_class',
  'secret',
  'language_model_output',
]);

/** The input ports a step node draws (selector-capable properties that are not flow-control step lists). */
export function visiblePorts(
  block: BlockInfo | undefined,
  wired: { has(name: string): boolean },
  errored: { has(name: string): boolean },
  expanded: boolean,
): { shown: PropertyInfo[]; hidden: number } {
  const ports = (block?.properties ?? []).filter((p) => p.selector && p.selector.selectedElement !== 'step');
  const shown = ports.filter(
    (p) =>
      expanded ||
      p.required ||
      wired.has(p.name) ||
      errored.has(p.name) ||
      !p.selector!.kinds.every((k) => SETTING_KINDS.has(k)),
  );
  return { shown, hidden: ports.length - shown.length };
}

/** The grey line under an input's name: its default value, or the kinds it takes. */
export function inputMeta(input: InputDef): string {
  return input.type === 'WorkflowParameter' && input.default_value !== undefined && input.default_value !== null
    ? `default: ${JSON.stringify(input.default_value)}`
    : `[${inputKinds(input).join(', ')}]`;
}

// Pixel sizes from styles.css (.node, .node-head, .node-name, .ports, .port, .ports-more, .io-node).
const BORDER = 1 + 3; // 1px sides and bottom, 3px family-coloured top
const HEAD = 8 + 13 + 2; // padding-top, family chip line, gap
const TITLE_LINE = 16;
const NAME = 2 + 14 + 6;
const META_LINE = 14;
const META_PADDING = 6;
const PORTS_PADDING = 4 + 8;
const PORT = 22;
const IO_PORT = PORT + 5;
const MORE = 4 + 4 + 14;
const DIVIDER = 9;
const STEP_MIN_WIDTH = 210;
const IO_MIN_WIDTH = 170;
const MAX_WIDTH = 280;
const SIDE_PADDING = 20;
/** Generous average glyph widths (system-ui 13px bold title, 12px labels, 11px mono). */
const TITLE_CHAR = 8.3;
const LABEL_CHAR = 7.4; // wired ports are bold
const CHIP_CHAR = 7.4; // uppercase, letter-spaced
const PORT_PADDING = 24;
const MONO_CHAR = 6.8;
const META_CHAR = 6.4;
/** Slack for font differences and an error line or two added after validation. */
const SLACK = 12;

const textWidth = (text: string, perChar: number) => Math.ceil(text.length * perChar);
const lines = (width: number, room: number) => Math.max(1, Math.ceil(width / room));

function clampWidth(min: number, ...contents: number[]): number {
  return Math.min(MAX_WIDTH, Math.max(min, ...contents.map((c) => c + SIDE_PADDING)));
}

function stepSize(node: GraphNode, graph: WorkflowGraph, catalog: BlockCatalog | null): NodeSize {
  const step = node.data as StepDef;
  const block = catalog?.get(step.type) ?? undefined;
  const wired = new Set(graph.edges.filter((e) => e.target === node.id && !e.control).map((e) => e.targetHandle));
  const { shown, hidden } = visiblePorts(block, wired, new Set(), false);
  const title = block?.name ?? step.type;
  const labels = [...shown.map((p) => p.title), ...(block?.outputs ?? []).map((o) => o.name)];
  const width = clampWidth(
    STEP_MIN_WIDTH,
    textWidth(title, TITLE_CHAR),
    textWidth(node.name, MONO_CHAR),
    textWidth(block?.family.replace(/_/g, ' ') ?? 'unknown block', CHIP_CHAR),
    ...labels.map((l) => textWidth(l, LABEL_CHAR) + PORT_PADDING - SIDE_PADDING),
  );
  const room = width - SIDE_PADDING;
  // An unknown block draws its wired properties as ports instead.
  const inputs = block ? shown.length : wired.size;
  // An "all outputs" port is drawn when an output takes `$steps.name.*`.
  const wildcard = graph.edges.some((e) => e.source === node.id && e.sourceHandle === '*') ? 1 : 0;
  const outputs = (block?.outputs.length ?? 0) + wildcard;
  const height =
    BORDER +
    HEAD +
    TITLE_LINE * lines(textWidth(title, TITLE_CHAR), room) +
    NAME +
    PORTS_PADDING +
    PORT * (inputs + outputs) +
    (hidden > 0 ? MORE : 0) +
    (outputs > 0 ? DIVIDER : 0);
  return { width, height: height + SLACK };
}

function ioSize(node: GraphNode): NodeSize {
  const label =
    node.kind === 'output' ? String((node.data as { selector?: unknown }).selector ?? 'pick a step output') : 'value';
  const meta = node.kind === 'input' ? textWidth(inputMeta(node.data as InputDef), META_CHAR) : 0;
  const width = clampWidth(
    IO_MIN_WIDTH,
    textWidth(node.name, MONO_CHAR),
    textWidth(label, LABEL_CHAR) + PORT_PADDING - SIDE_PADDING,
    meta,
  );
  const metaHeight = node.kind === 'input' ? META_PADDING + META_LINE * lines(meta, width - SIDE_PADDING) : 0;
  return { width, height: BORDER + HEAD + NAME + metaHeight + IO_PORT + SLACK };
}

/** The size a node will be drawn at (never smaller than what nodes.tsx renders for it unexpanded). */
export function estimateNodeSize(node: GraphNode, graph: WorkflowGraph, catalog: BlockCatalog | null): NodeSize {
  return node.kind === 'step' ? stepSize(node, graph, catalog) : ioSize(node);
}

/** A size function for autoLayout over `graph`. */
export function estimatedSizes(graph: WorkflowGraph, catalog: BlockCatalog | null): (id: string) => NodeSize {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (id) => {
    const node = byId.get(id);
    return node ? estimateNodeSize(node, graph, catalog) : { width: STEP_MIN_WIDTH, height: 120 };
  };
}
