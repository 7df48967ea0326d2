// Typed reads of the workspace endpoints' JSON bodies; a wrong type answers 422 like FastAPI does.
import { RequestValidationError, type ValidationIssue } from '../validation.ts';

type Body = Record<string, unknown>;

export class BodyReader {
  private readonly issues: ValidationIssue[] = [];
  readonly body: Body;

  constructor(raw: unknown, allowMissing = false) {
    if (raw === undefined && allowMissing) raw = {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new RequestValidationError([
        { loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' },
      ]);
    }
    this.body = raw as Body;
  }

  object(name: string, required: true): Record<string, unknown>;
  object(name: string, required?: false): Record<string, unknown> | undefined;
  object(name: string, required = false): Record<string, unknown> | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return this.missing(name, required);
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.wrong(name, 'Input should be a valid dictionary', 'dict_type');
  }

  string(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    return this.wrong(name, 'Input should be a valid string', 'string_type');
  }

  /** Roboflow version ids are strings; numbers are accepted and stringified. */
  idString(name: string): string | undefined {
    const value = this.body[name];
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    return this.string(name);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.body[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    return this.wrong(name, 'Input should be a valid boolean', 'bool_type') ?? fallback;
  }

  nonNegativeInteger(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    return this.wrong(name, 'Input should be a non-negative integer', 'int_type');
  }

  stringList(name: string): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    return this.wrong(name, 'Input should be a valid list of strings', 'list_type');
  }

  /** Throws the collected 422 if any field was wrong. */
  done(): void {
    if (this.issues.length) throw new RequestValidationError(this.issues);
  }

  private missing(name: string, required: boolean): undefined {
    if (required) this.issues.push({ loc: ['body', name], msg: 'Field required', type: 'missing' });
    return undefined;
  }

  private wrong(name: string, msg: string, type: string): undefined {
    this.issues.push({ loc: ['body', name], msg, type });
    return undefined;
  }
}
