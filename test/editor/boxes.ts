// Overlap check for laid-out node boxes (flow coordinates), shared by the layout tests.
export type Box = { id: string; x: number; y: number; width: number; height: number };

/** `a × b` for every pair of boxes that overlap. */
export function overlappingPairs(boxes: Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i],
        b = boxes[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        found.push(`${a.id} × ${b.id}`);
    }
  return found;
}
