import { Annotations as CoreAnnotations, Lazy, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer } from '../src';
import { errorOf, importedCluster, ISSUER, newStack, provider } from './util';

const token = (value: string) => Lazy.string({ produce: () => value });
/** The message of the error a provider of these props throws, without ids and path. */
const error = (props: Partial<OidcIdentityProviderProps>) => errorOf(() => provider(newStack(), props));
const accepted = (props: Partial<OidcIdentityProviderProps>) => expect(error(props)).toBeUndefined();
/** The error itself, message whole. */
function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

describe('issuerUrl: checked by OidcIssuer.fromUrl, without a construct', () => {
  const https = 'EKS only accepts an issuer URL that starts with "https://". Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"';
  const invisible = 'an issuer URL must not contain whitespace, control or invisible formatting characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break';
  const wellKnown = 'the issuer URL is the level above "/.well-known/openid-configuration", not the discovery document itself. Remove "/.well-known/openid-configuration" from the end';
  test.each([
    ['http://idp.example.com', https],
    ['idp.example.com', https],
    [' https://idp.example.com', https],
    ['https://', 'it is not a parseable URL. Use the exact "iss" value of your tokens, e.g. "https://login.example.com/realms/platform"'],
    ['https://idp example.com', invisible],
    ['https://idp.example.com ', invisible],
    ['https://idp.example.com/realm\u0085', invisible],
    ['https://idp.example.com/realm\u0086', invisible],
    ['https://idp.exa\tmple.com', invisible],
    ['https://idp.example.com/realm\n', invisible],
    ['https://idp.example.com/\u200brealm', invisible],
    ['https://idp.example.com/re\u00adalm', invisible],
    ['https://idp.example.com/realm\u2060', invisible],
    ['https://idp.example.com/\u202erealm', invisible],
    ['https://user:secret@idp.example.com', 'an issuer URL must not contain user info ("user:password@"). Remove the part before "@" from the host'],
    ['https://idp.example.com/?tenant=1', 'an issuer URL must not have a query string. Remove everything from "?" on'],
    ['https://idp.example.com/?', 'an issuer URL must not have a query string. Remove everything from "?" on'],
    ['https://idp.example.com/#top', 'an issuer URL must not have a fragment. Remove everything from "#" on'],
    ['https://idp.example.com/.well-known/openid-configuration', wellKnown],
    ['https://idp.example.com/realm/.well-known/openid-configuration/', wellKnown],
  ])('%j', (issuerUrl, message) => {
    // Messages show the value as JSON does, with invisible characters escaped.
    const shown = JSON.stringify(issuerUrl).replace(/[\u0080-\u009f\u200b\u202e\u2060]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(errorOf(() => OidcIssuer.fromUrl(issuerUrl))).toBe(`Invalid issuerUrl ${shown}: ${message}`);
  });

  test.each([
    'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  ])('the cluster\'s IRSA issuer %s', (issuerUrl) => {
    expect(errorOf(() => OidcIssuer.fromUrl(issuerUrl))).toBe(`Invalid issuerUrl "${issuerUrl}": this is an EKS cluster's own service-account issuer `
      + '(the IRSA OIDC provider, used by pods to assume IAM roles), which EKS rejects as an identity provider '
      + '("cannot be same as OpenID Connect (OIDC) issuer URL"). Use the issuer of the identity provider your people log in with '
      + '(Okta, Entra ID, Keycloak, Dex, ...); to let pods assume IAM roles, use the cluster\'s OpenIdConnectProvider or EKS Pod Identity instead');
  });

  test.each([
    'https://idp.example.com',
    'https://idp.example.com/',
    'https://idp.example.com:8443/realms/platform',
    'https://idp.example.com/.well-known/openid-configuration-other',
    'https://oidc.eks.us-east-1.amazonaws.com.example.com/id/ABC',
    'https://oidc.eks.us-east-1.amazonaws.com/other/ABC',
    'https://token.actions.githubusercontent.com',
    // visible neighbours of the invisible characters above
    'https://idp.example.com/\u2010realm',
    'https://idp.example.com/re\u00aealm',
    'https://idp.example.com/realm\u205e',
    'https://idp.example.com/\u2030realm',
  ])('accepts %s, and a provider takes it', (issuerUrl) => {
    expect(errorOf(() => OidcIssuer.fromUrl(issuerUrl))).toBeUndefined();
    accepted({ issuer: OidcIssuer.fromUrl(issuerUrl), requiredClaims: { repository_owner: 'octo-org' } });
  });

  test.each([
    ['a whole token', token('http://not-checked')],
    ['a token inside', `http://${Token.asString({ Ref: 'Host' })}/?q#f`],
  ])('never judges %s', (_, issuerUrl) => {
    expect(errorOf(() => OidcIssuer.fromUrl(issuerUrl))).toBeUndefined();
    accepted({ issuer: OidcIssuer.fromUrl(issuerUrl) });
  });
});

describe('error ids and the construct path', () => {
  test('an issuer\'s error has its id and no path: there is no construct yet', () => {
    const e = thrown(() => OidcIssuer.fromUrl('http://idp.example.com'));
    expect(e.name).toBe('EksOidcError');
    expect(e.message).toBe('Invalid issuerUrl "http://idp.example.com": EKS only accepts an issuer URL that starts with "https://". '
      + 'Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default" '
      + '[cdk-eks-oidc:invalidIssuerUrl]');
  });

  test('a provider\'s error: each problem with its id, then the provider\'s path on a line of its own', () => {
    const e = thrown(() => provider(newStack(), { clientId: '', requiredClaims: { '': 'x' } }));
    expect(e.name).toBe('EksOidcError');
    expect(e.message).toBe([
      'Invalid clientId "": it must not be empty. Use the client ID of the application registered with your identity provider [cdk-eks-oidc:invalidClientId]',
      'Invalid requiredClaims key "": it must be 1 to 63 characters long, but has 0. Use the claim\'s name as it appears in the token [cdk-eks-oidc:invalidRequiredClaimsKey]',
      '  at Stack/Provider',
    ].join('\n'));
  });

  test('the path is the whole construct path', () => {
    const stack = newStack();
    const e = thrown(() => new OidcIdentityProvider(new Construct(stack, 'Team'), 'Okta', {
      cluster: importedCluster(stack), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', tags: { 'aws:x': 'y' },
    }));
    expect(e.message).toBe('Invalid tag key "aws:x": the "aws:" prefix is reserved for AWS. Choose one that does not start with "aws:" '
      + '[cdk-eks-oidc:invalidTagKey]\n  at Stack/Team/Okta');
  });

  test.each<[string, Partial<OidcIdentityProviderProps>, string]>([
    ['identityProviderConfigName', { identityProviderConfigName: '' }, 'invalidIdentityProviderConfigName'],
    ['usernamePrefix', { usernamePrefix: 'system:' }, 'invalidUsernamePrefix'],
    ['requiredClaims value', { requiredClaims: { hd: '' } }, 'invalidRequiredClaimsValue'],
    ['tag value', { tags: { team: 'a&b' } }, 'invalidTagValue'],
    ['a wrong JavaScript type', { clientId: 5 as unknown as string }, 'wrongType'],
  ])('%s: cdk-eks-oidc:%s', (_, props, id) => {
    const lines = thrown(() => provider(newStack(), props)).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(` \\[cdk-eks-oidc:${id}\\]$`));
    expect(lines[1]).toBe('  at Stack/Provider');
  });

  test('a missing value is shown as (missing), never as undefined', () => {
    expect(error({ clientId: undefined })).toBe('Invalid clientId (missing): expected a string, received nothing. Pass a string');
    expect(error({ issuer: undefined })).toBe('Invalid issuer (missing): expected an OidcIssuer. '
      + 'Pass a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)');
  });

  test('per-cluster rules, checked at synth, carry their ids too', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    provider(stack, { cluster, identityProviderConfigName: 'okta' }, 'A');
    provider(stack, { cluster, identityProviderConfigName: 'okta', issuer: OidcIssuer.fromUrl('https://other.example.com') }, 'B');
    expect(() => Template.fromStack(stack)).toThrow('Invalid identityProviderConfigName "okta": providers Stack/A, Stack/B of cluster Stack/prod share it, '
      + 'and EKS needs a unique name per cluster. Give each provider its own identityProviderConfigName, or leave it out to get a generated one '
      + '[cdk-eks-oidc:invalidIdentityProviderConfigName]');
  });
});

describe('wrong JavaScript types (what TypeScript would catch; see property/wrong-types.test.ts for every prop)', () => {
  test.each<[string, Partial<OidcIdentityProviderProps>, string]>([
    ['a number', { clientId: 5 as unknown as string }, 'Invalid clientId 5: expected a string, received a number. Pass a string'],
    ['an issuer given as a URL', { issuer: ISSUER as unknown as OidcIssuer },
      `Invalid issuer "${ISSUER}": expected an OidcIssuer. Pass a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)`],
    ['a map value left out', { requiredClaims: { hd: undefined as unknown as string } },
      'Invalid requiredClaims["hd"] (missing): expected an object whose values are strings, or nothing, received nothing. Pass an object whose values are strings'],
    ['a tag value of a number', { tags: { k: 5 as unknown as string } },
      'Invalid tags["k"] 5: expected an object whose values are strings, or nothing, received a number. Pass an object whose values are strings'],
  ])('%s', (_, props, message) => {
    expect(error(props)).toBe(message);
  });
});

describe('the text rule: no surrounding whitespace, no control or invisible formatting character', () => {
  /** Each text property, made to hold a value; the name the message gives it. */
  const properties: Array<[string, (value: string) => unknown, string]> = [
    ['clientId', value => provider(newStack(), { clientId: value }), 'clientId'],
    ['usernameClaim', value => provider(newStack(), { usernameClaim: value }), 'usernameClaim'],
    ['groupsClaim', value => provider(newStack(), { groupsClaim: value }), 'groupsClaim'],
    ['usernamePrefix', value => provider(newStack(), { usernamePrefix: value }), 'usernamePrefix'],
    ['groupsPrefix', value => provider(newStack(), { groupsClaim: 'groups', groupsPrefix: value }), 'groupsPrefix'],
    ['identityProviderConfigName', value => provider(newStack(), { identityProviderConfigName: value }), 'identityProviderConfigName'],
    ['a required claim\'s key', value => provider(newStack(), { requiredClaims: { [value]: 'x' } }), 'requiredClaims key'],
    ['a required claim\'s value', value => provider(newStack(), { requiredClaims: { hd: value } }), 'requiredClaims["hd"] value'],
    ['the issuer\'s usernameClaim', value => OidcIssuer.fromUrl(ISSUER, { usernameClaim: value }), 'usernameClaim'],
    ['the issuer\'s groupsClaim', value => OidcIssuer.fromUrl(ISSUER, { groupsClaim: value }), 'groupsClaim'],
    ['the issuer\'s required claim\'s value', value => OidcIssuer.fromUrl(ISSUER, { requiredClaims: { hd: value } }), 'requiredClaims["hd"] value'],
  ];
  const whitespace = 'it starts or ends with whitespace, which no token value carries. Remove the surrounding whitespace';
  const formatting = (codePoint: string) => `it contains the invisible formatting character ${codePoint}. Remove it; it was most likely pasted by mistake`;
  /** [refused value, as the message shows it, the problem, an accepted value beside it] */
  const cases: Array<[string, string, string, string]> = [
    [' leading', '" leading"', whitespace, 'in side'],
    ['trailing ', '"trailing "', whitespace, 'in\tside'.replace('\t', ' ')],
    ['trailing\n', '"trailing\\n"', whitespace, 'trailing'],
    ['zero\u200bwidth', '"zero\\u200bwidth"', formatting('U+200B'), 'zero\u2010width'],
    ['soft\u00adhyphen', '"soft\u00adhyphen"', formatting('U+00AD'), 'soft\u00aehyphen'],
    ['word\u2060joiner', '"word\\u2060joiner"', formatting('U+2060'), 'word\u205ejoiner'],
    ['\u202eoverride', '"\\u202eoverride"', formatting('U+202E'), '\u2030override'],
  ];
  describe.each(properties)('%s', (_, make, property) => {
    test.each(cases)('%j is refused, %j beside it accepted', (value, shown, problem, boundary) => {
      expect(errorOf(() => make(value))).toBe(`Invalid ${property} ${shown}: ${problem}`);
      expect(errorOf(() => make(boundary))).toBeUndefined();
    });
  });
});

describe('empty strings', () => {
  const omit = 'Leave the property out to get the default';
  test.each([
    ['clientId', 'Use the client ID of the application registered with your identity provider'],
    ['identityProviderConfigName', 'Leave the property out to get a generated name'],
    ['usernameClaim', omit],
    ['usernamePrefix', `${omit}, or use "-" for no prefix`],
    ['groupsClaim', omit],
    ['groupsPrefix', omit],
  ])('%s', (property, fix) => {
    expect(error({ groupsClaim: 'groups', [property]: '' })).toBe(`Invalid ${property} "": it must not be empty. ${fix}`);
    accepted({ groupsClaim: 'groups', [property]: 'x' });
    accepted({ groupsClaim: 'groups', [property]: token('') });
  });

  test.each(['usernameClaim', 'groupsClaim'])('the issuer\'s %s', (option) => {
    expect(errorOf(() => OidcIssuer.fromUrl(ISSUER, { [option]: '' }))).toBe(`Invalid ${option} "": it must not be empty. Leave the option out to get the default`);
    expect(errorOf(() => OidcIssuer.fromUrl(ISSUER, { [option]: 'x' }))).toBeUndefined();
  });
});

describe('prefixes', () => {
  test.each(['usernamePrefix', 'groupsPrefix'])('%s containing "system:" is an error', (property) => {
    for (const prefix of ['system:', 'system:oidc:', 'corp-system:']) {
      expect(error({ groupsClaim: 'groups', [property]: prefix })).toBe(`Invalid ${property} ${JSON.stringify(prefix)}: a prefix must not contain "system:", `
        + 'which Kubernetes reserves for its own users and groups. Use a prefix of your own, such as "oidc:"');
    }
    accepted({ groupsClaim: 'groups', [property]: 'systems:' });
    accepted({ groupsClaim: 'groups', [property]: token('system:') });
  });

  test.each(['usernamePrefix', 'groupsPrefix'])('%s that is a leading part of "system:" is acknowledgeable advice', (property) => {
    const id = `cdk-eks-oidc:${property}ResemblesSystem`;
    for (const prefix of ['s', 'sys', 'system']) {
      const stack = newStack();
      provider(stack, { groupsClaim: 'groups', [property]: prefix });
      Annotations.fromStack(stack).hasWarning('/Stack/Provider', `The ${property} "${prefix}" is a leading part of "system:", which EKS advises against: `
        + 'such names are easily mistaken for Kubernetes\' own. Prefer a prefix such as "oidc:" '
        + `[ack: ${id}]`);
    }
    for (const prefix of ['oidc:', 'sy-', 'systems', token('sys')]) {
      const stack = newStack();
      provider(stack, { groupsClaim: 'groups', [property]: prefix });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    }
    const stack = newStack();
    const p = provider(stack, { groupsClaim: 'groups', [property]: 'sys' });
    CoreAnnotations.of(p).acknowledgeWarning(id, 'our IdP prefixes all groups with sys');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('groupsPrefix without groupsClaim is advice: it has no effect', () => {
    const stack = newStack();
    provider(stack, { groupsPrefix: 'oidc:' });
    Annotations.fromStack(stack).hasWarning('/Stack/Provider', 'The groupsPrefix "oidc:" has no effect: without a groups claim, tokens carry no groups. '
      + 'Set groupsClaim too, or remove groupsPrefix [ack: cdk-eks-oidc:groupsPrefixIgnored]');
    const withClaim = newStack();
    provider(withClaim, { groupsPrefix: 'oidc:', groupsClaim: 'groups' });
    Annotations.fromStack(withClaim).hasNoWarning('*', Match.anyValue());
    // The issuer's groups claim counts as given.
    const fromIssuer = newStack();
    provider(fromIssuer, { groupsPrefix: 'oidc:', issuer: OidcIssuer.fromUrl(ISSUER, { groupsClaim: 'groups' }) });
    Annotations.fromStack(fromIssuer).hasNoWarning('*', Match.anyValue());
  });

  test('advice is worded as advice, never as "Invalid"', () => {
    const stack = newStack();
    provider(stack, { usernamePrefix: 'sys', groupsPrefix: 'system', issuer: OidcIssuer.fromUrl('https://accounts.google.com') });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings).toHaveLength(4);
    for (const warning of warnings) expect(warning.entry.data).toMatch(/^The /);
  });
});

describe('requiredClaims', () => {
  const keyMessage = (key: string) => `Invalid requiredClaims key ${JSON.stringify(key)}: it must be 1 to 63 characters long, `
    + `but has ${[...key].length}. Use the claim's name as it appears in the token`;
  const valueMessage = (key: string, value: string) => `Invalid requiredClaims[${JSON.stringify(key)}] value ${JSON.stringify(value)}: `
    + `it must be 1 to 253 characters long, but has ${[...value].length}. Use the exact value the claim must have`;

  test('keys are 1 to 63 characters', () => {
    expect(error({ requiredClaims: { '': 'x' } })).toBe(keyMessage(''));
    expect(error({ requiredClaims: { ['k'.repeat(64)]: 'x' } })).toBe(keyMessage('k'.repeat(64)));
    accepted({ requiredClaims: { ['k'.repeat(63)]: 'x', k: 'x' } });
  });

  test('values are 1 to 253 characters', () => {
    expect(error({ requiredClaims: { hd: '' } })).toBe(valueMessage('hd', ''));
    expect(error({ requiredClaims: { hd: 'v'.repeat(254) } })).toBe(valueMessage('hd', 'v'.repeat(254)));
    accepted({ requiredClaims: { hd: 'v'.repeat(253), tier: 'v' } });
  });

  test('the issuer\'s required claims follow the same rules, checked by the issuer', () => {
    expect(errorOf(() => OidcIssuer.fromUrl(ISSUER, { requiredClaims: { hd: '' } }))).toBe(valueMessage('hd', ''));
    expect(errorOf(() => OidcIssuer.fromUrl(ISSUER, { requiredClaims: { ['k'.repeat(64)]: 'x' } }))).toBe(keyMessage('k'.repeat(64)));
    expect(errorOf(() => OidcIssuer.fromUrl(ISSUER, { requiredClaims: { ['k'.repeat(63)]: 'v'.repeat(253) } }))).toBeUndefined();
  });

  test('tokens are never judged', () => accepted({ requiredClaims: { [token('')]: token('') } }));

  test('lengths count characters (code points) as CloudFormation does, not UTF-16 units', () => {
    // Found by the property tests: '🔑' is one character but two JavaScript string units.
    accepted({ requiredClaims: { ['🔑'.repeat(63)]: '🔒'.repeat(253) } });
    expect(error({ requiredClaims: { ['🔑'.repeat(64)]: 'x' } })).toBe(keyMessage('🔑'.repeat(64)));
    expect(error({ requiredClaims: { ['🔑'.repeat(64)]: 'x' } })).toContain('but has 64.');
  });

  test('a key with a line break cannot break the one-line-per-problem error', () => {
    const lines = error({ requiredClaims: { 'a\nb': '' } })!.split('\n');
    expect(lines).toEqual([
      'Invalid requiredClaims key "a\\nb": it contains the control character U+000A. Remove it; it was most likely pasted by mistake',
      valueMessage('a\nb', ''),
    ]);
  });

  test.each([
    ['clientId', { clientId: 'abc\u0086' }, 'U+0086', { clientId: 'abc\u00a0d' }],
    ['usernameClaim', { usernameClaim: 'em\tail' }, 'U+0009', { usernameClaim: 'em ail' }],
    ['groupsPrefix', { groupsClaim: 'groups', groupsPrefix: 'oidc:\rx' }, 'U+000D', { groupsClaim: 'groups', groupsPrefix: 'oidc: x' }],
    ['requiredClaims["hd"] value', { requiredClaims: { hd: 'example.com\u0000' } }, 'U+0000', { requiredClaims: { hd: 'example.com' } }],
  ])('a control character in %s is an error (found by cfn-lint on generated configs)', (property, props, codePoint, boundary) => {
    expect(error(props)!.startsWith(`Invalid ${property} `)).toBe(true);
    expect(error(props)).toContain(`: it contains the control character ${codePoint}. Remove it; it was most likely pasted by mistake`);
    accepted(boundary);
  });

  test('all problems are reported at once', () => {
    expect(error({ requiredClaims: { '': '' } })).toBe(`${keyMessage('')}\n${valueMessage('', '')}`);
  });
});

describe('tags', () => {
  test('keys are 1 to 128 characters and do not start with aws:', () => {
    expect(error({ tags: { 'aws:team': 'x' } })).toBe('Invalid tag key "aws:team": the "aws:" prefix is reserved for AWS. Choose one that does not start with "aws:"');
    expect(error({ tags: { 'AWS:team': 'x' } })).toBe('Invalid tag key "AWS:team": the "aws:" prefix is reserved for AWS. Choose one that does not start with "aws:"');
    expect(error({ tags: { '': 'x' } })).toBe('Invalid tag key "": it must be 1 to 128 characters long, but has 0. Shorten it');
    const long = 'k'.repeat(129);
    expect(error({ tags: { [long]: 'x' } })).toBe(`Invalid tag key "${long}": it must be 1 to 128 characters long, but has 129. Shorten it`);
    accepted({ tags: { ['k'.repeat(128)]: 'x', 'awsx:team': 'x' } });
  });

  test('values are at most 256 characters', () => {
    const long = 'v'.repeat(257);
    expect(error({ tags: { team: long } })).toBe(`Invalid tag "team" value "${long}": it must be 0 to 256 characters long, but has 257. Shorten it`);
    accepted({ tags: { team: 'v'.repeat(256), empty: '' } });
  });

  test('values do not start with aws: either', () => {
    expect(error({ tags: { team: 'AWS:platform' } }))
      .toBe('Invalid tag "team" value "AWS:platform": the "aws:" prefix is reserved for AWS. Choose one that does not start with "aws:"');
  });

  test('only Unicode letters, digits, spaces and _ . : / = + - @ (found by cfn-lint on generated configs)', () => {
    accepted({ tags: { 'équipe plateforme': 'Zürich/8000 = +1-@x_y.z:ü', '数字': '٣' } });
    expect(error({ tags: { 'team\nname': 'x' } })).toBe('Invalid tag key "team\\nname": it contains "\\n" (U+000A), and AWS tags may only '
      + 'contain Unicode letters, digits, spaces and _ . : / = + - @. Remove or replace that character');
    expect(error({ tags: { team: 'a&b' } })).toBe('Invalid tag "team" value "a&b": it contains "&" (U+0026), and AWS tags may only '
      + 'contain Unicode letters, digits, spaces and _ . : / = + - @. Remove or replace that character');
  });

  test('at most 50 tags', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(error({ tags: tags(51) })).toBe(`Invalid tags ${JSON.stringify(Object.keys(tags(51)))}: a resource can have at most 50 tags, `
      + 'but has 51. Remove tags, or apply fewer with Tags.of()');
    accepted({ tags: tags(50) });
  });

  test('tags added with Tags.of() count too, checked at synth, with their ids', () => {
    const stack = newStack();
    provider(stack, { tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) });
    Tags.of(stack).add('aws:team', 'platform');
    Tags.of(stack).add('one-too-many', 'x');
    expect(() => Template.fromStack(stack)).toThrow('Invalid tag key "aws:team": the "aws:" prefix is reserved for AWS. '
      + 'Choose one that does not start with "aws:" [cdk-eks-oidc:invalidTagKey]');
    expect(() => Template.fromStack(stack)).toThrow(/a resource can have at most 50 tags, but has 52\. Remove tags, or apply fewer with Tags\.of\(\) \[cdk-eks-oidc:invalidTags\]/);
  });

  test('tokens are never judged', () => accepted({ tags: { [token('aws:x')]: token('v'.repeat(300)) } }));
});
