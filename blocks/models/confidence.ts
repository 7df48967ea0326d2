// Thresholds for Roboflow's confidence modes, read from the model package's environment.json:
//   CONFIDENCE_THRESHOLD        number in [0, 1]: the model's default threshold ("default", and "best" fallback)
//   CLASS_CONFIDENCE_THRESHOLDS {class name: number in [0, 1]}: per-class thresholds ("best")
// A package with neither keeps the built-in DEFAULT_CONFIDENCE (0.4).
import type { LoadedModel } from './manager.ts';

export const DEFAULT_CONFIDENCE = 0.4;

export type ConfidenceSetting = number | 'best' | 'default';

const isThreshold = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;

/** The package's default threshold (CONFIDENCE_THRESHOLD), else DEFAULT_CONFIDENCE. */
export function modelDefaultConfidence(model: Pick<LoadedModel, 'environment'>): number {
  const value = model.environment.CONFIDENCE_THRESHOLD;
  const parsed = typeof value === 'string' ? Number(value) : value;
  return isThreshold(parsed) ? parsed : DEFAULT_CONFIDENCE;
}

/**
 * A number as given; `default` → the package's default; `best` → one threshold per class from
 * CLASS_CONFIDENCE_THRESHOLDS (classes it does not list get the package's default), or the default without it.
 */
export function resolveConfidence(
  value: ConfidenceSetting,
  model: Pick<LoadedModel, 'environment' | 'classNames'>,
): number | Float32Array {
  if (typeof value === 'number') return value;
  const fallback = modelDefaultConfidence(model);
  const perClass = model.environment.CLASS_CONFIDENCE_THRESHOLDS;
  if (value === 'best' && perClass && typeof perClass === 'object' && !Array.isArray(perClass)) {
    const map = perClass as Record<string, unknown>;
    return Float32Array.from(model.classNames, (name) => (isThreshold(map[name]) ? map[name] : fallback));
  }
  return fallback;
}
