// Generators of OidcIdentityProvider props: valid and invalid values of every prop, at and past
// every limit, and deploy-time tokens in every field.
import * as fc from 'fast-check';
import { DeployTimeToken, GeneratedProps, Value } from './eks-oidc-rules';

/**
 * Any text of code points in a length range, astral characters included, that keeps the text
 * rule: no control or invisible formatting character, no whitespace at either end.
 */
const text = (minLength: number, maxLength: number) => fc.string({ unit: 'binary', minLength, maxLength })
  .map(s => s.replace(/[\p{Cc}\p{Cf}]/gu, 'c').replace(/^\s|\s$/gu, 'w'));
/** The text with one of the characters inserted somewhere. */
const withOneOf = (value: fc.Arbitrary<string>, characters: string[]) => fc.tuple(value, fc.integer({ min: 0, max: 40 }),
  fc.constantFrom(...characters))
  .map(([s, at, c]) => { const chars = [...s]; chars.splice(at % (chars.length + 1), 0, c); return chars.join(''); });
/** The same, with a control character somewhere. */
const withControl = (value: fc.Arbitrary<string>) => withOneOf(value, ['\t', '\n', '\r', '\u0000', '\u007f', '\u0086']);
/** The same, with an invisible formatting character somewhere. */
const withFormatting = (value: fc.Arbitrary<string>) => withOneOf(value, ['\u200b', '\u00ad', '\u2060', '\u202e', '\u200d', '\ufeff', '\u{e0041}']);
/** The same, with whitespace at one end or both. */
const surrounded = (value: fc.Arbitrary<string>) => fc.tuple(value, fc.constantFrom(' ', '\u00a0', '\u3000', '\u2028'), fc.constantFrom('start', 'end', 'both'))
  .map(([s, w, where]) => `${where === 'end' ? '' : w}${s}${where === 'start' ? '' : w}`);
/** Text that breaks the text rule. */
const breaksTextRule = (value: fc.Arbitrary<string>) => fc.oneof(withControl(value), withFormatting(value), surrounded(value));
/** Text of the characters AWS allows in tags. */
const tagText = (value: fc.Arbitrary<string>) => value.map(s => [...s].map(c => (/[\p{L}\p{Z}\p{N}_.:/=+\-@]/u.test(c) ? c : 'x')).join(''));
/** Lengths at and around a limit, and anything in between. */
const around = (min: number, max: number) => fc.oneof(
  fc.constantFrom(min, max),
  fc.integer({ min, max }),
);
const sized = (min: number, max: number) => around(min, max).chain(length => text(length, length));
const sizedTagText = (min: number, max: number) => tagText(sized(min, max));

// "--" in the third and fourth place marks an IDNA label (xn--...), which must then decode.
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/).filter(l => l.slice(2, 4) !== '--');
// The last label of a domain name must not be numeric: URL parsers then read the host as IPv4.
const topLevel = fc.stringMatching(/^[a-z]{2,6}$/);
const host = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), topLevel).map(([labels, tld]) => [...labels, tld].join('.')),
  fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'login.microsoftonline.com', 'token.actions.githubusercontent.com'),
  // EKS hosts that are not a cluster's service-account issuer path
  fc.constantFrom('oidc.eks.us-east-1.amazonaws.com', 'oidc.eks.cn-north-1.amazonaws.com.cn'),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map(p => `:${p}`), { nil: '' });
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter(s => s !== '.' && s !== '..');
const path = fc.array(segment, { maxLength: 4 }).map(segments => segments.map(s => `/${s}`).join(''));
const trailingSlash = fc.constantFrom('', '/');

const validIssuerUrl = fc.oneof(
  fc.tuple(host, port, path, trailingSlash)
    .map(([h, p, segments, slash]) => `https://${h}${p}${segments}${slash}`)
    // A path starting with /id/ on an EKS host is the cluster's own issuer.
    .filter(url => !/^https:\/\/oidc\.eks\.[^/]+\/id\//.test(url))
    // Entra ID's tenant must be a GUID: see below.
    .filter(url => !url.startsWith('https://login.microsoftonline.com/')),
  fc.tuple(fc.uuid(), fc.constantFrom('/v2.0', '/', '')).map(([tenant, rest]) => `https://login.microsoftonline.com/${tenant}${rest}`),
);

const invalidIssuerUrl = fc.oneof(
  validIssuerUrl.map(url => url.replace('https://', 'http://')),
  validIssuerUrl.map(url => url.replace('https://', '')),
  validIssuerUrl.map(url => url.replace('https://', 'HTTPS://')),
  fc.tuple(validIssuerUrl, fc.stringMatching(/^[a-z=&]{0,8}$/)).map(([url, query]) => `${url}?${query}`),
  fc.tuple(validIssuerUrl, fc.stringMatching(/^[a-z]{0,8}$/)).map(([url, fragment]) => `${url}#${fragment}`),
  fc.tuple(host, fc.constantFrom('user@', 'user:secret@', ':secret@')).map(([h, info]) => `https://${info}${h}`),
  fc.tuple(validIssuerUrl, trailingSlash).map(([url, slash]) => `${url.replace(/\/$/, '')}/.well-known/openid-configuration${slash}`),
  fc.tuple(fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'), fc.stringMatching(/^[A-F0-9]{32}$/))
    .map(([region, id]) => `https://oidc.eks.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/id/${id}`),
  fc.tuple(label, label, fc.constantFrom(' ', '\t', '\n', '\u0000', '\u007f', '\u200b', '\u00ad', '\u2060', '\u202e'))
    .map(([a, b, c]) => `https://${a}${c}${b}.example.com`),
  fc.tuple(validIssuerUrl, fc.constantFrom(' ', '\n', '\u00a0')).map(([url, w]) => `${url}${w}`),
  fc.constant('https://'),
  // Entra ID with a domain or an alias as the tenant
  fc.tuple(fc.oneof(topLevel, fc.constantFrom('common', 'organizations', 'contoso.onmicrosoft.com')), fc.constantFrom('/v2.0', '/', ''))
    .map(([tenant, rest]) => `https://login.microsoftonline.com/${tenant}${rest}`),
);

/** A deploy-time token in place of a value: CfnParameter, import, ... */
const token = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/).map((name): Value => new DeployTimeToken(name));
const orToken = (value: fc.Arbitrary<Value>) => fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: token });

const nonEmpty = text(1, 40);
const badText = fc.oneof(fc.constant(''), breaksTextRule(text(0, 20)));
const prefix = fc.oneof(
  text(1, 20).filter(p => !p.includes('system:')),
  fc.constantFrom('-', 'oidc:', 'okta:', 's', 'sys', 'system', 'system-'),
);
const badPrefix = fc.tuple(text(0, 5), text(0, 5)).map(([before, after]) => `${before}system:${after}`);

const claimKey = sized(1, 63);
const claimValue = sized(1, 253);
const badClaimKey = fc.oneof(fc.constant(''), sized(64, 80), breaksTextRule(text(1, 20)));
const badClaimValue = fc.oneof(fc.constant(''), sized(254, 270), breaksTextRule(text(1, 20)));

const notForAws = (value: string) => !value.toLowerCase().startsWith('aws:');
const tagKey = sizedTagText(1, 128).filter(notForAws);
const tagValue = sizedTagText(0, 256).filter(notForAws);
const awsPrefixed = fc.tuple(fc.constantFrom('aws:', 'AWS:', 'Aws:'), tagText(text(0, 10))).map(([p, k]) => p + k);
const otherCharacter = fc.tuple(tagText(text(0, 10)), fc.constantFrom('&', '#', '!', '*', '\n', '\t', '\u0086', '"'))
  .map(([t, c]) => t + c);
const badTagKey = fc.oneof(fc.constant(''), sizedTagText(129, 140), awsPrefixed, otherCharacter);
const badTagValue = fc.oneof(sizedTagText(257, 270), awsPrefixed, otherCharacter);
/** Many distinct tags, to reach the count limit. */
const shortTagKey = tagText(fc.string({ minLength: 1, maxLength: 6 })).filter(notForAws);

const dictionary = (key: fc.Arbitrary<string>, value: fc.Arbitrary<Value>, maxKeys: number) =>
  fc.dictionary(key, value, { maxKeys, noNullPrototype: true });

/** Props with every value valid, deploy-time tokens allowed where `tokens` is set. */
export function validProps(tokens: boolean): fc.Arbitrary<GeneratedProps> {
  const maybe = tokens ? orToken : (value: fc.Arbitrary<Value>) => value;
  return fc.record({
    issuerUrl: maybe(validIssuerUrl),
    clientId: maybe(nonEmpty),
    identityProviderConfigName: maybe(fc.stringMatching(/^[A-Za-z0-9-]{1,63}$/)),
    usernameClaim: maybe(fc.oneof(fc.constantFrom('sub', 'email', 'preferred_username'), nonEmpty)),
    usernamePrefix: maybe(prefix),
    groupsClaim: maybe(fc.oneof(fc.constantFrom('groups', 'roles'), nonEmpty)),
    groupsPrefix: maybe(prefix),
    requiredClaims: dictionary(claimKey, maybe(claimValue), 5),
    tags: fc.oneof(dictionary(tagKey, maybe(tagValue), 5), dictionary(shortTagKey, fc.constant('v'), 50)),
  }, { requiredKeys: ['issuerUrl', 'clientId'] });
}

/** Props where any value may be valid, invalid or a token. */
export function anyProps(): fc.Arbitrary<GeneratedProps> {
  const either = (valid: fc.Arbitrary<Value>, invalid: fc.Arbitrary<Value>) =>
    fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: invalid }, { weight: 1, arbitrary: token });
  return fc.record({
    issuerUrl: either(validIssuerUrl, invalidIssuerUrl),
    clientId: either(nonEmpty, badText),
    identityProviderConfigName: either(fc.stringMatching(/^[A-Za-z0-9-]{1,63}$/), badText),
    usernameClaim: either(nonEmpty, badText),
    usernamePrefix: either(prefix, fc.oneof(badPrefix, badText)),
    groupsClaim: either(nonEmpty, badText),
    groupsPrefix: either(prefix, fc.oneof(badPrefix, badText)),
    requiredClaims: fc.oneof(
      dictionary(claimKey, orToken(claimValue), 5),
      dictionary(fc.oneof(claimKey, badClaimKey), fc.oneof(claimValue, badClaimValue, token), 5),
    ),
    tags: fc.oneof(
      dictionary(tagKey, orToken(tagValue), 5),
      dictionary(fc.oneof(tagKey, badTagKey), fc.oneof(tagValue, badTagValue, token), 5),
      dictionary(shortTagKey, fc.constant('v'), 60),
    ),
  }, { requiredKeys: ['issuerUrl', 'clientId'] });
}

/** Values of a username or groups claim, as tokens carry them. */
export const claimValueOfToken = text(1, 30);
