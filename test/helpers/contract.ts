import fs from 'node:fs';

const EXAMPLES_FILE = new URL('../fixtures/examples.json', import.meta.url);

/** The spec's response examples, repaired into valid JSON (a copy of the spec's examples in test/fixtures/examples.json). */
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

/**
 * Differences between `actual` and a spec example: every field the example has
 * must be present with the same type (string vs number vs boolean vs object),
 * recursively. Extra fields in `actual` are allowed. Returns readable lines.
 */
export function contractProblems(actual: unknown, example: unknown, path = 'data'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(example) === 'null') return [];
  if (kind(actual) !== kind(example)) return [`${path}: ${kind(actual)} where the spec has ${kind(example)}`];
  if (Array.isArray(example)) {
    return example.length && (actual as unknown[]).length ? contractProblems((actual as unknown[])[0], example[0], `${path}[0]`) : [];
  }
  if (kind(example) !== 'object') return [];
  return Object.entries(example as Record<string, unknown>).flatMap(([k, v]) =>
    k in (actual as object) ? contractProblems((actual as Record<string, unknown>)[k], v, `${path}.${k}`) : [`${path}.${k}: missing`],
  );
}
