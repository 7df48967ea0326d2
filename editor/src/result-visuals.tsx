// What a run output looks like at a glance: images, detections drawn over the input, classifications as
// top class + confidence, and nested (per-crop) outputs as a gallery of crops captioned with the values of
// the sibling outputs that hold one element per crop (e.g. the classifier's verdict on each crop).
import { DetectionsView, detectionsOf, isImageValue } from './results.tsx';
import { openLightbox } from './lightbox.tsx';

interface Classification {
  top: string;
  confidence: number | null;
}

/** Single-label (`top`, `confidence`) or multi-label (`predicted_classes`) classification output. */
export function classificationOf(v: unknown): Classification | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as { top?: unknown; confidence?: unknown; predicted_classes?: unknown; prediction_type?: unknown };
  if (typeof o.top === 'string')
    return { top: o.top, confidence: typeof o.confidence === 'number' ? o.confidence : null };
  if (Array.isArray(o.predicted_classes)) return { top: o.predicted_classes.join(', ') || '(none)', confidence: null };
  return null;
}

/** One short line for a value shown under a crop; null when it has none. */
function caption(v: unknown): string | null {
  const cls = classificationOf(v);
  if (cls) return cls.confidence === null ? cls.top : `${cls.top} ${cls.confidence.toFixed(2)}`;
  const det = detectionsOf(v);
  if (det) return `${det.predictions.length} detection${det.predictions.length === 1 ? '' : 's'}`;
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
    return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v);
  return null;
}

const imageSrc = (v: { value: string }) => `data:image/jpeg;base64,${v.value}`;

function CropGallery(props: {
  name: string;
  images: Array<{ value: string }>;
  labels: Array<{ name: string; values: unknown[] }>;
}) {
  return (
    <figure className="result-figure result-gallery" data-testid={`result-gallery-${props.name}`}>
      <div className="gallery">
        {props.images.map((img, i) => (
          <div className="gallery-item" key={i} data-testid="gallery-item">
            <img
              src={imageSrc(img)}
              alt={`${props.name} ${i + 1}`}
              className="result-zoomable"
              onClick={() => openLightbox({ src: imageSrc(img), title: `${props.name} ${i + 1}` })}
            />
            {props.labels.map((l) => {
              const text = caption(l.values[i]);
              if (text === null) return null;
              // One caption source needs no name (the figure caption says it); several are told apart.
              return (
                <div className="gallery-caption" key={l.name} title={`${l.name}: ${text}`}>
                  {props.labels.length > 1 && <span className="muted">{l.name} </span>}
                  {text}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <figcaption>
        {props.name} · {props.images.length} image{props.images.length === 1 ? '' : 's'}
        {props.labels.length ? ` with ${props.labels.map((l) => l.name).join(', ')}` : ''}
      </figcaption>
    </figure>
  );
}

function ClassificationTable(props: { name: string; values: unknown[] }) {
  return (
    <figure className="result-figure">
      <table className="result-table" data-testid={`result-classes-${props.name}`}>
        <tbody>
          {props.values.map((v, i) => (
            <tr key={i}>
              <td className="muted">{i + 1}</td>
              <td>{caption(v) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption>{props.name}</figcaption>
    </figure>
  );
}

function OutputValue(props: { name: string; value: unknown; inputSrc: string | null }) {
  const { name, value } = props;
  if (isImageValue(value))
    return (
      <figure className="result-figure">
        <img
          className="result-image"
          src={imageSrc(value)}
          alt={name}
          data-testid={`result-image-${name}`}
          title="Click to enlarge"
          onClick={() => openLightbox({ src: imageSrc(value), title: name })}
        />
        <figcaption>{name}</figcaption>
      </figure>
    );
  const det = detectionsOf(value);
  if (det) {
    return (
      <figure className="result-figure">
        <DetectionsView src={props.inputSrc} detections={det} testid={`result-detections-${name}`} />
        <figcaption>
          {name} · {det.predictions.length} detection{det.predictions.length === 1 ? '' : 's'}
        </figcaption>
      </figure>
    );
  }
  const cls = classificationOf(value);
  if (cls) return <ClassificationTable name={name} values={[value]} />;
  if (Array.isArray(value) && value.length && value.every(isImageValue))
    return <CropGallery name={name} images={value} labels={[]} />;
  if (Array.isArray(value) && value.length && value.every((v) => classificationOf(v)))
    return <ClassificationTable name={name} values={value} />;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const visual = Object.entries(value).filter(([, v]) => isImageValue(v) || detectionsOf(v) || classificationOf(v));
    if (visual.length)
      return (
        <>
          {visual.map(([k, v]) => (
            <OutputValue key={k} name={`${name}.${k}`} value={v} inputSrc={props.inputSrc} />
          ))}
        </>
      );
  }
  return null;
}

/** The visual part of one result: per-crop galleries first, then every other output that has a picture. */
export function ResultVisuals(props: { output: Record<string, unknown>; inputSrc: string | null }) {
  const entries = Object.entries(props.output);
  const galleries = entries.filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isImageValue)) as Array<
    [string, Array<{ value: string }>]
  >;
  const shown = new Set(galleries.map(([k]) => k));
  const nested = galleries.map(([name, images]) => {
    const labels = entries
      .filter(
        ([k, v]) =>
          !shown.has(k) && Array.isArray(v) && v.length === images.length && v.some((x) => caption(x) !== null),
      )
      .map(([k, v]) => ({ name: k, values: v as unknown[] }));
    labels.forEach((l) => shown.add(l.name));
    return <CropGallery key={name} name={name} images={images} labels={labels} />;
  });
  return (
    <div className="result-visuals">
      {nested}
      {entries
        .filter(([k]) => !shown.has(k))
        .map(([k, v]) => (
          <OutputValue key={k} name={k} value={v} inputSrc={props.inputSrc} />
        ))}
    </div>
  );
}
