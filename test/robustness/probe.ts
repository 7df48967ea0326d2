// Sends fuzzed requests to a running server and judges each answer against the robustness contract: a JSON
// body, no 5xx outside the classes docs/roboflow-compatibility.md#error-responses keeps at 500, and a 4xx that says what was wrong.
import type { RunningServer } from '../helpers/server.ts';

/** WorkflowError classes Roboflow leaves unmapped (generic 500, docs/roboflow-compatibility.md#error-responses): compile-time faults of the engine's own. */
const SPEC_500_CLASSES = new Set([
  'StepInputLineageError',
  'StepOutputLineageError',
  'ControlFlowDefinitionError',
  'BlockInterfaceError',
  'AssumptionError',
  'ExecutionEngineRuntimeError',
  'WorkflowEnvironmentConfigurationError',
  'PluginLoadingError',
  'PluginInterfaceError',
]);

/** A block failing with one of these is our code tripping over a value, not a genuine block failure. */
const JS_FAULTS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

export interface Probe {
  endpoint: string;
  label: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  contentType: string;
  body: any;
}

export class Recorder {
  readonly counts = new Map<string, Map<number, number>>();
  readonly problems: string[] = [];
  readonly allowed500: string[] = [];

  constructor(private readonly server: RunningServer) {}

  async send(probe: Probe): Promise<Answer> {
    const headers = { ...(probe.headers ?? {}) };
    if (probe.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.server.url + probe.endpoint, {
      method: probe.method ?? 'POST',
      headers,
      body: probe.body,
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: any;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const answer = { status: response.status, contentType, body };
    this.judge(probe, answer, text);
    return answer;
  }

  private judge(probe: Probe, answer: Answer, text: string): void {
    const route = probe.endpoint
      .replace(/\/workspaces\/[^/]+\/workflows\/[^/?]+/, '/workspaces/:ws/workflows/:id')
      .replace(/\?.*/, '');
    const key = `${probe.method ?? 'POST'} ${route}`;
    const row = this.counts.get(key) ?? new Map<number, number>();
    row.set(answer.status, (row.get(answer.status) ?? 0) + 1);
    this.counts.set(key, row);

    const where = `${key} [${probe.label}] -> ${answer.status}`;
    if (answer.status === 204) return;
    if (answer.body === undefined || !/json/.test(answer.contentType)) {
      this.problems.push(`${where}: not a JSON body (${answer.contentType}): ${text.slice(0, 200)}`);
      return;
    }
    const body = answer.body;
    if (answer.status >= 500) {
      const type = String(body?.error_type ?? '');
      const inner = String(body?.inner_error_type ?? '');
      const genuineBlockFailure = type === 'StepExecutionError' && !JS_FAULTS.has(inner);
      const summary = `${where}: ${type || '(no error_type)'} / ${inner}: ${String(body?.message ?? '').slice(0, 300)}`;
      if (SPEC_500_CLASSES.has(type) || genuineBlockFailure) this.allowed500.push(summary);
      else this.problems.push(summary);
      return;
    }
    if (answer.status >= 400) {
      const message = typeof body?.message === 'string' ? body.message : '';
      const detail = body?.detail;
      const hasDetail = (typeof detail === 'string' && detail !== '') || (Array.isArray(detail) && detail.length > 0);
      if (!message && !hasDetail) this.problems.push(`${where}: 4xx without message or detail: ${text.slice(0, 200)}`);
    }
  }

  /** Rows: endpoint; columns: status codes seen. */
  table(): string {
    const statuses = [...new Set([...this.counts.values()].flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
    const width = Math.max(...[...this.counts.keys()].map((k) => k.length), 8);
    const lines = [`${'endpoint'.padEnd(width)} ${statuses.map((s) => String(s).padStart(5)).join(' ')}`];
    for (const [key, row] of [...this.counts.entries()].sort()) {
      lines.push(`${key.padEnd(width)} ${statuses.map((s) => String(row.get(s) ?? '').padStart(5)).join(' ')}`);
    }
    return lines.join('\n');
  }
}
