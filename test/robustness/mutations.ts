// Seeded mutations of workflow definitions for the robustness fuzz test: each one is a small, plausible way a
// client gets a definition wrong (missing key, wrong type, broken selector, unknown block, huge or deep value).
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export const BAD_SELECTORS = [
  '$steps.',
  '$inputs',
  '$steps.x.y.z',
  '$',
  '$inputs.',
  '$steps.nope.predictions',
  '$inputs.nope',
  '$outputs.x',
  '$steps',
  '$steps..a',
  '$inputs.image.extra.more',
  '$steps.*',
  'steps.det.predictions',
];

export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const WRONG_VALUES: Json[] = [
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  '',
  'text',
  '0',
  [],
  [1, 'a', null],
  {},
  { a: 1 },
  null,
  true,
  false,
];

function deepNest(depth: number): Json {
  let value: Json = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { n: value };
  return value;
}

/** Every path in the tree (the root excluded), in document order. */
export function allPaths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      allPaths(item, [...prefix, i], out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      allPaths(item, [...prefix, key], out);
    }
  }
  return out;
}

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } {
  let node = root;
  for (const part of path.slice(0, -1)) node = (node as Record<string | number, Json>)[part]!;
  return { parent: node, key: path[path.length - 1]! };
}

function setAt(root: Json, path: Path, value: Json): void {
  const { parent, key } = parentOf(root, path);
  (parent as Record<string | number, Json>)[key] = value;
}

function deleteAt(root: Json, path: Path): void {
  const { parent, key } = parentOf(root, path);
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
}

function getAt(root: Json, path: Path): Json {
  let node = root;
  for (const part of path) node = (node as Record<string | number, Json>)[part]!;
  return node;
}

function typeName(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export interface Mutation {
  /** Short label for the summary table. */
  kind: string;
  definition: any;
}

type Mutator = (def: any, rng: Rng) => string | null;

const list = (def: any, key: string): any[] => (Array.isArray(def?.[key]) ? def[key] : []);

const MUTATORS: Record<string, Mutator> = {
  delete_key(def, rng) {
    const paths = allPaths(def);
    if (paths.length === 0) return null;
    deleteAt(def, rng.pick(paths));
    return 'delete_key';
  },
  rename_key(def, rng) {
    const paths = allPaths(def).filter((p) => typeof p[p.length - 1] === 'string');
    if (paths.length === 0) return null;
    const path = rng.pick(paths);
    const value = getAt(def, path);
    const { parent, key } = parentOf(def, path);
    delete (parent as Record<string, Json>)[key as string];
    (parent as Record<string, Json>)[`${key as string}${rng.pick(['_', 'X', ' ', '.0'])}`] = value;
    return 'rename_key';
  },
  wrong_type(def, rng) {
    const paths = allPaths(def);
    if (paths.length === 0) return null;
    const path = rng.pick(paths);
    const current = typeName(getAt(def, path));
    const candidates = WRONG_VALUES.filter((v) => typeName(v) !== current);
    setAt(def, path, structuredClone(rng.pick(candidates)));
    return 'wrong_type';
  },
  bad_selector(def, rng) {
    const paths = allPaths(def).filter(
      (p) => typeof getAt(def, p) === 'string' && (getAt(def, p) as string).startsWith('$'),
    );
    const fallback = allPaths(def).filter((p) => typeof getAt(def, p) === 'string');
    const pool = paths.length > 0 ? paths : fallback;
    if (pool.length === 0) return null;
    setAt(def, rng.pick(pool), rng.pick(BAD_SELECTORS));
    return 'bad_selector';
  },
  unknown_step_type(def, rng) {
    const steps = list(def, 'steps');
    if (steps.length === 0) return null;
    const step = rng.pick(steps);
    if (!step || typeof step !== 'object') return null;
    step.type = rng.pick([
      'roboflow_core/no_such_block@v1',
      'ObjectDetectionModelX',
      '',
      'roboflow_core/dynamic_crop@v99',
    ]);
    return 'unknown_step_type';
  },
  huge_string(def, rng) {
    const paths = allPaths(def).filter((p) => typeof getAt(def, p) === 'string');
    if (paths.length === 0) return null;
    setAt(def, rng.pick(paths), 'x'.repeat(200_000 + rng.int(1000)));
    return 'huge_string';
  },
  deep_nesting(def, rng) {
    const paths = allPaths(def);
    if (paths.length === 0) return null;
    // Half under the server's nesting limit (reaches the compiler), half over it (refused up front).
    setAt(def, rng.pick(paths), deepNest(rng.next() < 0.5 ? 100 + rng.int(150) : 300 + rng.int(1700)));
    return 'deep_nesting';
  },
  duplicate_name(def, rng) {
    const key = rng.pick(['steps', 'inputs', 'outputs']);
    const items = list(def, key);
    if (items.length === 0) return null;
    items.push(structuredClone(rng.pick(items)));
    return 'duplicate_name';
  },
  prototype_name(def, rng) {
    // Names every JS object inherits: as map keys they reach Object.prototype unless the code guards against it.
    const name = rng.pick(PROTOTYPE_NAMES);
    const paths = allPaths(def).filter(
      (p) =>
        p[p.length - 1] === 'name' || (typeof getAt(def, p) === 'string' && (getAt(def, p) as string).startsWith('$')),
    );
    const keyed = allPaths(def).filter(
      (p) => typeof p[p.length - 1] === 'string' && !['type', 'name'].includes(p[p.length - 1] as string),
    );
    if (paths.length > 0 && rng.next() < 0.6) {
      const path = rng.pick(paths);
      const value = getAt(def, path) as string;
      setAt(def, path, path[path.length - 1] === 'name' ? name : value.replace(/^(\$\w+\.)[^.]*/, `$1${name}`));
      return 'prototype_name';
    }
    if (keyed.length === 0) return null;
    const path = rng.pick(keyed);
    const { parent, key } = parentOf(def, path);
    const value = getAt(def, path);
    delete (parent as Record<string, Json>)[key as string];
    Object.defineProperty(parent, name, { value, enumerable: true, writable: true, configurable: true });
    return 'prototype_name';
  },
  empty_list(def, rng) {
    const paths = allPaths(def).filter((p) => Array.isArray(getAt(def, p)));
    if (paths.length === 0) return null;
    setAt(def, rng.pick(paths), []);
    return 'empty_list';
  },
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

/** One to three mutations of a deep copy of `definition`; the label lists the kinds applied. */
export function mutate(definition: unknown, rng: Rng, forcedKind?: string): Mutation {
  const def = structuredClone(definition) as any;
  const count = forcedKind ? 1 : 1 + rng.int(rng.next() < 0.7 ? 1 : 3);
  const applied: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = forcedKind ?? rng.pick(MUTATION_KINDS);
    const label = MUTATORS[name]!(def, rng);
    if (label) applied.push(label);
  }
  return { kind: applied.length === 1 ? applied[0]! : applied.length === 0 ? 'none' : 'combined', definition: def };
}
