// The command line: the commands, their options, and how an argument is shown back in a usage
// error. Every command parses the same way: `--option value` or `--option=value`, `-` for standard
// input, `-h` or `--help` anywhere for help.

/** A mistake in how the tool was called, or input it cannot read: exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An option of a command. */
export interface OptionSpec {
  /** Its name, with the dashes: `--template`. */
  readonly name: string;
  /** The placeholder of its value in the help (`<file>`); a flag has none. */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** What to say when its value is empty. @default - "<name> needs a value" */
  readonly whenEmpty?: string;
}

/** The arguments of a command, parsed. */
export interface ParsedArguments {
  /** The value of each option given, by name (`--template`). */
  readonly values: ReadonlyMap<string, string>;
  /** The flags given (`--json`). */
  readonly flags: ReadonlySet<string>;
  /** Whether `-` (standard input) was given. */
  readonly stdin: boolean;
}

/** A command of the tool: one entry of the table in index.ts. */
export interface Command {
  /** What the user types: `explain`. */
  readonly name: string;
  /** Its arguments, as the usage line shows them. */
  readonly synopsis: string;
  /** What it does, a paragraph. */
  readonly description: string;
  /** Its options; one named `-` means it takes `-` (standard input) as an argument. */
  readonly options: readonly OptionSpec[];
  /** The rest of its help: exit codes, limits, tips. */
  readonly notes: string;
  /** Runs the command; returns the exit code. Throws a UsageError for a usage error. */
  run(args: ParsedArguments): number | Promise<number>;
}

/** The help of a command. */
export function helpOf(command: Command): string {
  const width = Math.max(...command.options.map(o => optionTitle(o).length));
  const lines = command.options.map(o => `  ${optionTitle(o).padEnd(width)}  ${o.help}`);
  lines.push(`  ${'-h, --help'.padEnd(width)}  this text`);
  return `Usage: cdk-eks-oidc ${command.name} ${command.synopsis}\n\n${command.description}\n\n${lines.join('\n')}\n\n${command.notes}`;
}

function optionTitle(option: OptionSpec): string {
  return option.value === undefined ? option.name : `${option.name} ${option.value}`;
}

/** Whether the arguments ask for help: `-h` or `--help` anywhere. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some(arg => arg === '-h' || arg === '--help' || arg.startsWith('--help='));
}

/**
 * Parses the arguments after the command: `--option value`, `--option=value`, flags, and `-`.
 * A value that starts with `--` is taken for a forgotten value (`--token --json`), never as the
 * value. Unknown options and stray arguments are usage errors, shown redacted.
 */
export function parseArguments(args: readonly string[], command: Command): ParsedArguments {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const takesStdin = command.options.some(o => o.name === '-');
  let stdin = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-' && takesStdin) {
      if (stdin) throw new UsageError('- (standard input) is given twice');
      stdin = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      throw new UsageError(`unexpected argument ${shownArgument(arg)}`
        + `${looksLikeToken(arg) ? ': give the token with --token-file <path>, - (standard input) or --token <jwt>' : ''}`);
    }
    const equals = arg.indexOf('=');
    const name = arg.startsWith('--') && equals > 0 ? arg.slice(0, equals) : arg;
    const spec = command.options.find(o => o.name === name);
    if (spec === undefined) throw new UsageError(`unknown option ${shownArgument(name)}${name !== arg ? ' (its value not shown)' : ''}`);
    if (spec.value === undefined) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (name !== arg) {
      value = arg.slice(equals + 1);
    } else {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value: ${name} ${spec.value}`);
      i++;
    }
    if (value === '') throw new UsageError(spec.whenEmpty ?? `${name} needs a value: ${name} ${spec.value}`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    values.set(name, value);
  }
  return { values, flags, stdin };
}

/** The longest argument a usage error shows; longer ones are secrets more often than names. */
const MAX_SHOWN = 100;
/**
 * A JWT, or a part of a larger string that is one: three base64url parts, the first of them the
 * encoding of a JSON object (`{"` is `eyJ`, `{` and whitespace `ew` or `ey`, `{}` `e30`).
 */
const JWT = /(^|[^A-Za-z0-9_-])e[wy3][A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;

/** Whether an argument looks like a token: a JWT (or holds one), or is too long to be a name. */
export function looksLikeToken(arg: string): boolean {
  return JWT.test(arg) || arg.length > MAX_SHOWN;
}

/**
 * An argument as a usage error shows it: quoted, or, when it looks like a token (a JWT, or more
 * than 100 characters), not at all: a usage error must never print a secret.
 */
export function shownArgument(arg: string): string {
  if (JWT.test(arg)) return '(something that looks like a token, not shown)';
  if (arg.length > MAX_SHOWN) return `(an argument of ${arg.length} characters, not shown)`;
  return JSON.stringify(arg);
}
