// Reading the inputs: a file or standard input, a little at a time and never more than a cap, so
// that `--template /dev/zero` stops instead of growing until the process aborts. Text must be
// UTF-8 (a BOM is dropped); UTF-16 and a token's "Bearer " prefix get a hint.
import { closeSync, openSync, readSync } from 'fs';
import { looksLikeToken, shownArgument, UsageError } from './arguments';

const MIB = 1024 * 1024;

/**
 * The largest template read. CloudFormation refuses a template over 1 MB (uploaded through S3),
 * so ten times that holds any template `cdk synth` writes, and still bounds the memory used.
 */
export const MAX_TEMPLATE_BYTES = 10 * MIB;

/**
 * The largest token read. kube-apiserver serves with `MaxHeaderBytes: 1 << 20`
 * (k8s.io/apiserver pkg/server/secure_serving.go): a request whose headers exceed 1 MiB is
 * refused before authentication, so a longer token can never log in.
 */
export const MAX_TOKEN_BYTES = MIB;

/** Where an input comes from: a file, or standard input when there is no path. */
interface Input {
  /** What it is, for messages: `the template`, `the token`. */
  readonly what: string;
  readonly path?: string;
  readonly maxBytes: number;
  /** Why there is a cap, for the message when the input exceeds it. */
  readonly why: string;
}

const TEMPLATE_CAP = 'CloudFormation refuses templates over 1 MB';
const TOKEN_CAP = 'kube-apiserver refuses request headers over 1 MiB, so a longer token never logs in';

/** The template of the file, parsed: a usage error when it cannot be read or is not JSON. */
export function readTemplate(path: string): unknown {
  const input = { what: 'the template', path, maxBytes: MAX_TEMPLATE_BYTES, why: TEMPLATE_CAP };
  const text = textOf(readInput(input), input);
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the start of the text in its message: never print what may be a token.
    throw new UsageError(`the template ${shownArgument(path)} is not JSON: ${String((error as Error).message).replace(/, "[\s\S]*$/, '')}`);
  }
}

/**
 * The token, from the argument given, or else the file (standard input without one): surrounding
 * whitespace and line breaks dropped; an empty token, a "Bearer " prefix and one over the cap are
 * usage errors.
 */
export function readToken(argument: string | undefined, path: string | undefined): string {
  const input = { what: 'the token', path, maxBytes: MAX_TOKEN_BYTES, why: TOKEN_CAP };
  const token = (argument ?? textOf(readInput(input), input)).trim();
  const from = argument !== undefined ? '' : ` (${sourceOf(input)})`;
  if (token === '') throw new UsageError(`the token is empty${from}`);
  if (/^(authorization:\s*)?bearer\s/i.test(token)) {
    throw new UsageError(`the token starts with "Bearer "${from}: remove the 'Bearer ' prefix and give the token itself`);
  }
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw new UsageError(`the token is larger than 1 MiB: ${TOKEN_CAP}`);
  return token;
}

/** The input, up to its cap: a usage error when it cannot be read or is larger. */
function readInput(input: Input): Buffer {
  const from = sourceOf(input);
  let fd: number;
  try {
    fd = input.path === undefined ? 0 : openSync(input.path, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${input.what} ${from}: ${systemError(error)}${hint(input)}`);
  }
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(64 * 1024);
    let total = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, Math.min(chunk.length, input.maxBytes + 1 - total), null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Standard input may be non-blocking (a terminal, some pipes): wait for it.
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        if (code === 'EOF') break;
        throw new UsageError(`cannot read ${input.what} ${from}: ${systemError(error)}`);
      }
      if (read === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, read)));
      total += read;
      if (total > input.maxBytes) {
        throw new UsageError(`${input.what} ${from} is larger than ${input.maxBytes / MIB} MiB, the most read: ${input.why}`);
      }
    }
    return Buffer.concat(chunks);
  } finally {
    if (input.path !== undefined) closeSync(fd);
  }
}

/** The text of an input: UTF-8, without a BOM; UTF-16 and NUL bytes are usage errors with a hint. */
function textOf(bytes: Buffer, input: Input): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UsageError(`${input.what} ${sourceOf(input)} is UTF-16: save it as UTF-8`);
  }
  if (bytes.includes(0)) {
    throw new UsageError(`${input.what} ${sourceOf(input)} holds NUL bytes: it is binary or UTF-16; save it as UTF-8 text`);
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function sourceOf(input: Input): string {
  return input.path === undefined ? 'from standard input' : shownArgument(input.path);
}

/** A hint when a file name is probably the token itself. */
function hint(input: Input): string {
  return input.path !== undefined && looksLikeToken(input.path) ? ` (it looks like a token: give a file name${input.what === 'the token' ? ', or the token with --token' : ''})` : '';
}

/** A system error without the path Node puts in its message (the path may be a token). */
function systemError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string') return 'it cannot be read';
  const [first] = String(message).split(', ');
  return first.startsWith(`${code}: `) ? first : code;
}
