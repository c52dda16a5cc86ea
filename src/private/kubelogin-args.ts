import { Token } from 'aws-cdk-lib';
import { KubeloginGrantType, KubeloginOptions, KubeloginPkceMethod } from '../kubeconfig-login';

/**
 * kubelogin's `get-token` flags for its options, as int128/kubelogin docs/usage.md spells them
 * ("Usage", and each option's section), beyond the issuer, the client and the scopes.
 */

/** `--listen-address`'s default: "(default [127.0.0.1:8000,127.0.0.1:18000])". */
const DEFAULT_LISTEN_ADDRESSES = ['127.0.0.1:8000', '127.0.0.1:18000'];
/**
 * The keyboard flow's redirect URI: its default before kubelogin v1.33.0, and the first value
 * the docs give now that the flow needs `--oidc-redirect-url` (int128/kubelogin#1263).
 */
const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';

/** One flag, with the option it comes from (for messages about deploy-time values). */
export interface KubeloginFlag {
  readonly option: string;
  readonly flag: string;
}

/**
 * The flags, in a fixed order.
 *
 * @param defaultPkceMethod the resolved settings' method, used unless the options give one
 */
export function kubeloginFlags(options: KubeloginOptions, defaultPkceMethod: KubeloginPkceMethod | undefined): KubeloginFlag[] {
  const pkceMethod = options.pkceMethod ?? defaultPkceMethod;
  const redirectUrl = redirectUrlOf(options);
  const timeout = options.authenticationTimeout?.toSeconds({ integral: false });
  const flags: Array<[string, string | undefined, string | undefined]> = [
    ['grantType', '--grant-type', options.grantType],
    ...(options.listenAddresses ?? []).map(address => ['listenAddresses entry', '--listen-address', address] as [string, string, string]),
    ['redirectUrl', '--oidc-redirect-url', redirectUrl],
    // A number token does not look like a token once in a string: turn it into a string token.
    ['authenticationTimeout', '--authentication-timeout-sec', timeout === undefined ? undefined : Token.isUnresolved(timeout) ? Token.asString(timeout) : String(timeout)],
    ['pkceMethod', '--oidc-pkce-method', pkceMethod],
    ['tokenCacheStorage', '--token-cache-storage', options.tokenCacheStorage],
  ];
  return flags.filter(([, , value]) => value !== undefined).map(([option, flag, value]) => ({ option, flag: `${flag}=${value}` }));
}

/**
 * The redirect URIs to register with the identity provider: none for the device flow, the
 * redirect URL when there is one, else `http://localhost:<port>` for each listen address (the
 * redirect host is `localhost`, docs/usage.md, "Authorization code flow"). Undefined when one is
 * a deploy-time value.
 */
export function redirectUris(options: KubeloginOptions): string[] | undefined {
  if (options.grantType === KubeloginGrantType.DEVICE_CODE) return [];
  const redirectUrl = redirectUrlOf(options);
  const uris = redirectUrl !== undefined ? [redirectUrl]
    : (options.listenAddresses ?? DEFAULT_LISTEN_ADDRESSES).map(address => `http://localhost:${address.slice(address.lastIndexOf(':') + 1)}`);
  return uris.some(uri => Token.isUnresolved(uri)) ? undefined : [...new Set(uris)];
}

function redirectUrlOf(options: KubeloginOptions): string | undefined {
  return options.redirectUrl ?? (options.grantType === KubeloginGrantType.AUTHCODE_KEYBOARD ? OUT_OF_BAND : undefined);
}
