// A result image full-window: wheel or +/− to zoom (around the pointer), drag to pan, 0 to fit; for
// detections, boxes, labels and each class can be switched off. Esc or × closes.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { drawDetections, loadImage, type Detections } from './results.tsx';

export interface LightboxContent {
  src: string | null;
  detections?: Detections;
  title: string;
}

let content: LightboxContent | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export function openLightbox(c: LightboxContent): void {
  content = c;
  notify();
}

function close(): void {
  content = null;
  notify();
}

export function LightboxHost() {
  const c = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => content,
  );
  return c ? <Lightbox content={c} /> : null;
}

function Lightbox({ content: c }: { content: LightboxContent }) {
  const stage = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [boxes, setBoxes] = useState(true);
  const [labels, setLabels] = useState(true);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const classes = [...new Set((c.detections?.predictions ?? []).map((p) => p.class ?? ''))];

  useEffect(() => {
    let alive = true;
    void loadImage(c.src).then((img) => {
      if (!alive || !canvas.current) return;
      if (c.detections) drawDetections(canvas.current, img, c.detections, { boxes, labels, hidden });
      else if (img) {
        canvas.current.width = img.naturalWidth;
        canvas.current.height = img.naturalHeight;
        canvas.current.getContext('2d')!.drawImage(img, 0, 0);
      }
      setSize({ w: canvas.current.width, h: canvas.current.height });
    });
    return () => {
      alive = false;
    };
  }, [c, boxes, labels, hidden]);

  const fit = () => {
    const r = stage.current?.getBoundingClientRect();
    if (!r || !size.w) return;
    const scale = Math.min(r.width / size.w, r.height / size.h);
    setView({ scale, x: (r.width - size.w * scale) / 2, y: (r.height - size.h * scale) / 2 });
  };
  useEffect(fit, [size.w, size.h]); // eslint-disable-line react-hooks/exhaustive-deps

  const zoom = (factor: number, at?: { x: number; y: number }) => {
    const r = stage.current!.getBoundingClientRect();
    const px = at ? at.x - r.left : r.width / 2;
    const py = at ? at.y - r.top : r.height / 2;
    setView((v) => {
      const scale = Math.max(0.05, Math.min(40, v.scale * factor));
      const k = scale / v.scale;
      return { scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k };
    });
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
      else if (e.key === '+' || e.key === '=') zoom(1.25);
      else if (e.key === '-') zoom(0.8);
      else if (e.key === '0') fit();
      else return;
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });

  const drag = (e: React.PointerEvent) => {
    const start = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    const move = (ev: PointerEvent) =>
      setView((v) => ({ ...v, x: start.vx + ev.clientX - start.x, y: start.vy + ev.clientY - start.y }));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <div className="lightbox" data-testid="lightbox">
      <div className="lightbox-bar">
        <b>{c.title}</b>
        <button className="small-button" onClick={() => zoom(1.25)} data-testid="lightbox-zoom-in">
          +
        </button>
        <button className="small-button" onClick={() => zoom(0.8)} data-testid="lightbox-zoom-out">
          −
        </button>
        <button className="small-button" onClick={fit}>
          Fit
        </button>
        <span data-testid="lightbox-scale">{Math.round(view.scale * 100)}%</span>
        {c.detections && (
          <>
            <label>
              <input
                type="checkbox"
                checked={boxes}
                onChange={(e) => setBoxes(e.target.checked)}
                data-testid="lightbox-boxes"
              />
              boxes
            </label>
            <label>
              <input type="checkbox" checked={labels} onChange={(e) => setLabels(e.target.checked)} />
              labels
            </label>
            {classes.map((k) => (
              <label key={k}>
                <input
                  type="checkbox"
                  checked={!hidden.has(k)}
                  data-testid={`lightbox-class-${k}`}
                  onChange={() =>
                    setHidden((h) => {
                      const n = new Set(h);
                      if (n.has(k)) n.delete(k);
                      else n.add(k);
                      return n;
                    })
                  }
                />
                {k || '(no class)'}
              </label>
            ))}
          </>
        )}
        <span style={{ flex: 1 }} />
        <button className="small-button" onClick={close} data-testid="lightbox-close">
          × Close
        </button>
      </div>
      <div
        ref={stage}
        className="lightbox-stage"
        onPointerDown={drag}
        onWheel={(e) => zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, { x: e.clientX, y: e.clientY })}
      >
        <canvas
          ref={canvas}
          data-testid="lightbox-canvas"
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
        />
      </div>
    </div>
  );
}
