import { check, invalid, Problem } from './errors';

/**
 * What a property must hold. TypeScript checks this at compile time; JavaScript callers (and
 * values read from the environment, such as `process.env.UNSET`) reach us unchecked, and would
 * otherwise meet a bare `TypeError` naming no property.
 */
export type Kind = 'string' | 'string?' | 'string map?' | 'string list?' | 'boolean?';

const EXPECTED: Record<Kind, string> = {
  'string': 'a string',
  'string?': 'a string, or nothing',
  'string map?': 'an object whose values are strings, or nothing',
  'string list?': 'a list of strings, or nothing',
  'boolean?': 'true, false, or nothing',
};

/** The problems of values of the wrong JavaScript type, each naming the property and the type expected. */
export function typeProblems(fields: { [property: string]: [unknown, Kind] }): Problem[] {
  return Object.entries(fields).flatMap(([property, [value, kind]]) => {
    const wrong = (what: string, received: unknown) => [invalid(what, received,
      `expected ${EXPECTED[kind]}, received ${describe(received)}`, `Pass ${EXPECTED[kind].replace(/, or nothing$/, '')}`, 'wrongType')];
    if (value === undefined && kind.endsWith('?')) return [];
    switch (kind) {
      case 'string':
      case 'string?':
        return typeof value === 'string' ? [] : wrong(property, value);
      case 'boolean?':
        return typeof value === 'boolean' ? [] : wrong(property, value);
      case 'string list?':
        if (!Array.isArray(value)) return wrong(property, value);
        return value.flatMap((item, i) => (typeof item === 'string' ? [] : wrong(`${property}[${i}]`, item)));
      case 'string map?':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong(property, value);
        return Object.entries(value).flatMap(([key, item]) => (typeof item === 'string' ? [] : wrong(`${property}[${JSON.stringify(key)}]`, item)));
    }
  });
}

/** The JavaScript type of a value, as a message names it. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A JavaScript caller's options object of the wrong type, or with properties of the wrong types:
 * one error naming each property with the type it needs.
 */
export function checkOptions(options: object | undefined, kinds: { [option: string]: Kind }): void {
  if (typeof options !== 'object' || options === null) {
    check([invalid('options', options, 'expected an object of options', 'Pass the options as an object', 'wrongType')]);
  }
  const values = options as { [option: string]: unknown };
  check(typeProblems(Object.fromEntries(Object.entries(kinds).map(([option, kind]) => [option, [values[option], kind]]))));
}
