// TokenJudge.explain(token, { jwks }) and provider.explainToken(token, { jwks }): the signature
// checked as kube-apiserver checks it (private/jwks.ts), on top of the claims; without keys, it is
// not checked and the explanation says so.
import { createHmac, createSign, generateKeyPairSync, KeyObject } from 'crypto';
import { OidcIssuer, TokenJudge } from '../src';
import { ISSUER, newStack, provider } from './util';

const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWKS = JSON.stringify({ keys: [{ ...signer.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
const judge = new TokenJudge({ issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', usernamePrefix: '-' });

const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
const claims = (extra: object = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: 'kubernetes', sub: 'alice', iat: now, exp: now + 600, ...extra };
};
/** A token of these claims and header, signed with RS256 by the key (whatever the header says). */
function signed(header: object = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, payload: object = claims(), key: KeyObject = signer.privateKey): string {
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}
const VALID = signed();
const KEYS_ON_OFFER = '1 key: kid "k1" (kty "RSA", alg "RS256", use "sig")';

describe('with the issuer\'s keys, the signature is checked', () => {
  test('a valid token: accepted, signatureChecked', () => {
    expect(judge.explain(VALID, { jwks: JWKS })).toMatchObject({ accepted: true, username: 'alice', problems: [], signatureChecked: true });
  });

  test('a wrong kid: refused, naming the kid and the keys on offer', () => {
    const result = judge.explain(signed({ alg: 'RS256', kid: 'k2' }), { jwks: JWKS });
    expect(result).toMatchObject({ accepted: false, groups: [], signatureChecked: true, issuer: ISSUER });
    expect(result).not.toHaveProperty('username');
    expect(result.problems).toEqual([
      `signature: the token's header names alg "RS256" and kid "k2"; the issuer's JWKS has no key with that kid. It offers ${KEYS_ON_OFFER}. `
      + 'Get a new token (the issuer may have rotated its keys), check that the token comes from this issuer, or publish the signing key',
    ]);
  });

  test('signed by a key the issuer does not publish, under its kid: refused', () => {
    const result = judge.explain(signed(undefined, undefined, stranger.privateKey), { jwks: JWKS });
    expect(result.accepted).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^signature: the token's header names alg "RS256" and kid "k1"; it does not verify with the key of that kid \(1 key: kid "k1"/)]);
  });

  test('HS256 (HMAC with some secret): one problem for the algorithm, not two', () => {
    const unsigned = `${encode({ alg: 'HS256', kid: 'k1' })}.${encode(claims())}`;
    const result = judge.explain(`${unsigned}.${createHmac('sha256', 'secret').update(unsigned).digest('base64url')}`, { jwks: JWKS });
    expect(result).toMatchObject({ accepted: false, signatureChecked: true });
    expect(result.problems).toEqual([expect.stringMatching(/^alg \(header\): found "HS256", expected "RS256"/)]);
  });

  test('alg none, without a signature', () => {
    const result = judge.explain(`${encode({ alg: 'none' })}.${encode(claims())}.`, { jwks: JWKS });
    expect(result.accepted).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^alg \(header\): found "none", expected "RS256"/)]);
  });

  test('a tampered payload (another user, the signature kept): refused, though its claims are fine', () => {
    const [header, , signature] = VALID.split('.');
    const tampered = `${header}.${encode(claims({ sub: 'admin' }))}.${signature}`;
    expect(judge.explain(tampered).accepted).toBe(true);
    const result = judge.explain(tampered, { jwks: JWKS });
    expect(result).toMatchObject({ accepted: false, signatureChecked: true });
    expect(result.problems).toEqual([expect.stringMatching(/; it does not verify with the key of that kid .*The token was altered after it was signed, or was signed by another key/)]);
  });

  test('a JWKS kube-apiserver cannot decode refuses every token, valid ones too', () => {
    const spoiled = JSON.stringify({ keys: [{ kty: 'AKP', kid: 'pq', alg: 'ML-DSA-44' }, ...JSON.parse(JWKS).keys] });
    const result = judge.explain(VALID, { jwks: spoiled });
    expect(result.accepted).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^signature: the token's header names alg "RS256" and kid "k1", but kube-apiserver cannot decode the issuer's JWKS, so it refuses every token: go-jose refuses its key #1 \(kid "pq"\)/)]);
    expect(judge.explain(VALID, { jwks: 'not json' }).problems).toEqual([expect.stringContaining('kube-apiserver cannot decode the issuer\'s JWKS')]);
  });

  test('the claims\' problems and the signature\'s, together', () => {
    const result = judge.explain(signed({ alg: 'RS256', kid: 'k2' }, claims({ aud: 'other' })), { jwks: JWKS });
    expect(result.problems.map(p => p.split(':')[0])).toEqual(['aud', 'signature']);
  });

  test('no signature material in any problem', () => {
    const token = signed(undefined, undefined, stranger.privateKey);
    for (const problem of judge.explain(token, { jwks: JWKS }).problems) expect(problem).not.toContain(token.split('.')[2].slice(0, 20));
  });
});

describe('without keys, the signature is not checked', () => {
  test('a tampered token is accepted, and the explanation says the signature was not checked', () => {
    const [header, , signature] = VALID.split('.');
    for (const options of [undefined, {}, { jwks: undefined }]) {
      expect(judge.explain(`${header}.${encode(claims({ sub: 'admin' }))}.${signature}`, options)).toMatchObject({ accepted: true, username: 'admin', signatureChecked: false });
    }
  });
});

describe('the provider passes the keys through', () => {
  test('explainToken(token, { jwks })', () => {
    const idp = provider(newStack(), { usernamePrefix: '-' });
    expect(idp.explainToken(VALID, { jwks: JWKS })).toMatchObject({ accepted: true, signatureChecked: true });
    expect(idp.explainToken(signed({ alg: 'RS256', kid: 'k2' }), { jwks: JWKS })).toMatchObject({ accepted: false, signatureChecked: true });
    expect(idp.explainToken(VALID)).toMatchObject({ accepted: true, signatureChecked: false });
  });
});

describe('validation', () => {
  test('jwks of the wrong JavaScript type', () => {
    expect(() => judge.explain(VALID, { jwks: { keys: [] } as any })).toThrow(/Invalid jwks \{"keys":\[\]\}: expected a string, or nothing, received an object/);
    expect(() => judge.explain(VALID, 'jwks' as any)).toThrow(/Invalid options "jwks": expected an object of options/);
    expect(() => judge.explain(VALID, null as any)).toThrow(/Invalid options null: expected an object of options/);
  });

  test('a string is fine, and undefined', () => {
    expect(() => judge.explain(VALID, { jwks: JWKS })).not.toThrow();
    expect(() => judge.explain(VALID, { jwks: undefined })).not.toThrow();
  });
});
