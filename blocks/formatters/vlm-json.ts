// Lenient JSON extraction from VLM / LLM text: the whole text, else the first fenced block (```json ... ```, any
// tag, closing fence optional), else the first balanced {...} or [...] in the prose, else one JSON value per line.

export type JsonExtraction = { ok: true; value: unknown } | { ok: false };

function tryParse(text: string): JsonExtraction {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function fencedBlock(text: string): string | null {
  const open = text.indexOf('```');
  if (open < 0) return null;
  const lineEnd = text.indexOf('\n', open);
  const start = lineEnd < 0 ? open + 3 : lineEnd + 1;
  const close = text.indexOf('```', start);
  return text.slice(start, close < 0 ? undefined : close).trim();
}

/** First balanced JSON object or array starting at an opening bracket, honouring strings. */
function balancedValue(text: string): string | null {
  for (let start = 0; start < text.length; start++) {
    const first = text[start];
    if (first !== '{' && first !== '[') continue;
    const stack: string[] = [];
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
      else if (c === '}' || c === ']') {
        if (stack.pop() !== c) break;
        if (stack.length === 0) {
          const candidate = text.slice(start, i + 1);
          if (tryParse(candidate).ok) return candidate;
          break;
        }
      }
    }
  }
  return null;
}

export function extractJsonPayload(raw: unknown): JsonExtraction {
  if (typeof raw !== 'string')
    return raw !== null && typeof raw === 'object' ? { ok: true, value: raw } : { ok: false };
  const text = raw.trim();
  const whole = tryParse(text);
  if (whole.ok) return whole;
  const fenced = fencedBlock(text);
  if (fenced !== null) {
    const parsed = tryParse(fenced);
    if (parsed.ok) return parsed;
  }
  const embedded = balancedValue(fenced ?? text) ?? balancedValue(text);
  if (embedded !== null) {
    const lines = (fenced ?? text)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{'));
    // JSON Lines: several objects, one per line, become a list.
    if (lines.length > 1 && lines.every((l) => tryParse(l).ok))
      return { ok: true, value: lines.map((l) => JSON.parse(l)) };
    return tryParse(embedded);
  }
  return { ok: false };
}

export function classIndex(classes: readonly string[] | null | undefined): Map<string, number> {
  return new Map((classes ?? []).map((name, i) => [name, i]));
}

export const clampConfidence = (value: unknown): number => Math.min(Math.max(Number(value), 0), 1);
