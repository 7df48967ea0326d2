// Bottom panel: give the workflow's inputs (image files or URLs, parameter values), POST /workflows/run and
// show the outputs: images, detections drawn on the input image, and the JSON.
import { useState } from 'react';
import { inputKinds } from '../model/kinds.ts';
import type { InputDef } from '../model/types.ts';
import { ApiError } from './api.ts';
import { liveRun } from './run-state/live-run.ts';
import { RunProgress } from './run-state/RunProgress.tsx';
import { StepOutputs } from './StepOutputs.tsx';
import { LiveSource } from './run-state/LiveSource.tsx';
import { ResultVisuals } from './result-visuals.tsx';
import { ResultValues } from './result-values.tsx';
import { effectiveDefinition } from '../model/canvas-extras.ts';
import { JsonTree } from './results.tsx';
import { store, useStore } from './store.ts';
import { placeErrors } from '../model/validation.ts';

interface ImageChoice {
  files: Array<{ name: string; dataUrl: string }>;
  url: string;
}

const isImageInput = (i: InputDef) => inputKinds(i).includes('image');

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export function RunPanel(props: { onClose: () => void }) {
  const s = useStore();
  const inputs = s.doc.definition.inputs;
  const [images, setImages] = useState<Record<string, ImageChoice>>({});
  const [params, setParams] = useState<Record<string, string>>({});
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Array<Record<string, unknown>> | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    const payload: Record<string, unknown> = {};
    for (const input of inputs) {
      if (isImageInput(input)) {
        const choice = images[input.name];
        const list = choice?.files.length
          ? choice.files.map((f) => ({ type: 'base64', value: f.dataUrl.slice(f.dataUrl.indexOf(',') + 1) }))
          : choice?.url
            ? [{ type: 'url', value: choice.url }]
            : [];
        if (list.length) payload[input.name] = list.length === 1 ? list[0] : list;
      } else if (params[input.name] !== undefined && params[input.name] !== '') {
        const text = params[input.name];
        try {
          payload[input.name] = JSON.parse(text);
        } catch {
          payload[input.name] = text;
        }
      }
    }
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      // Over the run channel: nodes show their state as steps run, unchanged steps come from the server's cache.
      const view = await liveRun.run({
        definition: effectiveDefinition(s.doc.definition, s.doc.layout, s.catalog),
        inputs: payload,
        inputImages: inputFiles(),
      });
      setResult(view.outputs ?? []);
    } catch (err) {
      if (err instanceof ApiError && err.status === 0 && liveRun.view?.running) return; // replaced by a newer run
      const body = err instanceof ApiError ? err.body : null;
      const typed =
        body && typeof body === 'object' && 'error_type' in body
          ? `${(body as { error_type: string }).error_type}: `
          : '';
      setError(`${typed}${(err as Error).message}`);
      if (err instanceof ApiError && Array.isArray((body as { blocks_errors?: unknown })?.blocks_errors)) {
        store.errors = placeErrors(s.doc.definition, body, err.status);
        store.changed();
      }
    } finally {
      setRunning(false);
    }
  };

  const firstImageInput = inputs.find(isImageInput);
  /** Parameter inputs as sent (video frames bring their own image). */
  const parameterValues = () => {
    const out: Record<string, unknown> = {};
    for (const input of inputs) {
      const text = params[input.name];
      if (isImageInput(input) || text === undefined || text === '') continue;
      try {
        out[input.name] = JSON.parse(text);
      } catch {
        out[input.name] = text;
      }
    }
    return out;
  };
  const inputFiles = () => (firstImageInput ? (images[firstImageInput.name]?.files ?? []).map((f) => f.dataUrl) : []);
  const inputSrc = (i: number): string | null => {
    const files = firstImageInput ? images[firstImageInput.name]?.files : undefined;
    return (
      files?.[Math.min(i, files.length - 1)]?.dataUrl ??
      (firstImageInput ? images[firstImageInput.name]?.url || null : null)
    );
  };

  return (
    <section className="run-panel" data-testid="run-panel">
      <div className="run-inputs">
        <div className="panel-title">
          <div>Run</div>
          <button className="link-button" onClick={props.onClose}>
            close
          </button>
        </div>
        {inputs.length === 0 && <p className="muted">This workflow has no inputs.</p>}
        {inputs.map((input) =>
          isImageInput(input) ? (
            <div className="field" key={input.name}>
              <label>
                {input.name} <span className="kinds">image(s)</span>
              </label>
              <input
                type="file"
                accept="image/*"
                multiple
                data-testid={`run-file-${input.name}`}
                onChange={async (e) => {
                  const files = await Promise.all(
                    [...(e.target.files ?? [])].map(async (f) => ({ name: f.name, dataUrl: await readAsDataUrl(f) })),
                  );
                  setImages((m) => ({ ...m, [input.name]: { files, url: m[input.name]?.url ?? '' } }));
                }}
              />
              <input
                className="input"
                placeholder="…or an image URL"
                data-testid={`run-url-${input.name}`}
                value={images[input.name]?.url ?? ''}
                onChange={(e) =>
                  setImages((m) => ({ ...m, [input.name]: { files: m[input.name]?.files ?? [], url: e.target.value } }))
                }
              />
              <div className="thumbs">
                {images[input.name]?.files.map((f) => (
                  <img key={f.name} src={f.dataUrl} alt={f.name} title={f.name} />
                ))}
              </div>
              <LiveSource input={input.name} otherInputs={parameterValues} onResult={setResult} onError={setError} />
            </div>
          ) : (
            <div className="field" key={input.name}>
              <label>
                {input.name} <span className="kinds">{inputKinds(input).join(' | ')}</span>
              </label>
              <input
                className="input"
                data-testid={`run-param-${input.name}`}
                placeholder={
                  input.default_value !== undefined
                    ? `default: ${JSON.stringify(input.default_value)}`
                    : 'value (JSON or text)'
                }
                value={params[input.name] ?? ''}
                onChange={(e) => setParams((m) => ({ ...m, [input.name]: e.target.value }))}
              />
            </div>
          ),
        )}
        <button className="primary-button" disabled={running} onClick={run} data-testid="run-button">
          {running ? 'Running…' : 'Run workflow'}
        </button>
      </div>
      <div className="run-results" data-testid="run-results">
        <RunProgress />
        <StepOutputs inputImages={inputFiles()} />
        {error && (
          <div className="run-error" data-testid="run-error">
            {error}
          </div>
        )}
        {!result && !error && <p className="muted">{running ? 'Running…' : 'Results appear here.'}</p>}
        {result?.map((out, i) => (
          <div className="result-card" key={i} data-testid="run-result">
            <div className="result-title">
              Result {i + 1} of {result.length}
            </div>
            <ResultValues output={out} />
            <ResultVisuals output={out} inputSrc={inputSrc(i)} />
            <JsonTree value={out} />
          </div>
        ))}
      </div>
    </section>
  );
}
