// Undo/redo over immutable snapshots. Consecutive edits sharing a `coalesceKey` (typing in one field, dragging
// one node) collapse into a single undo step.
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private lastKey: string | null = null;

  constructor(
    private current: T,
    private readonly limit = 200,
  ) {}

  get present(): T {
    return this.current;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  push(next: T, coalesceKey: string | null = null): T {
    if (next === this.current) return this.current;
    if (coalesceKey === null || coalesceKey !== this.lastKey) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.lastKey = coalesceKey;
    this.current = next;
    this.future = [];
    return next;
  }

  undo(): T {
    const prev = this.past.pop();
    if (prev === undefined) return this.current;
    this.future.push(this.current);
    this.current = prev;
    this.lastKey = null;
    return prev;
  }

  redo(): T {
    const next = this.future.pop();
    if (next === undefined) return this.current;
    this.past.push(this.current);
    this.current = next;
    this.lastKey = null;
    return next;
  }

  /** Start over from `value` (after loading a different workflow). */
  reset(value: T): T {
    this.past = [];
    this.future = [];
    this.lastKey = null;
    this.current = value;
    return value;
  }
}
