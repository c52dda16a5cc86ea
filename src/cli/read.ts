// Reading the inputs: a file or standard input, a little at a time and never more than a cap, so
// that `--template /dev/zero` stops instead of growing until the process aborts. Text must be
// UTF-8 (a BOM is dropped); UTF-16 and a token's "Bearer " prefix get a hint.
import { X509Certificate } from 'crypto';
import { closeSync, openSync, readSync } from 'fs';
import { createSecureContext } from 'tls';
import { looksLikeToken, shownArgument, UsageError } from './arguments';
import { MAX_JWKS_BYTES } from '../private/jwks';

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

/**
 * The largest JWKS read (--jwks): the cap of the signature check (private/jwks.ts), which reads no
 * more of an issuer either.
 */
export const MAX_JWKS_FILE_BYTES = MAX_JWKS_BYTES;
const JWKS_CAP = 'the signature check reads at most 1 MiB of an issuer\'s keys (an issuer publishes a few keys, some KiB)';

/** The largest CA file read (--ca-file): a CA bundle of every public root is some 200 KiB. */
export const MAX_CA_FILE_BYTES = MIB;
const CA_FILE_CAP = 'a bundle of every public CA is some 200 KiB';

/**
 * The JWKS of the file (--jwks), as text: a usage error when it cannot be read or is not JSON. JSON
 * that kube-apiserver cannot decode as a key set is the signature check's to say (every token is
 * then refused, as in the cluster).
 */
export function readJwks(path: string): string {
  const input = { what: 'the JWKS', path, maxBytes: MAX_JWKS_FILE_BYTES, why: JWKS_CAP };
  const text = textOf(readInput(input), input);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the JWKS ${shownArgument(path)} is not JSON: ${String((error as Error).message).replace(/, "[\s\S]*$/, '')}. `
      + 'Give the key set the issuer\'s jwks_uri serves (its discovery document names it), or use --fetch-keys');
  }
  return text;
}

/** The PEM certificates of the CA file (--ca-file): a usage error when it cannot be read or holds none. */
export function readCaFile(path: string): string {
  const input = { what: 'the CA file', path, maxBytes: MAX_CA_FILE_BYTES, why: CA_FILE_CAP };
  const text = textOf(readInput(input), input);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UsageError(`the CA file ${shownArgument(path)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new UsageError(`the CA file ${shownArgument(path)}: its certificate #${i + 1} cannot be read (not a PEM X.509 certificate)`);
    }
  });
  try {
    // As the doctor will use it: Node's public roots and these.
    createSecureContext({ ca: blocks });
  } catch {
    throw new UsageError(`the CA file ${shownArgument(path)} cannot be used as a trust store`);
  }
  return blocks.join('\n');
}

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
