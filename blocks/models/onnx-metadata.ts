// Reads what onnxruntime does not expose from an ONNX file: ModelProto.metadata_props (Ultralytics writes
// task, names, imgsz, stride, kpt_shape there) and the first graph input's shape. A minimal protobuf walker:
// only the fields we need are decoded, everything else (weights included) is skipped by length.

export interface OnnxInputInfo {
  name: string;
  /** Dimensions; null where symbolic (dim_param) or unknown. */
  shape: Array<number | null>;
}

export interface OnnxMetadata {
  metadata: Record<string, string>;
  inputs: OnnxInputInfo[];
}

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LENGTH = 2;
const WIRE_32BIT = 5;

class ProtoReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    // Values we read (lengths, dims) fit in a double's 53 bits.
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  }
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }
  /** Returns [start, end) of a length-delimited field's payload and moves past it. */
  bytes(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new Error('truncated length-delimited field');
    this.pos = end;
    return [start, end];
  }
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_64BIT) this.pos += 8;
    else if (wire === WIRE_LENGTH) this.bytes();
    else if (wire === WIRE_32BIT) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();

function readString(buf: Uint8Array, [start, end]: [number, number]): string {
  return utf8.decode(buf.subarray(start, end));
}

function readStringPair(buf: Uint8Array, range: [number, number]): [string, string] {
  const r = new ProtoReader(buf, range[0], range[1]);
  let key = '';
  let value = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LENGTH) key = readString(buf, r.bytes());
    else if (field === 2 && wire === WIRE_LENGTH) value = readString(buf, r.bytes());
    else r.skip(wire);
  }
  return [key, value];
}

/** TensorShapeProto.Dimension: dim_value = 1 (int64), dim_param = 2 (string). */
function readDimension(buf: Uint8Array, range: [number, number]): number | null {
  const r = new ProtoReader(buf, range[0], range[1]);
  let value: number | null = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) value = r.varint();
    else r.skip(wire);
  }
  return value;
}

/** Walks ValueInfoProto(name=1, type=2) → TypeProto(tensor_type=1) → Tensor(shape=2) → TensorShapeProto(dim=1). */
function readValueInfo(buf: Uint8Array, range: [number, number]): OnnxInputInfo {
  const info: OnnxInputInfo = { name: '', shape: [] };
  const r = new ProtoReader(buf, range[0], range[1]);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LENGTH) info.name = readString(buf, r.bytes());
    else if (field === 2 && wire === WIRE_LENGTH) {
      const type = new ProtoReader(buf, ...r.bytes());
      while (!type.done) {
        const t = type.tag();
        if (t.field !== 1 || t.wire !== WIRE_LENGTH) {
          type.skip(t.wire);
          continue;
        }
        const tensor = new ProtoReader(buf, ...type.bytes());
        while (!tensor.done) {
          const tt = tensor.tag();
          if (tt.field !== 2 || tt.wire !== WIRE_LENGTH) {
            tensor.skip(tt.wire);
            continue;
          }
          const shape = new ProtoReader(buf, ...tensor.bytes());
          while (!shape.done) {
            const s = shape.tag();
            if (s.field === 1 && s.wire === WIRE_LENGTH) info.shape.push(readDimension(buf, shape.bytes()));
            else shape.skip(s.wire);
          }
        }
      }
    } else r.skip(wire);
  }
  return info;
}

/** Parses ModelProto: graph = 7 (GraphProto: input = 11, initializer = 5), metadata_props = 14. */
export function readOnnxMetadata(buf: Uint8Array): OnnxMetadata {
  const metadata: Record<string, string> = {};
  const inputs: OnnxInputInfo[] = [];
  const initializerNames = new Set<string>();
  const r = new ProtoReader(buf);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 14 && wire === WIRE_LENGTH) {
      const [key, value] = readStringPair(buf, r.bytes());
      metadata[key] = value;
    } else if (field === 7 && wire === WIRE_LENGTH) {
      const graph = new ProtoReader(buf, ...r.bytes());
      while (!graph.done) {
        const g = graph.tag();
        if (g.field === 11 && g.wire === WIRE_LENGTH) inputs.push(readValueInfo(buf, graph.bytes()));
        else if (g.field === 5 && g.wire === WIRE_LENGTH) {
          // TensorProto.name = 8; old IR versions list initializers among the graph inputs.
          const t = new ProtoReader(buf, ...graph.bytes());
          while (!t.done) {
            const tt = t.tag();
            if (tt.field === 8 && tt.wire === WIRE_LENGTH) initializerNames.add(readString(buf, t.bytes()));
            else t.skip(tt.wire);
          }
        } else graph.skip(g.wire);
      }
    } else r.skip(wire);
  }
  return { metadata, inputs: inputs.filter((i) => !initializerNames.has(i.name)) };
}

/** Parses Ultralytics' Python-dict-like `names` string: `{0: 'person', 1: "it's"}` → ['person', "it's"]. */
export function parseUltralyticsNames(text: string): string[] {
  const names: string[] = [];
  const entry = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const m of text.matchAll(entry)) {
    const raw = m[2] ?? m[3] ?? '';
    names[Number(m[1])] = raw.replace(/\\(.)/g, '$1');
  }
  for (let i = 0; i < names.length; i++) if (names[i] === undefined) names[i] = String(i);
  return names;
}

/** Parses `[640, 640]` / `640` (imgsz) or `[17, 3]` (kpt_shape) into numbers. */
export function parseIntList(text: string | undefined): number[] {
  if (!text) return [];
  return (text.match(/-?\d+/g) ?? []).map(Number);
}
