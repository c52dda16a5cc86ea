/**
 * The one shape of every synth-time error and warning this library emits: which property,
 * what is wrong with it, the value received, and how to fix it.
 */
export function invalid(property: string, value: unknown, problem: string, fix: string): string {
  return `Invalid ${property} ${JSON.stringify(value)}: ${problem}. ${fix}`;
}
