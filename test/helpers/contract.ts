import fs from 'node:fs';

const EXAMPLES_FILE = new URL('../../../shared/spec/examples.json', import.meta.url);

/** The spec's response examples, repaired into valid JSON (shared/spec/examples.json). */
export const examples: Record<string, unknown> = JSON.parse(fs.readFileSync(EXAMPLES_FILE, 'utf8'));

/**
 * The shape of a JSON value: the same field names and nesting, with each leaf
 * replaced by its type ("string", "number", "boolean", "null"). Arrays keep the
 * shape of their first element.
 */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}
