import { createHmac, createSign, generateKeyPairSync, KeyObject } from 'crypto';
import * as fc from 'fast-check';
import { MAX_JWKS_BYTES, MAX_JWKS_KEYS, verifySignature } from '../src/private/jwks';

const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const encode = (part: unknown) => Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');
const jwk = (key: KeyObject, extra: object = {}) => ({ ...key.export({ format: 'jwk' }), ...extra });
const jwks = (...keys: object[]) => JSON.stringify({ keys });
const CLAIMS = { iss: 'https://idp.example.com', sub: 'alice', aud: 'kubernetes' };

/** A token whose header and payload are given, signed with RS256 by the key (whatever the header says). */
function token(header: object, claims: object = CLAIMS, key: KeyObject = signer.privateKey): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

const published = jwk(signer.publicKey, { kid: 'k1', alg: 'RS256', use: 'sig' });

describe('a valid signature', () => {
  test('RS256 with the kid of a published RSA key', () => {
    const verdict = verifySignature(token({ alg: 'RS256', typ: 'JWT', kid: 'k1' }), jwks(jwk(other.publicKey, { kid: 'k0' }), published));
    expect(verdict).toMatchObject({ ok: true, problems: [], algorithm: 'RS256', keyId: 'k1', verifiedBy: { kid: 'k1', kty: 'RSA', alg: 'RS256', use: 'sig' } });
    expect(verdict.keys).toEqual([{ kid: 'k0', kty: 'RSA' }, { kid: 'k1', kty: 'RSA', alg: 'RS256', use: 'sig' }]);
  });

  test('no kid in the header: every key is tried (go-oidc jwks.go:116)', () => {
    const verdict = verifySignature(token({ alg: 'RS256' }), jwks(jwk(ec.publicKey, { kid: 'e' }), jwk(other.publicKey, { kid: 'k0' }), published));
    expect(verdict).toMatchObject({ ok: true, keyId: undefined, verifiedBy: { kid: 'k1' } });
  });

  test('no kid anywhere', () => {
    expect(verifySignature(token({ alg: 'RS256' }), jwks(jwk(signer.publicKey))).ok).toBe(true);
  });

  test('an empty kid counts as none', () => {
    expect(verifySignature(token({ alg: 'RS256', kid: '' }), jwks(jwk(signer.publicKey, { kid: 'k9' }))).ok).toBe(true);
  });

  test('every key of the kid is tried: two keys share it', () => {
    expect(verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(jwk(other.publicKey, { kid: 'k1' }), published)).ok).toBe(true);
  });

  test('the key\'s alg and use are not looked at, as in go-jose', () => {
    expect(verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(jwk(signer.publicKey, { kid: 'k1', alg: 'RS512', use: 'enc' }))).ok).toBe(true);
  });

  test('white space inside the token is stripped, as go-jose does', () => {
    const t = token({ alg: 'RS256', kid: 'k1' });
    expect(verifySignature(`${t.slice(0, 20)}\n  ${t.slice(20)}\n`, jwks(published)).ok).toBe(true);
  });
});

describe('the key is not found', () => {
  test('a wrong kid: no fallback to the other keys, even one that would verify', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(jwk(signer.publicKey, { kid: 'k2', alg: 'RS256', use: 'sig' }), jwk(ec.publicKey, { kid: 'e1', use: 'sig' })));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      'signature: the token\'s header names alg "RS256" and kid "k1"; the issuer\'s JWKS has no key with that kid. It offers 2 keys: '
      + 'kid "k2" (kty "RSA", alg "RS256", use "sig"); kid "e1" (kty "EC", alg (none), use "sig"). Get a new token (the issuer may have rotated its keys), '
      + 'check that the token comes from this issuer, or publish the signing key',
    ]);
  });

  test('a kid in the header, keys without kid: none is tried', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(jwk(signer.publicKey)));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain('has no key with that kid. It offers 1 key: no kid (kty "RSA", alg (none), use (none))');
  });

  test('the signing key is not published: the kid matches another key', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }, CLAIMS, other.privateKey), jwks(published));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatch(/^signature: the token's header names alg "RS256" and kid "k1"; it does not verify with the key of that kid \(1 key: kid "k1" \(kty "RSA", alg "RS256", use "sig"\)\)\. The token was altered after it was signed, or was signed by another key/);
  });

  test('no kid and no key verifies', () => {
    const verdict = verifySignature(token({ alg: 'RS256' }, CLAIMS, other.privateKey), jwks(published));
    expect(verdict.problems[0]).toContain('it does not verify with any of the keys kube-apiserver tries (the header names no kid, so all of them): 1 key: kid "k1"');
  });
});

describe('refused algorithms', () => {
  test('HS256, even keyed with the published RSA key (the algorithm confusion attack)', () => {
    const secret = signer.publicKey.export({ format: 'pem', type: 'spki' });
    const unsigned = `${encode({ alg: 'HS256', kid: 'k1' })}.${encode(CLAIMS)}`;
    const hs256 = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    const verdict = verifySignature(hs256, jwks(published, { kty: 'oct', kid: 'k1', k: encode('secret') }));
    expect(verdict).toMatchObject({ ok: false, algorithm: 'HS256', keyId: 'k1' });
    expect(verdict.problems).toEqual(['signature: the token\'s header names alg "HS256" and kid "k1"; expected alg "RS256". HMAC signs with a shared secret '
      + 'that kube-apiserver does not have: have the identity provider sign ID tokens with RS256 (an RSA key it publishes)']);
  });

  test('none, unsigned', () => {
    const verdict = verifySignature(`${encode({ alg: 'none' })}.${encode(CLAIMS)}.`, jwks(published));
    expect(verdict.problems).toEqual(['signature: the token\'s header names alg "none" and no kid; expected alg "RS256". An unsigned token is never accepted: use the ID token the identity provider signed']);
  });

  test.each(['rs256', 'RS512', 'PS256', 'ES256'])('%s (RS256 only, case-sensitive)', alg => {
    const verdict = verifySignature(token({ alg, kid: 'k1' }), jwks(published));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain(`names alg ${JSON.stringify(alg)} and kid "k1"; expected alg "RS256"`);
  });

  test('a critical header go-jose does not know', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1', crit: ['exp'], exp: 1 }), jwks(published));
    expect(verdict.problems[0]).toContain('go-jose understands only "b64"');
  });
});

describe('altered tokens', () => {
  test('a tampered payload', () => {
    const [header, , signature] = token({ alg: 'RS256', kid: 'k1' }).split('.');
    const verdict = verifySignature(`${header}.${encode({ ...CLAIMS, sub: 'admin' })}.${signature}`, jwks(published));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain('The token was altered after it was signed, or was signed by another key');
  });

  test('a tampered header (kid swapped)', () => {
    const [, payload, signature] = token({ alg: 'RS256', kid: 'k1' }).split('.');
    const verdict = verifySignature(`${encode({ alg: 'RS256', kid: 'k2' })}.${payload}.${signature}`, jwks(published, jwk(signer.publicKey, { kid: 'k2' })));
    expect(verdict.ok).toBe(false);
  });

  test('a padded signature (go-jose decodes unpadded base64url only)', () => {
    const verdict = verifySignature(`${token({ alg: 'RS256', kid: 'k1' })}=`, jwks(published));
    expect(verdict.problems[0]).toMatch(/^token: its signature is not unpadded base64url/);
  });

  test('four parts (go-oidc verify.go:205)', () => {
    expect(verifySignature(`${token({ alg: 'RS256' })}.x`, jwks(published)).problems[0]).toMatch(/^token: found 4 parts, expected a JWT of three parts/);
  });

  test('a header that names alg twice (go-jose\'s JSON refuses duplicates)', () => {
    const unsigned = `${encode('{"alg":"RS256","alg":"RS256","kid":"k1"}')}.${encode(CLAIMS)}`;
    const t = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(signer.privateKey).toString('base64url')}`;
    expect(verifySignature(t, jwks(published)).problems).toEqual(['token: its header names "alg" twice, which go-jose refuses. Fix the identity provider\'s token signing']);
  });
});

describe('key sets that cannot verify RS256', () => {
  test('EC keys only', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(jwk(ec.publicKey, { kid: 'k1', alg: 'ES256', use: 'sig' })));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual(['signature: the token\'s header names alg "RS256" and kid "k1"; no key with that kid can verify an RS256 signature: '
      + 'kid "k1" (kty "EC", alg "ES256", use "sig"): an EC key verifies ES256/ES384/ES512, not RS256. Publish the RSA public key the identity provider signs with under that kid']);
  });

  test('an RSA key under 1024 bits (Go refuses it)', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 768 });
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'w' }, CLAIMS, weak.privateKey), jwks(jwk(weak.publicKey, { kid: 'w' })));
    expect(verdict.problems[0]).toContain('its modulus has 768 bits; Go refuses RSA keys under 1024 bits');
  });

  test('a published private key does not verify (and is named as a leak, without its material)', () => {
    const privateJwk = jwk(signer.privateKey, { kid: 'k1' }) as { d: string };
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(privateJwk));
    expect(verdict.problems[0]).toContain('it is a private key (d), which go-jose does not verify with; and a private key must never be published');
    expect(verdict.problems[0]).not.toContain(privateJwk.d);
  });
});

describe('key sets kube-apiserver cannot decode', () => {
  test.each([
    ['an empty set', '{"keys":[]}', 'the issuer\'s JWKS has no key with that kid. It offers no keys'],
    ['no keys member', '{}', 'It offers no keys'],
    ['an empty body', '', 'cannot decode the issuer\'s JWKS, so it refuses every token: it is not JSON'],
    ['HTML', '<html>login</html>', 'it is not JSON'],
    ['a list', '[]', 'it is an array, not an object with "keys"'],
    ['keys not a list', '{"keys":{}}', 'its "keys" is {}, not a list'],
    ['a null key', `{"keys":[null,${JSON.stringify(published)}]}`, 'go-jose refuses its key #1: found null, expected a JSON object'],
  ])('%s', (_, set, message) => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), set);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain(message);
  });

  test('one key of an unknown kty spoils the whole set (go-oidc v2 decodes it in one go)', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks({ kty: 'AKP', kid: 'pq', alg: 'ML-DSA-44' }, published));
    expect(verdict.problems).toEqual(['signature: the token\'s header names alg "RS256" and kid "k1", but kube-apiserver cannot decode the issuer\'s JWKS, so it '
      + 'refuses every token: go-jose refuses its key #1 (kid "pq"): its kty "AKP" is not one go-jose v2 knows (RSA, EC, oct, OKP). One unreadable key makes '
      + 'go-oidc v2 refuse the whole set: remove or fix that key']);
    expect(verdict.keys).toEqual([]);
  });

  test('a padded n', () => {
    const padded = { ...published, n: `${(published as { n: string }).n}=` };
    expect(verifySignature(token({ alg: 'RS256', kid: 'k1' }), jwks(padded)).problems[0]).toContain('its n is not unpadded base64url');
  });
});

describe('bounds and malformed input', () => {
  test(`a JWKS over ${MAX_JWKS_BYTES} bytes`, () => {
    const huge = JSON.stringify({ keys: [published], padding: 'x'.repeat(MAX_JWKS_BYTES) });
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'k1' }), huge);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain('it is over 1048576 bytes (1 MiB)');
  });

  test(`more than ${MAX_JWKS_KEYS} keys; ${MAX_JWKS_KEYS} is fine`, () => {
    const many = (count: number) => jwks(...Array.from({ length: count - 1 }, (_, i) => jwk(other.publicKey, { kid: `o${i}` })), published);
    expect(verifySignature(token({ alg: 'RS256', kid: 'k1' }), many(MAX_JWKS_KEYS)).ok).toBe(true);
    expect(verifySignature(token({ alg: 'RS256', kid: 'k1' }), many(MAX_JWKS_KEYS + 1)).problems[0]).toContain('it holds 101 keys, more than the 100 this check reads');
  });

  test.each([
    ['not a string', 42, jwks(published), 'token: found number, expected a JWT (a string)'],
    ['empty', '', jwks(published), 'token: found 1 part, expected a JWT of three parts'],
    ['not base64url', 'AA.AA.c!', jwks(published), 'token: its signature is not unpadded base64url'],
    ['a header that is not JSON', `${encode('{')}.${encode('{}')}.AA`, jwks(published), 'token: its header is not JSON'],
    ['a JWKS that is not a string', token({ alg: 'RS256' }), undefined, 'JWKS: found undefined, expected the text of a JSON Web Key Set'],
  ])('a token %s: a problem, never an exception', (_, t, set, message) => {
    const verdict = verifySignature(t as string, set as string);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain(message);
  });

  test('never throws, whatever the input', () => {
    const jsonish = fc.oneof(fc.string(), fc.json(), fc.constant(jwks(published)));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.constant(token({ alg: 'RS256', kid: 'k1' }))), jsonish, (t, set) => {
      const verdict = verifySignature(t, set);
      expect(verdict.ok || verdict.problems.length > 0).toBe(true);
    }), { numRuns: 300 });
  });

  test('messages never show key material or the signature, and are escaped for a terminal', () => {
    const evilKid = 'k\u001b[31m\u202Eevil';
    const t = token({ alg: 'RS256', kid: evilKid }, CLAIMS, other.privateKey);
    const verdict = verifySignature(t, jwks(jwk(signer.publicKey, { kid: evilKid })));
    const text = verdict.problems.join('\n');
    expect(text).toContain('kid "k\\u001b[31m\\u202eevil"');
    expect(text).not.toMatch(/[\u001b\u202E]/);
    expect(text).not.toContain(t.split('.')[2].slice(0, 16));
    expect(text).not.toContain((published as { n: string }).n.slice(0, 16));
  });

  test('a long kid is cut', () => {
    const verdict = verifySignature(token({ alg: 'RS256', kid: 'x'.repeat(5000) }), jwks(published));
    expect(verdict.problems[0].length).toBeLessThan(1000);
    expect(verdict.problems[0]).toContain('... (5000 characters)');
  });
});
