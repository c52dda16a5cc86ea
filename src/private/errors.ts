import { IConstruct } from 'constructs';

/** One thing wrong with the input: a stable id (like the warning ids) and the message. */
export interface Problem {
  /** The rule, as `cdk-eks-oidc:<camelCaseId>`; stable across releases, like the warning ids. */
  readonly id: string;
  readonly message: string;
}

/**
 * The one error this library throws for bad input: every problem found at once, each with its
 * stable id, and the path of the construct they belong to (when there is one).
 */
export class EksOidcError extends Error {
  public readonly problems: Problem[];
  public readonly path?: string;

  constructor(problems: Problem[], scope?: IConstruct) {
    const path = scope?.node.path;
    super([...problems.map(p => `${p.message} [${p.id}]`), ...(path ? [`  at ${path}`] : [])].join('\n'));
    this.name = 'EksOidcError';
    this.problems = problems;
    this.path = path;
  }
}

/** Throws the problems as one error, if there are any. */
export function check(problems: Problem[], scope?: IConstruct): void {
  if (problems.length > 0) throw new EksOidcError(problems, scope);
}

/** A value as a message shows it: quoted with escapes, or said to be missing. */
export function shown(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // a circular object, such as a construct given where a string belongs
  }
  return escapeForTerminal(text ?? String(value));
}

/**
 * JSON.stringify escapes C0 controls; this escapes what it leaves raw and a terminal acts on or
 * reorders text with: DEL, C1 controls and Unicode's bidirectional and invisible formatting characters.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The problem with one property: which, the value received, what is wrong, and how to fix it.
 * The id is `cdk-eks-oidc:invalid<Property>` unless given.
 */
export function invalid(property: string, value: unknown, problem: string, fix: string, id?: string): Problem {
  return {
    id: `cdk-eks-oidc:${id ?? `invalid${camel(property)}`}`,
    message: `Invalid ${property} ${shown(value)}: ${problem}. ${fix}`,
  };
}

/** `requiredClaims key` → `RequiredClaimsKey`, `tag "x" value` → `TagValue`. */
function camel(property: string): string {
  return property.replace(/"[^"]*"|\[[^\]]*\]/g, '').split(/[^A-Za-z0-9]+/).filter(Boolean)
    .map(word => word[0].toUpperCase() + word.slice(1)).join('');
}

/** Throws the problem, always. */
export function fail(problem: Problem, scope?: IConstruct): never {
  throw new EksOidcError([problem], scope);
}
