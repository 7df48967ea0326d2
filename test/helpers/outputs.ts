// Comparing run outputs across runs.

/**
 * Run outputs as JSON with generated ids numbered by first appearance, timestamps and measured model times blanked:
 * fresh runs mint new ids and measure again, and serialization stamps images without video metadata with the
 * current time (as Roboflow does).
 */
export function normalized(outputs: unknown): string {
  const seen = new Map<string, string>();
  return JSON.stringify(outputs)
    .replace(/"time":[0-9.e-]+/g, '"time":"<measured>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (m) => {
      if (!seen.has(m)) seen.set(m, `<${seen.size}>`);
      return seen.get(m)!;
    });
}
