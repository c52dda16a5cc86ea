import { Annotations as CoreAnnotations, Lazy, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OidcIdentityProviderProps } from '../src';
import { newStack, provider } from './util';

const token = (value: string) => Lazy.string({ produce: () => value });
const error = (props: Partial<OidcIdentityProviderProps>) => {
  try {
    provider(newStack(), props);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
};
const accepted = (props: Partial<OidcIdentityProviderProps>) => expect(error(props)).toBeUndefined();

describe('issuerUrl', () => {
  test.each([
    ['http://idp.example.com', 'EKS only accepts an issuer URL that starts with "https://". Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"'],
    ['idp.example.com', 'EKS only accepts an issuer URL that starts with "https://". Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"'],
    ['https://', 'it is not a parseable URL. Use the exact "iss" value of your tokens, e.g. "https://login.example.com/realms/platform"'],
    ['https://idp example.com', 'an issuer URL must not contain whitespace or control characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break'],
    ['https://idp.example.com/realm\u0085', 'an issuer URL must not contain whitespace or control characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break'],
    ['https://idp.example.com/realm\u0086', 'an issuer URL must not contain whitespace or control characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break'],
    ['https://idp.exa\tmple.com', 'an issuer URL must not contain whitespace or control characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break'],
    ['https://idp.example.com/realm\n', 'an issuer URL must not contain whitespace or control characters. Use the exact "iss" value of your tokens; look for a stray space, tab or line break'],
    ['https://user:secret@idp.example.com', 'an issuer URL must not contain user info ("user:password@"). Remove the part before "@" from the host'],
    ['https://idp.example.com/?tenant=1', 'an issuer URL must not have a query string. Remove everything from "?" on'],
    ['https://idp.example.com/?', 'an issuer URL must not have a query string. Remove everything from "?" on'],
    ['https://idp.example.com/#top', 'an issuer URL must not have a fragment. Remove everything from "#" on'],
    ['https://idp.example.com/.well-known/openid-configuration', 'the issuer URL is the level above "/.well-known/openid-configuration", not the discovery document itself. Remove "/.well-known/openid-configuration" from the end'],
    ['https://idp.example.com/realm/.well-known/openid-configuration/', 'the issuer URL is the level above "/.well-known/openid-configuration", not the discovery document itself. Remove "/.well-known/openid-configuration" from the end'],
  ])('%s', (issuerUrl, message) => {
    expect(error({ issuerUrl })).toBe(`Invalid issuerUrl ${JSON.stringify(issuerUrl)}: ${message}`);
  });

  test.each([
    'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  ])('the cluster\'s IRSA issuer %s', (issuerUrl) => {
    expect(error({ issuerUrl })).toBe(`Invalid issuerUrl "${issuerUrl}": this is an EKS cluster's own service-account issuer `
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
  ])('accepts %s', (issuerUrl) => accepted({ issuerUrl }));

  test.each([
    ['a whole token', token('http://not-checked')],
    ['a token inside', `http://${Token.asString({ Ref: 'Host' })}/?q#f`],
  ])('never judges %s', (_, issuerUrl) => accepted({ issuerUrl }));
});

describe('empty strings', () => {
  const omit = 'Leave the property out to get the default';
  test.each([
    ['clientId', 'Use the client ID of the application registered with your identity provider'],
    ['identityProviderConfigName', omit],
    ['usernameClaim', omit],
    ['usernamePrefix', `${omit}, or use "-" for no prefix`],
    ['groupsClaim', omit],
    ['groupsPrefix', omit],
  ])('%s', (property, fix) => {
    expect(error({ groupsClaim: 'groups', [property]: '' })).toBe(`Invalid ${property} "": it must not be empty. ${fix}`);
    accepted({ groupsClaim: 'groups', [property]: 'x' });
    accepted({ groupsClaim: 'groups', [property]: token('') });
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

  test.each(['usernamePrefix', 'groupsPrefix'])('%s that is a leading part of "system:" is an acknowledgeable warning', (property) => {
    const id = `cdk-eks-oidc:${property}ResemblesSystem`;
    for (const prefix of ['s', 'sys', 'system']) {
      const stack = newStack();
      provider(stack, { groupsClaim: 'groups', [property]: prefix });
      Annotations.fromStack(stack).hasWarning('/Stack/Provider', `Invalid ${property} "${prefix}": it is a leading part of "system:", `
        + 'and EKS advises against any portion of that string. Use a prefix that cannot be mistaken for Kubernetes\' reserved names, '
        + `such as "oidc:" [ack: ${id}]`);
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

  test('groupsPrefix without groupsClaim is a warning: it is ignored', () => {
    const stack = newStack();
    provider(stack, { groupsPrefix: 'oidc:' });
    Annotations.fromStack(stack).hasWarning('/Stack/Provider', 'Invalid groupsPrefix "oidc:": it is ignored without a groupsClaim, '
      + 'as tokens then carry no groups. Set groupsClaim too, or remove groupsPrefix [ack: cdk-eks-oidc:groupsPrefixIgnored]');
    const withClaim = newStack();
    provider(withClaim, { groupsPrefix: 'oidc:', groupsClaim: 'groups' });
    Annotations.fromStack(withClaim).hasNoWarning('*', Match.anyValue());
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
    ['clientId', { clientId: 'abc\u0086' }, 'U+0086'],
    ['usernameClaim', { usernameClaim: 'email\t' }, 'U+0009'],
    ['groupsPrefix', { groupsClaim: 'groups', groupsPrefix: 'oidc:\r' }, 'U+000D'],
    ['requiredClaims["hd"] value', { requiredClaims: { hd: 'example.com\u0000' } }, 'U+0000'],
  ])('a control character in %s is an error (found by cfn-lint on generated configs)', (property, props, codePoint) => {
    expect(error(props)!.startsWith(`Invalid ${property} `)).toBe(true);
    expect(error(props)).toContain(`: it contains the control character ${codePoint}. Remove it; it was most likely pasted by mistake`);
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

  test('tags added with Tags.of() count too, checked at synth', () => {
    const stack = newStack();
    provider(stack, { tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) });
    Tags.of(stack).add('aws:team', 'platform');
    Tags.of(stack).add('one-too-many', 'x');
    expect(() => Template.fromStack(stack)).toThrow(/Invalid tag key "aws:team": the "aws:" prefix is reserved for AWS/);
    expect(() => Template.fromStack(stack)).toThrow(/a resource can have at most 50 tags, but has 52/);
  });

  test('tokens are never judged', () => accepted({ tags: { [token('aws:x')]: token('v'.repeat(300)) } }));
});
