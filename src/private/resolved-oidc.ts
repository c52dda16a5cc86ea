import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { KubeloginPkceMethod } from '../kubeconfig-login';
import { OidcIssuer } from '../oidc-issuer';
import { OidcSettings } from '../oidc-settings';
import { check, invalid, Problem } from './errors';
import { ENTRA_ID_HOST } from './issuer-rules';
import { typeProblems } from './js-types';
import { DEFAULT_USERNAME_CLAIM, OidcNaming } from './kubernetes-names';
import { prefixProblems, requiredClaimsProblems, textProblems } from './validation';

/**
 * The one resolved shape of a provider's OIDC settings: the issuer's settings and the given ones
 * combined, and every default applied, here and nowhere else. The construct, its template, the
 * kubeconfig, the token rules and the CLI all read this.
 */
export interface ResolvedOidc extends OidcNaming {
  readonly issuerUrl: string;
  readonly clientId: string;
  /** The username claim, `sub` unless the settings or the issuer name another. */
  readonly usernameClaim: string;
  /** The prefix as configured (`-` for none); `usernamePrefixOf()` spells the one applied. */
  readonly usernamePrefix?: string;
  readonly groupsClaim?: string;
  readonly groupsPrefix?: string;
  /** Merged, sorted by claim: the template must not depend on a map's iteration order. */
  readonly requiredClaims: { [claim: string]: string };
  /** Scopes kubelogin requests beyond `openid`, for the claims above to be in the ID token. */
  readonly kubeconfigScopes: string[];
  /**
   * The PKCE method kubelogin is told to use unless the kubeconfig's options name one: `S256` for
   * Entra ID, which supports it but does not publish `code_challenge_methods_supported`, from
   * which kubelogin's `auto` would conclude it does not (int128/kubelogin#858). Keyed to the
   * issuer's host, the one `OidcIssuer.entraId()` builds its URL with, so that the preset and
   * `fromUrl()` with the same URL make the same kubeconfig.
   */
  readonly kubeloginPkceMethod?: KubeloginPkceMethod;
}

/**
 * Checks the settings and resolves them; throws every problem at once, with the `other` problems
 * of the caller's own properties, at `scope` when given.
 */
export function resolveOidc(settings: OidcSettings, scope?: IConstruct, other: Problem[] = []): ResolvedOidc {
  check([...settingsProblems(settings), ...other], scope);
  const { issuer } = settings;
  const usernameClaim = settings.usernameClaim ?? issuer.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  const merged: { [claim: string]: string } = { ...issuer.requiredClaims, ...settings.requiredClaims };
  // Keys of a map are never equal, so the order is total.
  const requiredClaims = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    issuerUrl: issuer.issuerUrl,
    clientId: settings.clientId,
    usernameClaim,
    usernamePrefix: settings.usernamePrefix,
    groupsClaim: settings.groupsClaim ?? issuer.groupsClaim,
    groupsPrefix: settings.groupsPrefix,
    requiredClaims,
    // Without the `email` scope, providers leave `email` out of ID tokens.
    kubeconfigScopes: [...new Set([...(usernameClaim === 'email' ? ['email'] : []), ...issuer.kubeconfigScopes ?? []])],
    kubeloginPkceMethod: !Token.isUnresolved(issuer.issuerUrl) && issuer.issuerUrl.startsWith(`https://${ENTRA_ID_HOST}/`) ? KubeloginPkceMethod.S256 : undefined,
  };
}

function settingsProblems(settings: OidcSettings): Problem[] {
  if (typeof settings !== 'object' || settings === null) {
    return [invalid('settings', settings, 'expected an object with issuer and clientId', 'Pass the issuer and the clientId', 'wrongType')];
  }
  const omit = 'Leave the property out to get the default';
  const issuer = settings.issuer instanceof OidcIssuer ? [] : [invalid('issuer', (settings.issuer as unknown) instanceof Object ? '(an object)' : settings.issuer,
    'expected an OidcIssuer', 'Pass a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)', 'wrongType')];
  const types = typeProblems({
    clientId: [settings.clientId, 'string'],
    usernameClaim: [settings.usernameClaim, 'string?'],
    usernamePrefix: [settings.usernamePrefix, 'string?'],
    groupsClaim: [settings.groupsClaim, 'string?'],
    groupsPrefix: [settings.groupsPrefix, 'string?'],
    requiredClaims: [settings.requiredClaims, 'string map?'],
  });
  if (issuer.length + types.length > 0) return [...issuer, ...types];
  return [
    ...textProblems('clientId', settings.clientId, 'Use the client ID of the application registered with your identity provider'),
    ...textProblems('usernameClaim', settings.usernameClaim, omit),
    ...textProblems('usernamePrefix', settings.usernamePrefix, `${omit}, or use "-" for no prefix`),
    ...textProblems('groupsClaim', settings.groupsClaim, omit),
    ...textProblems('groupsPrefix', settings.groupsPrefix, omit),
    ...prefixProblems('usernamePrefix', settings.usernamePrefix),
    ...prefixProblems('groupsPrefix', settings.groupsPrefix),
    ...requiredClaimsProblems(settings.requiredClaims ?? {}),
  ];
}
