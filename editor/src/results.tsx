// Rendering of run outputs: serialized images as pictures, detections drawn over their input image on a
// canvas (boxes + labels), everything as a collapsible JSON tree with long strings shortened.
import { useEffect, useRef, useState } from 'react';
import { openLightbox } from './lightbox.tsx';

interface Prediction {
  x: number;
  y: number;
  width: number;
  height: number;
  class?: string;
  confidence?: number;
}

export function isImageValue(v: unknown): v is { type: 'base64'; value: string } {
  return (
    !!v &&
    typeof v === 'object' &&
    (v as { type?: unknown }).type === 'base64' &&
    typeof (v as { value?: unknown }).value === 'string'
  );
}

export function detectionsOf(
  v: unknown,
): { predictions: Prediction[]; image?: { width: number; height: number } } | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const preds = (v as { predictions?: unknown }).predictions;
  if (!Array.isArray(preds)) return null;
  if (
    preds.length > 0 &&
    !preds.every(
      (p) =>
        p &&
        typeof p === 'object' &&
        typeof (p as Prediction).x === 'number' &&
        typeof (p as Prediction).width === 'number',
    )
  )
    return null;
  return v as { predictions: Prediction[]; image?: { width: number; height: number } };
}

const PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#9a6324',
  '#469990',
  '#800000',
];

export interface OverlayOptions {
  boxes: boolean;
  labels: boolean;
  /** Classes to hide. */
  hidden?: Set<string>;
}

export type Detections = { predictions: Prediction[]; image?: { width: number; height: number } };

/** Draw the input image (or a grey field) and the detections' boxes and labels onto a canvas. */
export function drawDetections(
  c: HTMLCanvasElement,
  img: HTMLImageElement | null,
  detections: Detections,
  options: OverlayOptions = { boxes: true, labels: true },
): void {
  const w = img?.naturalWidth || detections.image?.width || 640;
  const h = img?.naturalHeight || detections.image?.height || 480;
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d')!;
  if (img) ctx.drawImage(img, 0, 0);
  else {
    ctx.fillStyle = '#f1f3f7';
    ctx.fillRect(0, 0, w, h);
  }
  const classes = [...new Set(detections.predictions.map((p) => p.class ?? ''))];
  const line = Math.max(2, Math.round(w / 200));
  const fontSize = Math.max(12, Math.round(w / 36));
  ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
  for (const p of detections.predictions) {
    if (options.hidden?.has(p.class ?? '')) continue;
    const color = PALETTE[classes.indexOf(p.class ?? '') % PALETTE.length];
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    if (options.boxes) {
      ctx.strokeStyle = color;
      ctx.lineWidth = line;
      ctx.strokeRect(x, y, p.width, p.height);
    }
    if (!options.labels) continue;
    const label = `${p.class ?? ''} ${p.confidence !== undefined ? p.confidence.toFixed(2) : ''}`.trim();
    const tw = ctx.measureText(label).width + 8;
    const th = fontSize + 6;
    ctx.fillStyle = color;
    ctx.fillRect(x - line / 2, Math.max(0, y - th), tw, th);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, x + 4 - line / 2, Math.max(th - 5, y - 5));
  }
}

/** Load an image source (null when there is none or it fails). */
export function loadImage(src: string | null): Promise<HTMLImageElement | null> {
  if (!src) return Promise.resolve(null);
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = src;
  });
}

export function DetectionsView(props: { src: string | null; detections: Detections; testid: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let alive = true;
    void loadImage(props.src).then((img) => {
      if (alive && canvas.current) drawDetections(canvas.current, img, props.detections);
    });
    return () => {
      alive = false;
    };
  }, [props.src, props.detections]);
  return (
    <canvas
      ref={canvas}
      className="result-image"
      data-testid={props.testid}
      data-count={props.detections.predictions.length}
      title="Click to enlarge"
      onClick={() => openLightbox({ src: props.src, detections: props.detections, title: props.testid })}
    />
  );
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 60)}… (${s.length} chars)` : s;
}

export function JsonTree(props: { value: unknown; name?: string; depth?: number }) {
  const { value, name } = props;
  const depth = props.depth ?? 0;
  const [open, setOpen] = useState(depth < 2);
  const label = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    const cls = typeof value === 'string' ? 'json-string' : typeof value === 'number' ? 'json-number' : 'json-literal';
    return (
      <div className="json-row">
        {label}
        <span className={cls}>{typeof value === 'string' ? JSON.stringify(short(value)) : String(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${value.length}]` : `{${entries.length}}`;
  return (
    <div className="json-node">
      <div className="json-row json-toggle" onClick={() => setOpen(!open)}>
        <span className="caret">{open ? '▾' : '▸'}</span>
        {label}
        <span className="muted">{summary}</span>
      </div>
      {open && (
        <div className="json-children">
          {entries.slice(0, 200).map(([k, v]) => (
            <JsonTree key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > 200 && <div className="muted">… {entries.length - 200} more</div>}
        </div>
      )}
    </div>
  );
}
