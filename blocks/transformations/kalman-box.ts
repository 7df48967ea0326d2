// A constant-velocity Kalman filter over a box's corners (x_min, y_min, x_max, y_max and their velocities),
// the motion model SORT-family trackers predict tracks with between frames.
const DIM = 8;
const OBS = 4;

function identity(size: number, scale = 1): Float64Array {
  const m = new Float64Array(size * size);
  for (let i = 0; i < size; i++) m[i * size + i] = scale;
  return m;
}

/** Inverse of a small square matrix by Gauss-Jordan elimination with partial pivoting. */
function invert(m: Float64Array, size: number): Float64Array {
  const a = new Float64Array(m);
  const inv = identity(size);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r * size + col]!) > Math.abs(a[pivot * size + col]!)) pivot = r;
    for (let k = 0; k < size; k++) {
      [a[col * size + k], a[pivot * size + k]] = [a[pivot * size + k]!, a[col * size + k]!];
      [inv[col * size + k], inv[pivot * size + k]] = [inv[pivot * size + k]!, inv[col * size + k]!];
    }
    const d = a[col * size + col]! || 1e-12;
    for (let k = 0; k < size; k++) {
      a[col * size + k] /= d;
      inv[col * size + k] /= d;
    }
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const f = a[r * size + col]!;
      if (!f) continue;
      for (let k = 0; k < size; k++) {
        a[r * size + k] -= f * a[col * size + k]!;
        inv[r * size + k] -= f * inv[col * size + k]!;
      }
    }
  }
  return inv;
}

export interface KalmanNoise {
  /** Process noise added to every state variance per frame. */
  process: number;
  /** Measurement noise of a detected corner. */
  measurement: number;
  /** Velocity kept per missed frame (1 = none lost), so lost tracks stop drifting away. */
  velocityDecay: number;
}

export const DEFAULT_NOISE: KalmanNoise = { process: 0.01, measurement: 0.1, velocityDecay: 0.95 };

export class KalmanBox {
  readonly state = new Float64Array(DIM);
  covariance = identity(DIM);

  constructor(
    box: ArrayLike<number>,
    readonly noise: KalmanNoise = DEFAULT_NOISE,
  ) {
    for (let k = 0; k < OBS; k++) this.state[k] = box[k]!;
    // Unknown velocities start very uncertain.
    for (let k = OBS; k < DIM; k++) this.covariance[k * DIM + k] = 1000;
  }

  /** Advances one frame: x += v; P = F P F^T + Q. */
  predict(missedFrames: number): void {
    const s = this.state;
    if (missedFrames > 0) for (let k = OBS; k < DIM; k++) s[k] *= this.noise.velocityDecay;
    for (let k = 0; k < OBS; k++) s[k] += s[k + OBS]!;
    const p = this.covariance;
    const next = new Float64Array(DIM * DIM);
    // F = [[I, I], [0, I]]: (F P)[i][j] = P[i][j] + P[i+4][j] for i < 4.
    const fp = new Float64Array(p);
    for (let i = 0; i < OBS; i++)
      for (let j = 0; j < DIM; j++) fp[i * DIM + j] = p[i * DIM + j]! + p[(i + OBS) * DIM + j]!;
    for (let i = 0; i < DIM; i++) {
      for (let j = 0; j < DIM; j++) next[i * DIM + j] = fp[i * DIM + j]! + (j < OBS ? fp[i * DIM + j + OBS]! : 0);
      next[i * DIM + i] += this.noise.process;
    }
    this.covariance = next;
  }

  /** Corrects with a measured box (H picks the four corners). */
  update(box: ArrayLike<number>): void {
    const p = this.covariance;
    // S = H P H^T + R (top-left 4x4 of P), K = P H^T S^-1 (first four columns of P times S^-1).
    const sMat = new Float64Array(OBS * OBS);
    for (let i = 0; i < OBS; i++)
      for (let j = 0; j < OBS; j++) sMat[i * OBS + j] = p[i * DIM + j]! + (i === j ? this.noise.measurement : 0);
    const sInv = invert(sMat, OBS);
    const gain = new Float64Array(DIM * OBS);
    for (let i = 0; i < DIM; i++) {
      for (let j = 0; j < OBS; j++) {
        let sum = 0;
        for (let k = 0; k < OBS; k++) sum += p[i * DIM + k]! * sInv[k * OBS + j]!;
        gain[i * OBS + j] = sum;
      }
    }
    const residual = [0, 1, 2, 3].map((k) => box[k]! - this.state[k]!);
    for (let i = 0; i < DIM; i++) for (let j = 0; j < OBS; j++) this.state[i] += gain[i * OBS + j]! * residual[j]!;
    // P = (I - K H) P
    const next = new Float64Array(DIM * DIM);
    for (let i = 0; i < DIM; i++) {
      for (let j = 0; j < DIM; j++) {
        let sum = p[i * DIM + j]!;
        for (let k = 0; k < OBS; k++) sum -= gain[i * OBS + k]! * p[k * DIM + j]!;
        next[i * DIM + j] = sum;
      }
    }
    this.covariance = next;
  }

  box(): [number, number, number, number] {
    return [this.state[0]!, this.state[1]!, this.state[2]!, this.state[3]!];
  }
}
