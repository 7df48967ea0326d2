// `{{ $parameters.name }}` templates (string_template, text_display, email_notification): values are turned into
// text the way Python's str() would, and a placeholder without a value stays as written.
import { executeOperations } from './chain.ts';
import { pyStr } from './python.ts';
import type { OperationDefinition } from './types.ts';

const PLACEHOLDER = /\{\{\s*\$parameters\.(\w+)\s*\}\}/g;

/** Names the template's placeholders refer to. */
export function placeholderNames(template: string): Set<string> {
  return new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!));
}

/** Replaces each placeholder whose name is an own key of `values` with the value's str(). */
export function fillPlaceholders(template: string, values: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? pyStr(values[name]) : whole,
  );
}

/**
 * Every parameter passed through its own operations (all parameters in scope as operands); `field` names the
 * step property holding the operations, for error messages.
 */
export async function transformParameters(
  parameters: Record<string, unknown>,
  operations: Record<string, OperationDefinition[]> | undefined,
  stepName: string,
  field: string,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    values[name] = await executeOperations(
      value,
      operations && Object.hasOwn(operations, name) ? operations[name] : undefined,
      { parameters, executionContext: `step: ${stepName} | ${field}.${name}` },
    );
  }
  return values;
}
