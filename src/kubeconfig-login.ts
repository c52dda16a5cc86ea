import { Duration, Token } from 'aws-cdk-lib';
import { check, invalid, Problem } from './private/errors';
import { describe, typeProblems } from './private/js-types';
import { textProblems } from './private/validation';

// Every value below is spelled as kubelogin's `get-token` flags take it (int128/kubelogin
// docs/usage.md, "Usage": the flag list, and pkg/cmd/*.go where each flag's values are checked).

/**
 * Where kubelogin keeps the tokens it caches between logins: `--token-cache-storage`
 * (int128/kubelogin docs/usage.md, "Token cache").
 */
export enum KubeloginTokenCacheStorage {
  /** Files under `~/.kube/cache/oidc-login`: kubelogin's default. */
  DISK = 'disk',
  /**
   * The operating system's keyring (macOS Keychain, Windows Credential Manager, the Secret Service
   * on Linux), which kubelogin recommends "for enhanced security"; a machine without one fails.
   */
  KEYRING = 'keyring',
  /** No cache: a login each time kubectl needs a token, for machines with neither a writable disk nor a keyring (a recent kubelogin: int128/kubelogin#1285). */
  NONE = 'none',
}

/**
 * How kubelogin obtains the token: `--grant-type` (int128/kubelogin docs/usage.md,
 * "Authentication flows").
 */
export enum KubeloginGrantType {
  /**
   * The authorization code flow: kubelogin opens the browser and receives the code on a local
   * server (`http://localhost:8000`, or `:18000` if 8000 is taken). Register those redirect URIs.
   */
  AUTHCODE = 'authcode',
  /**
   * The authorization code flow with a keyboard: kubelogin shows a URL, the user opens it
   * anywhere and types the code back. For machines without a browser whose identity provider
   * lacks the device flow. kubelogin v1.33.0 or later.
   */
  AUTHCODE_KEYBOARD = 'authcode-keyboard',
  /**
   * The device authorization grant (RFC 8628): kubelogin shows a URL and a code to enter on any
   * device. For headless machines (SSH sessions, jump hosts); enable the device flow for the client.
   */
  DEVICE_CODE = 'device-code',
}

/**
 * The PKCE code challenge method: `--oidc-pkce-method` (int128/kubelogin docs/usage.md, "PKCE").
 */
export enum KubeloginPkceMethod {
  /** SHA-256 challenges, whatever the discovery document says. */
  S256 = 'S256',
  /** PKCE when the discovery document lists a method in `code_challenge_methods_supported`: kubelogin's default. */
  AUTO = 'auto',
  /** No PKCE. */
  NO = 'no',
}

/** Options of `KubeconfigLogin.kubelogin()`: kubelogin's own flags, each as its docs spell it. */
export interface KubeloginOptions {
  /**
   * Where kubelogin caches tokens: `--token-cache-storage`. kubelogin recommends the keyring
   * where the machine has one.
   *
   * @default - kubelogin's default, `disk` (no flag)
   */
  readonly tokenCacheStorage?: KubeloginTokenCacheStorage;

  /**
   * How kubelogin obtains the token: `--grant-type`. Use `DEVICE_CODE` on headless machines.
   *
   * @default - kubelogin's default, the authorization code flow in the browser (no flag)
   */
  readonly grantType?: KubeloginGrantType;

  /**
   * The addresses kubelogin's local server binds to for the authorization code flow, tried in
   * order: one `--listen-address` each, as `<host>:<port>`. The redirect URI is
   * `http://localhost:<port>` for each: register those with the identity provider.
   *
   * @default - kubelogin's default, `127.0.0.1:8000` then `127.0.0.1:18000` (redirect URIs
   * `http://localhost:8000` and `http://localhost:18000`)
   */
  readonly listenAddresses?: string[];

  /**
   * The redirect URI kubelogin sends: `--oidc-redirect-url`, for the authorization code flows
   * (kubelogin v1.33.0 or later). Register it with the identity provider.
   *
   * @default - for `AUTHCODE_KEYBOARD`, `urn:ietf:wg:oauth:2.0:oob`, as kubelogin's docs give
   * it (the flow has no default since kubelogin v1.33.0); otherwise none:
   * `http://localhost:<port>` of the listen address kubelogin bound
   */
  readonly redirectUrl?: string;

  /**
   * How long the user has to log in in the browser: `--authentication-timeout-sec`, in whole
   * seconds. kubelogin applies it to the authorization code flow only.
   *
   * @default - kubelogin's default, 3 minutes (no flag)
   */
  readonly authenticationTimeout?: Duration;

  /**
   * The PKCE code challenge method: `--oidc-pkce-method`. kubelogin picks one from the
   * discovery document's `code_challenge_methods_supported`, which some identity providers
   * leave out although they support PKCE.
   *
   * @default - `S256` for an issuer on login.microsoftonline.com (Entra ID supports it without
   * publishing it, int128/kubelogin#858); otherwise kubelogin's default, `auto` (no flag)
   */
  readonly pkceMethod?: KubeloginPkceMethod;
}

/**
 * How a kubeconfig logs in to the cluster: through kubelogin for people, from a token file for
 * CI jobs whose token lives as long as the job, or with a fresh token from the GitHub Actions
 * runner each time kubectl needs one.
 */
export class KubeconfigLogin {
  /**
   * People log in through kubelogin (`kubectl oidc-login get-token`, int128/kubelogin), which
   * opens the browser, caches the token and refreshes it. Install kubelogin as a kubectl plugin
   * (`kubectl krew install oidc-login`, Homebrew, or a release binary named `kubectl-oidc_login`).
   * Register a public client (no secret: kubelogin uses PKCE) with the redirect URIs
   * `http://localhost:8000` and `http://localhost:18000`, or those of `listenAddresses`.
   */
  public static kubelogin(options: KubeloginOptions = {}): KubeconfigLogin {
    if (typeof options !== 'object' || options === null) {
      check([invalid('options', options, 'expected an object of options', 'Pass the options as an object', 'wrongType')]);
    }
    check(kubeloginProblems(options));
    return new KubeconfigLogin('kubelogin', { ...options, listenAddresses: options.listenAddresses && [...options.listenAddresses] });
  }

  /**
   * CI jobs whose identity token lives as long as the job (GitLab CI `id_tokens`, a token written
   * by an earlier step): the user entry is `tokenFile: <path>`, and kubectl sends the file's
   * token as it is. kubectl reads the file again for each request, but nothing renews the token:
   * a job that outlives it is refused. For GitHub Actions use `gitHubActions()`.
   *
   * @param path the file's path on the machine that runs kubectl
   */
  public static tokenFile(path: string): KubeconfigLogin {
    check(typeProblems({ tokenFile: [path, 'string'] }));
    check(textProblems('tokenFile', path, 'Give the path of the file the job writes its identity token to, e.g. "/tmp/eks-token"'));
    return new KubeconfigLogin('tokenFile', undefined, path);
  }

  /**
   * GitHub Actions jobs: kubectl runs `node` (Node.js 18 or later on the runner's PATH, as on
   * GitHub-hosted runners) with a short inline script that asks the runner for a fresh ID token
   * whose audience is the provider's client ID each time kubectl needs one, and hands it to
   * kubectl with its expiry, so a job that runs longer than a token's life stays logged in. The
   * token is never written to disk or logged. The job needs `permissions: id-token: write`.
   */
  public static gitHubActions(): KubeconfigLogin {
    return new KubeconfigLogin('gitHubActions');
  }

  /** Which login. @internal */
  public readonly _kind: 'kubelogin' | 'tokenFile' | 'gitHubActions';
  /** The kubelogin options, checked. @internal */
  public readonly _kubelogin?: KubeloginOptions;
  /** The token file's path. @internal */
  public readonly _tokenFile?: string;

  private constructor(kind: 'kubelogin' | 'tokenFile' | 'gitHubActions', kubelogin?: KubeloginOptions, tokenFile?: string) {
    this._kind = kind;
    this._kubelogin = kubelogin;
    this._tokenFile = tokenFile;
  }
}

/** The values of the kubelogin options with which they are given: all problems at once. */
function kubeloginProblems(options: KubeloginOptions): Problem[] {
  const types = [
    ...enumProblems('tokenCacheStorage', options.tokenCacheStorage, 'KubeloginTokenCacheStorage', KubeloginTokenCacheStorage),
    ...enumProblems('grantType', options.grantType, 'KubeloginGrantType', KubeloginGrantType),
    ...enumProblems('pkceMethod', options.pkceMethod, 'KubeloginPkceMethod', KubeloginPkceMethod),
    ...typeProblems({ listenAddresses: [options.listenAddresses, 'string list?'], redirectUrl: [options.redirectUrl, 'string?'] }),
    ...durationTypeProblems(options.authenticationTimeout),
  ];
  if (types.length > 0) return types;
  return [
    ...listenAddressesProblems(options.listenAddresses),
    ...textProblems('redirectUrl', options.redirectUrl, 'Give the redirect URI registered with the identity provider, e.g. "http://localhost:8000"'),
    ...timeoutProblems(options.authenticationTimeout),
    ...grantTypeProblems(options),
  ];
}

function enumProblems(property: string, value: unknown, name: string, values: { [member: string]: string }): Problem[] {
  if (value === undefined || Object.values(values).includes(value as string)) return [];
  const members = Object.keys(values).map(member => `${name}.${member}`);
  return [invalid(property, value, `expected a ${name} (${members.join(', ')}), received ${describe(value)}`,
    `Pass ${members.slice(0, -1).join(', ')} or ${members[members.length - 1]}`, 'wrongType')];
}

function durationTypeProblems(value: unknown): Problem[] {
  if (value === undefined || typeof (value as Duration | null)?.toSeconds === 'function') return [];
  return [invalid('authenticationTimeout', value, `expected a Duration, received ${describe(value)}`,
    'Pass a Duration, e.g. Duration.minutes(5)', 'wrongType')];
}

/** `<host>:<port>`, the host a name, an IPv4 address or a bracketed IPv6 address, as Go's net.Listen takes it. */
const LISTEN_ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

function listenAddressesProblems(addresses: string[] | undefined): Problem[] {
  if (addresses === undefined) return [];
  if (addresses.length === 0) {
    return [invalid('listenAddresses', addresses, 'kubelogin needs an address to bind to', 'Give at least one, or leave the option out for kubelogin\'s defaults')];
  }
  return addresses.flatMap(address => {
    if (Token.isUnresolved(address)) return [];
    const port = Number(LISTEN_ADDRESS.exec(address)?.[2]);
    if (port >= 1 && port <= 65535) return [];
    return [invalid('listenAddresses entry', address, 'it must be <host>:<port> with a port from 1 to 65535, which becomes the redirect '
      + 'URI http://localhost:<port> registered with the identity provider', 'Give e.g. "127.0.0.1:8000"')];
  });
}

function timeoutProblems(timeout: Duration | undefined): Problem[] {
  if (timeout === undefined) return [];
  const seconds = timeout.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds) || (Number.isInteger(seconds) && seconds >= 1)) return [];
  return [invalid('authenticationTimeout', timeout.toHumanString(), 'kubelogin takes whole seconds, at least 1',
    'Give e.g. Duration.minutes(5)')];
}

/** Options kubelogin ignores with the grant type given: refused, as they would not do what they say. */
function grantTypeProblems(options: KubeloginOptions): Problem[] {
  const { grantType } = options;
  const ignored = (property: string, value: unknown, flows: string) => invalid(property, value,
    `kubelogin uses it only for ${flows}, not the grant type ${grantType}`, `Leave ${property} out, or choose another grantType`);
  const problems: Problem[] = [];
  if (grantType === KubeloginGrantType.AUTHCODE_KEYBOARD || grantType === KubeloginGrantType.DEVICE_CODE) {
    if (options.listenAddresses !== undefined) problems.push(ignored('listenAddresses', options.listenAddresses, 'the authorization code flow in the browser'));
    if (options.authenticationTimeout !== undefined) {
      problems.push(ignored('authenticationTimeout', options.authenticationTimeout.toHumanString(), 'the authorization code flow in the browser'));
    }
  }
  if (grantType === KubeloginGrantType.DEVICE_CODE && options.redirectUrl !== undefined) {
    problems.push(ignored('redirectUrl', options.redirectUrl, 'the authorization code flows'));
  }
  return problems;
}
