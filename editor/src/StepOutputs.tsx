// What the selected step produced in the live run: per batch element (each input image, each crop) with a
// scrubber and, for image outputs, a gallery; images as they came, detections drawn on their image with classes
// and confidences, text (OCR) and values as text, lists with their length, anything else as JSON.
import { useEffect, useState } from 'react';
import {
  durationText,
  imageFor,
  skipText,
  type ElementPreview,
  type RunView,
  type ValuePreview,
} from '../model/run-events.ts';
import { useLiveRun } from './run-state/live-run.ts';
import { useStore } from './store.ts';
import './run-state/run-state.css';

type ImagePreview = Extract<ValuePreview, { type: 'image' }>;
type DetectionsPreview = Extract<ValuePreview, { type: 'detections' }>;

const jpeg = (image: ImagePreview) => `data:image/jpeg;base64,${image.jpeg}`;

function Detections(props: { value: DetectionsPreview; image: { src: string; width: number; height: number } | null }) {
  const { value, image } = props;
  const [h, w] = value.image_dimensions ?? [image?.height ?? 1, image?.width ?? 1];
  return (
    <div className="so-detections" data-testid="so-detections">
      <div className="so-det-count">
        {value.count} detection{value.count === 1 ? '' : 's'}
      </div>
      {image && (
        <div className="so-overlay">
          <img src={image.src} alt="" />
          <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none">
            {value.boxes.map(([x0, y0, x1, y1], i) => (
              <g key={i}>
                <rect x={x0} y={y0} width={x1 - x0} height={y1 - y0} className="so-box" />
                <text x={x0 + 2} y={y0 + Math.max(10, h / 40)} className="so-box-label" fontSize={Math.max(10, h / 40)}>
                  {value.classes[i]} {value.confidences[i]?.toFixed(2)}
                </text>
              </g>
            ))}
            {value.masks?.map((points, i) => (
              <polygon key={`m${i}`} points={points.join(' ')} className="so-mask" />
            ))}
            {value.keypoints?.map((points, i) =>
              points.map(([x, y], j) => (
                <circle key={`${i}-${j}`} cx={x} cy={y} r={Math.max(2, w / 200)} className="so-kp" />
              )),
            )}
          </svg>
        </div>
      )}
      <table className="so-det-table">
        <tbody>
          {value.classes.slice(0, 12).map((c, i) => (
            <tr key={i}>
              <td>{c}</td>
              <td>{value.confidences[i]?.toFixed(2)}</td>
              <td className="muted">{value.boxes[i]?.map((v) => Math.round(v)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {value.count > 12 && <div className="muted">…and {value.count - 12} more</div>}
    </div>
  );
}

function Value(props: { value: ValuePreview; view: RunView; index: number[]; inputImages: string[]; depth?: number }) {
  const { value } = props;
  switch (value.type) {
    case 'image':
      return (
        <figure className="so-image">
          <img src={jpeg(value)} alt="" data-testid="so-image" />
          <figcaption className="muted">
            {value.width}×{value.height}
          </figcaption>
        </figure>
      );
    case 'detections': {
      const found = imageFor(props.view, props.index, value.image_dimensions);
      const input = props.index.length === 1 ? props.inputImages[props.index[0]!] : undefined;
      const image = found
        ? { src: jpeg(found), width: found.width, height: found.height }
        : input && value.image_dimensions
          ? { src: input, width: value.image_dimensions[1], height: value.image_dimensions[0] }
          : null;
      return <Detections value={value} image={image} />;
    }
    case 'list':
      return (
        <div className="so-list">
          <div className="muted">
            list of {value.length}
            {value.items.length < value.length ? ` (first ${value.items.length})` : ''}
          </div>
          {(props.depth ?? 0) < 2 &&
            value.items.map((item, i) => <Value key={i} {...props} value={item} depth={(props.depth ?? 0) + 1} />)}
        </div>
      );
    case 'scalar':
      return (
        <pre className="so-text" data-testid="so-text">
          {value.value === null ? 'null' : String(value.value)}
          {value.truncated ? '…' : ''}
        </pre>
      );
    case 'json':
      return (
        <pre className="so-json">
          {value.text}
          {value.truncated ? '…' : ''}
        </pre>
      );
  }
}

function imagesOf(element: ElementPreview): ImagePreview[] {
  return Object.values(element.outputs).filter((v): v is ImagePreview => v.type === 'image');
}

export function StepOutputs(props: { inputImages: string[] }) {
  const s = useStore();
  const run = useLiveRun();
  const node = s.selection.length === 1 ? s.graph.nodes.find((n) => n.id === s.selection[0]) : undefined;
  const step = node?.kind === 'step' ? node.name : null;
  const [position, setPosition] = useState(0);
  useEffect(() => setPosition(0), [step]);
  if (!step || !run.view) return null;
  const state = run.view.steps[step];
  if (!state) return null;
  const elements = state.preview?.elements ?? [];
  const at = Math.min(position, Math.max(0, elements.length - 1));
  const element = elements[at];
  const gallery = elements.length > 1 && elements.every((e) => imagesOf(e).length > 0);
  return (
    <div className="step-outputs" data-testid="step-outputs">
      <div className="so-title">
        Outputs of <b>{step}</b>{' '}
        <span className={`so-status node-run-${state.status}`}>
          {state.status === 'skipped' ? skipText(state.reason) : state.status}
          {state.durationMs !== undefined && state.status !== 'skipped' ? ` · ${durationText(state.durationMs)}` : ''}
        </span>
        {elements.length > 0 && (
          <span className="muted">
            {' '}
            · {elements.length} element{elements.length === 1 ? '' : 's'}
            {state.preview?.omitted ? ` (+${state.preview.omitted} not shown)` : ''}
          </span>
        )}
      </div>
      {state.status === 'failed' && <div className="run-error">{state.error}</div>}
      {state.status !== 'failed' && elements.length === 0 && (
        <p className="muted">{state.status === 'done' || state.status === 'cached' ? 'No outputs.' : 'Not run yet.'}</p>
      )}
      {gallery && (
        <div className="so-gallery" data-testid="so-gallery">
          {elements.map((e, i) => (
            <img
              key={e.index.join(',')}
              src={jpeg(imagesOf(e)[0]!)}
              className={i === at ? 'current' : ''}
              title={`[${e.index.join(', ')}]`}
              alt=""
              onClick={() => setPosition(i)}
            />
          ))}
        </div>
      )}
      {elements.length > 1 && (
        <div className="so-scrubber">
          <input
            type="range"
            min={0}
            max={elements.length - 1}
            value={at}
            data-testid="so-scrubber"
            onChange={(e) => setPosition(Number(e.target.value))}
          />
          <span data-testid="so-position">
            {at + 1} of {elements.length} · index [{element?.index.join(', ')}]
          </span>
        </div>
      )}
      {element && (
        <div className="so-element">
          {Object.entries(element.outputs).map(([name, value]) => (
            <div className="so-output" key={name}>
              <div className="so-output-name">{name}</div>
              <Value value={value} view={run.view!} index={element.index} inputImages={props.inputImages} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
