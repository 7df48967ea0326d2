// Model-input tensors reused between requests: a 640x640 input is 4.9 MB of off-heap memory, and allocating one
// per request makes V8 collect garbage for "external memory pressure" about once a request.

const MAX_KEPT_PER_LENGTH = 4;
const free = new Map<number, Float32Array[]>();

/** A Float32Array of `length` floats with arbitrary contents (the caller overwrites every element). */
export function takeTensor(length: number): Float32Array {
  return free.get(length)?.pop() ?? new Float32Array(length);
}

/** Hands a tensor back once nothing reads it any more (after the session run that used it has resolved). */
export function returnTensor(tensor: Float32Array): void {
  if (tensor.byteOffset !== 0 || tensor.byteLength !== tensor.buffer.byteLength) return;
  let list = free.get(tensor.length);
  if (!list) free.set(tensor.length, (list = []));
  if (list.length < MAX_KEPT_PER_LENGTH && !list.includes(tensor)) list.push(tensor);
}
