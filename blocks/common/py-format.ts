// Python `str.format` with named fields, as Roboflow's string_template@v1 uses it: `{name}`, `{name:spec}`,
// `{name!r}`, nested `{name:{width}}`, `{{` / `}}` escapes, and the format-spec mini-language for str, int,
// float, bool, None and lists (fill, align, sign, `#`, `0`, width, `,`/`_`, precision, types s d n b o x X c
// e E f F g G %). JSON numbers carry no int/float distinction: integral values format as Python ints.
import { isPlainObject, pyStr } from './uql/python.ts';

export class PyFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'parse' | 'positional' | 'attribute' | 'render',
  ) {
    super(message);
  }
}

export interface ParsedField {
  name: string;
  conversion: string | null;
  /** Format spec, still holding nested `{field}`s. */
  spec: string;
}

export type TemplatePart = string | ParsedField;

function checkName(name: string): void {
  if (name === '' || /^\d+$/.test(name.split(/[.[]/)[0]!)) {
    throw new PyFormatError('positional', 'positional');
  }
  if (/[.[]/.test(name)) throw new PyFormatError('attribute', 'attribute');
}

/** Splits a template into literal text and fields, with Python's parse errors. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    if (c === '}' && template[i + 1] === '}') {
      text += '}';
      i += 2;
      continue;
    }
    if (c === '}') throw new PyFormatError("Single '}' encountered in format string", 'parse');
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    // A field: up to the matching brace (one level of nesting inside the spec).
    let depth = 1;
    let j = i + 1;
    while (j < template.length && depth > 0) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') depth--;
      if (depth > 0) j++;
    }
    if (depth > 0) throw new PyFormatError("expected '}' before end of string", 'parse');
    const body = template.slice(i + 1, j);
    if (text) parts.push(text);
    text = '';
    parts.push(parseField(body));
    i = j + 1;
  }
  if (text) parts.push(text);
  return parts;
}

function parseField(body: string): ParsedField {
  // The name ends at the first '!' or ':' outside brackets.
  let end = 0;
  while (end < body.length && body[end] !== '!' && body[end] !== ':') end++;
  const name = body.slice(0, end);
  let conversion: string | null = null;
  let rest = body.slice(end);
  if (rest.startsWith('!')) {
    conversion = rest[1] ?? '';
    if (!['r', 's', 'a'].includes(conversion)) {
      throw new PyFormatError('Unknown conversion specifier ' + (conversion || 'end of string'), 'parse');
    }
    rest = rest.slice(2);
    if (rest && !rest.startsWith(':')) throw new PyFormatError("expected ':' after conversion specifier", 'parse');
  }
  const spec = rest.startsWith(':') ? rest.slice(1) : '';
  checkName(name);
  return { name, conversion, spec };
}

/** Names of the nested fields of a spec (`{width}` in `>{width}`). */
export function nestedFields(spec: string): string[] {
  const names: string[] = [];
  for (const m of spec.matchAll(/\{([^{}]*)\}/g)) {
    const field = parseField(m[1]!);
    names.push(field.name);
  }
  return names;
}

function pyReprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Python float repr (shortest round-trip; exponent outside 1e-4 .. 1e16). */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exp] = value.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(value);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? pyReprString(value) : pyFormatStr(value);
}

/** Python str() for template values (integral numbers as ints, other numbers in float repr). */
export function pyFormatStr(value: unknown): string {
  if (typeof value === 'number' && !Number.isInteger(value)) return pyFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return pyStr(value);
}

interface Spec {
  fill: string;
  align: string | null;
  sign: string;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | null;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ]?)(z?)(#?)(0?)(\d*)([,_]?)(?:\.(\d+))?([bcdeEfFgGnosxX%]?)$/su;

function parseSpec(spec: string): Spec {
  const m = SPEC.exec(spec);
  if (!m) throw new PyFormatError('Invalid format specifier', 'render');
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : null),
    sign: m[3] || '-',
    alternate: m[5] === '#',
    zero: m[6] === '0',
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : null,
    type: m[10] ?? '',
  };
}

function group(digits: string, sep: string, size = 3): string {
  if (!sep) return digits;
  const out: string[] = [];
  for (let end = digits.length; end > 0; end -= size) out.unshift(digits.slice(Math.max(0, end - size), end));
  return out.join(sep);
}

function pad(body: string, sign: string, spec: Spec, defaultAlign: string): string {
  const align = spec.align ?? defaultAlign;
  const total = sign.length + body.length;
  const fill = Math.max(0, spec.width - total);
  const f = spec.fill;
  switch (align) {
    case '<':
      return sign + body + f.repeat(fill);
    case '^':
      return f.repeat(Math.floor(fill / 2)) + sign + body + f.repeat(Math.ceil(fill / 2));
    case '=':
      return sign + f.repeat(fill) + body;
    default:
      return f.repeat(fill) + sign + body;
  }
}

function formatNumber(value: number, spec: Spec, isInt: boolean): string {
  let type = spec.type;
  const typeName = isInt ? 'int' : 'float';
  if (type === 's' || (!isInt && 'bcdoxX'.includes(type) && type !== '')) {
    throw new PyFormatError(`Unknown format code '${type}' for object of type '${typeName}'`, 'render');
  }
  if (isInt && spec.precision !== null && !'eEfFgG%'.includes(type)) {
    throw new PyFormatError('Precision not allowed in integer format specifier', 'render');
  }
  const negative = value < 0 || Object.is(value, -0);
  const abs = Math.abs(value);
  let body: string;
  if (isInt && 'bdoxXnc'.includes(type || 'd')) {
    const n = BigInt(Math.trunc(abs));
    if (type === 'c') return pad(String.fromCodePoint(Number(n)), '', spec, '<');
    const radix = { b: 2, o: 8, x: 16, X: 16 }[type as 'b'] ?? 10;
    body = n.toString(radix);
    if (type === 'X') body = body.toUpperCase();
    if (radix === 10) body = group(body, spec.grouping);
    else if (spec.grouping) body = group(body, spec.grouping, 4);
    if (spec.alternate && radix !== 10) body = `0${type}${body}`;
  } else {
    if (!type && isInt) type = 'd';
    const precision = spec.precision ?? 6;
    if (!Number.isFinite(abs)) body = Number.isNaN(abs) ? 'nan' : 'inf';
    else if (type === 'f' || type === 'F') body = abs.toFixed(precision);
    else if (type === '%') body = `${(abs * 100).toFixed(precision)}%`;
    else if (type === 'e' || type === 'E') body = pyExp(abs, precision);
    else if (type === 'g' || type === 'G' || type === 'n' || (type === '' && spec.precision !== null)) {
      body = pyGeneral(abs, Math.max(1, spec.precision ?? 6), spec.alternate, type === '');
    } else body = pyFloatRepr(abs);
    if (type === 'F' || type === 'E' || type === 'G') body = body.toUpperCase();
    if (spec.grouping) {
      const [int, ...rest] = body.split('.');
      body = [group(int!, spec.grouping), ...rest].join('.');
    }
  }
  const sign = negative && !(value === 0 && isInt) ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(body, sign, spec, '>');
}

function pyExp(abs: number, precision: number): string {
  const [mantissa, exp] = abs.toExponential(precision).split('e') as [string, string];
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function pyGeneral(abs: number, precision: number, alternate: boolean, noType: boolean): string {
  if (abs === 0) return noType ? '0.0' : '0';
  const exp = Math.floor(Math.log10(Number(abs.toPrecision(precision))));
  let body: string;
  if (exp >= -4 && exp < precision) body = abs.toFixed(Math.max(0, precision - 1 - exp));
  else body = pyExp(abs, precision - 1);
  if (!alternate) {
    body = body.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
    if (noType && !body.includes('.') && !body.includes('e')) body += '.0';
  }
  return body;
}

/** Python format(value, spec) for the value types a workflow delivers. */
export function pyFormatValue(value: unknown, specText: string): string {
  if (specText === '') return pyFormatStr(value);
  const checkSize = (n: number) => {
    if (n > 10000) throw new PyFormatError('width or precision over 10000', 'render');
  };
  if (typeof value === 'string') {
    const spec = parseSpec(specText);
    checkSize(spec.width);
    checkSize(spec.precision ?? 0);
    if (spec.type && spec.type !== 's') {
      throw new PyFormatError(`Unknown format code '${spec.type}' for object of type 'str'`, 'render');
    }
    if (spec.sign !== '-') throw new PyFormatError('Sign not allowed in string format specifier', 'render');
    if (spec.align === '=') throw new PyFormatError("'=' alignment not allowed in string format specifier", 'render');
    const body = spec.precision !== null ? [...value].slice(0, spec.precision).join('') : value;
    return pad(body, '', spec, '<');
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    const spec = parseSpec(specText);
    checkSize(spec.width);
    checkSize(spec.precision ?? 0);
    const n = Number(value);
    return formatNumber(n, spec, typeof value === 'boolean' || Number.isInteger(n));
  }
  const typeName = value === null || value === undefined ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict';
  throw new PyFormatError(`unsupported format string passed to ${typeName}.__format__`, 'render');
}

/** Applies a field's conversion (`!r`, `!s`, `!a`). */
export function convert(value: unknown, conversion: string | null): unknown {
  if (!conversion) return value;
  if (conversion === 's') return pyFormatStr(value);
  return pyRepr(value);
}
