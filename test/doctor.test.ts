// `doctor` against HTTPS issuers on 127.0.0.1, signed by a throw-away CA (as test/e2e/pki.ts's) that
// the test trusts only through the caFile option: EKS would refuse every one of them, and the
// doctor must say so while still checking the rest through the CA file.
import { Socket } from 'net';
import { OidcIssuer } from './e2e/oidc-issuer';
import { DISCOVERY, startIssuerVariants, IssuerVariants } from './issuer-variants';
import { UsageError } from '../src/cli/arguments';
import { doctor, DoctorReport, fetchJwks } from '../src/cli/doctor';
import { doctorOutput, doctorTextOf } from '../src/cli/output';
import { MAX_JWKS_BYTES, verifySignature } from '../src/private/jwks';

jest.setTimeout(30_000);

/** doctor's default: the machine may be busy, and only the slow variant needs a short one. */
const TIMEOUT_MS = 10_000;
const SLOW_TIMEOUT_MS = 400;

let servers: IssuerVariants;
let issuerCert: { cert: Buffer; key: Buffer };
let caFile: string;
/** Sockets of the slow and huge variants, to show the doctor closed them. */
let held: Socket[];
let origin: string;
let expiredOrigin: string;
let selfSignedOrigin: string;

/** A template of one identity provider per issuer URL, by logical id. */
function template(issuers: { [logicalId: string]: unknown }, extra: object = {}): object {
  return {
    Resources: {
      ...Object.fromEntries(Object.entries(issuers).map(([id, issuerUrl]) => [id, {
        Type: 'AWS::EKS::IdentityProviderConfig',
        Properties: { ClusterName: 'prod', Type: 'oidc', IdentityProviderConfigName: `${id}-idp`, Oidc: { IssuerUrl: issuerUrl, ClientId: 'kubernetes' } },
        Metadata: { 'aws:cdk:path': `Stack/${id}/Resource` },
      }])),
      ...extra,
    },
  };
}

const verdicts = (report: DoctorReport) => Object.fromEntries(report.checks.map(c => [c.name, c.verdict]));
const check = (report: DoctorReport, name: string) => report.checks.find(c => c.name === name)!;

/** Every request was bounded: time, body, redirects. */
function expectBounded(reports: DoctorReport[], timeoutMs: number): void {
  for (const fetch of reports.flatMap(r => r.fetches)) {
    expect(fetch.ms).toBeLessThan(timeoutMs + 1000);
    expect(fetch.bytes).toBeLessThanOrEqual(MAX_JWKS_BYTES + 65536);
    expect(fetch.redirects).toBeLessThanOrEqual(5);
  }
}

beforeAll(async () => {
  servers = await startIssuerVariants();
  ({ issuerCert, caFile, held, origin, expiredOrigin, selfSignedOrigin } = servers);
});

afterAll(async () => {
  await servers?.stop();
});

describe('doctor, through the CA file', () => {
  let reports: { [logicalId: string]: DoctorReport };
  beforeAll(async () => {
    const variants = ['correct', 'slash', 'nodiscovery', 'jwks404', 'jwksEmpty', 'jwksEc', 'jwksSpoiled', 'hs256', 'loop', 'chain', 'toHttp', 'huge', 'hugeDeclared', 'escape'];
    const issuers: { [id: string]: string } = Object.fromEntries(variants.map(v => [v, `${origin}/${v}`]));
    const list = await doctor(template({ ...issuers, expired: `${expiredOrigin}/correct`, selfSigned: `${selfSignedOrigin}/correct` }), { caFile });
    reports = Object.fromEntries(list.map(r => [r.logicalId, r]));
    expectBounded(list, TIMEOUT_MS);
  });

  test('a correct issuer: every check passes but the certificate, which EKS will refuse', () => {
    const report = reports.correct;
    expect(verdicts(report)).toEqual({
      serviceAccountIssuer: 'pass', discovery: 'pass', certificate: 'fail', issuer: 'pass', signingAlgorithms: 'pass', jwksUri: 'pass', signingKeys: 'pass',
    });
    expect(report.caFileUsed).toBe(true);
    expect(check(report, 'certificate').message).toBe('EKS will refuse it: the certificate is not publicly trusted (' + JSON.stringify(new URL(origin).host)
      + ': the certificate is not issued by a publicly trusted CA (or the server does not send its intermediate certificates)); it validates only with the CA file, which was used to read the rest');
    expect(check(report, 'certificate').fix).toContain('EKS\'s control plane trusts public CAs only');
    expect(check(report, 'jwksUri').message).toBe(`read "${origin}/correct/jwks" through the CA file: the issuer's host, whose certificate the certificate check judges`);
    expect(check(report, 'signingKeys').message).toBe('1 of 1 key: kid "k1" (kty "RSA", alg "RS256", use "sig") is an RSA key usable for RS256');
    // Tried through the public roots first (NODE_EXTRA_CA_CERTS not trusted), then the CA file.
    expect(report.fetches.map(f => [new URL(f.url).pathname, f.trust, f.status])).toEqual([
      ['/correct/.well-known/openid-configuration', 'public roots', undefined],
      ['/correct/.well-known/openid-configuration', 'public roots and the CA file', 200],
      ['/correct/jwks', 'public roots', undefined],
      ['/correct/jwks', 'public roots and the CA file', 200],
    ]);
    expect(doctorTextOf(doctorOutput([report], true))).toContain('note: the CA file was used for some requests; EKS has no such setting and trusts public CAs only');
  });

  test('the document\'s issuer has a trailing "/"', () => {
    const issuer = check(reports.slash, 'issuer');
    expect(issuer.verdict).toBe('fail');
    expect(issuer.message).toBe(`the discovery document names issuer "${origin}/slash/", but the provider is configured with "${origin}/slash": `
      + 'the document\'s has a trailing "/" that the configured one lacks. kube-apiserver compares them byte for byte and then refuses every token');
    expect(issuer.fix).toBe(`Set the issuer URL to "${origin}/slash/" (the iss of the tokens is the same), or fix the issuer the identity provider announces`);
  });

  test('no discovery document (404)', () => {
    expect(verdicts(reports.nodiscovery)).toMatchObject({ discovery: 'fail', issuer: 'skip', signingAlgorithms: 'skip', jwksUri: 'skip', signingKeys: 'skip' });
    expect(check(reports.nodiscovery, 'discovery').message).toBe(`"${origin}/nodiscovery${DISCOVERY}" answers HTTP 404, expected 200 with the discovery document`);
  });

  test('the JWKS is missing (404)', () => {
    expect(verdicts(reports.jwks404)).toMatchObject({ discovery: 'pass', issuer: 'pass', jwksUri: 'fail', signingKeys: 'skip' });
    expect(check(reports.jwks404, 'jwksUri').message).toBe(`the jwks_uri "${origin}/jwks404/jwks" answers HTTP 404, expected 200 with the key set`);
  });

  test('the JWKS is empty', () => {
    expect(check(reports.jwksEmpty, 'signingKeys')).toEqual({
      name: 'signingKeys',
      verdict: 'fail',
      message: 'the key set holds no RSA key usable for RS256 (kty RSA, use absent or "sig", alg absent or "RS256"); it offers no keys',
      fix: 'Publish the RSA public key the identity provider signs ID tokens with: EKS verifies RS256 only',
    });
  });

  test('the JWKS holds EC keys only', () => {
    expect(check(reports.jwksEc, 'signingKeys').verdict).toBe('fail');
    expect(check(reports.jwksEc, 'signingKeys').message).toBe('the key set holds no RSA key usable for RS256 (kty RSA, use absent or "sig", alg absent or "RS256"); '
      + 'it offers 1 key: kid "e1" (kty "EC", alg "ES256", use "sig"). "e1": an EC key verifies ES256/ES384/ES512, not RS256');
  });

  test('one key go-jose v2 cannot read spoils the set', () => {
    expect(check(reports.jwksSpoiled, 'signingKeys')).toMatchObject({
      verdict: 'fail',
      message: 'kube-apiserver cannot decode the issuer\'s JWKS, so it refuses every token: go-jose refuses its key #1 (kid "pq"): its kty "AKP" is not one go-jose v2 knows '
        + '(RSA, EC, oct, OKP). One unreadable key makes go-oidc v2 refuse the whole set: remove or fix that key',
    });
  });

  test('only HS256 advertised', () => {
    expect(verdicts(reports.hs256)).toMatchObject({ issuer: 'pass', signingAlgorithms: 'fail', signingKeys: 'pass' });
    expect(check(reports.hs256, 'signingAlgorithms').message).toBe('id_token_signing_alg_values_supported is ["HS256"], without RS256: EKS accepts RS256-signed tokens only (it offers no --oidc-signing-algs)');
  });

  test('an expired certificate: refused even with the CA file', () => {
    expect(verdicts(reports.expired)).toMatchObject({ discovery: 'fail', certificate: 'fail', issuer: 'skip', jwksUri: 'skip', signingKeys: 'skip' });
    expect(check(reports.expired, 'certificate').message).toBe(`EKS will refuse it: the certificate has expired (${JSON.stringify(new URL(expiredOrigin).host)}), even with the CA file`);
    expect(check(reports.expired, 'discovery').message).toContain('the certificate has expired');
  });

  test('a self-signed certificate', () => {
    expect(verdicts(reports.selfSigned)).toMatchObject({ discovery: 'fail', certificate: 'fail', issuer: 'skip' });
    expect(check(reports.selfSigned, 'certificate').message).toBe(`EKS will refuse it: the certificate is self-signed (${JSON.stringify(new URL(selfSignedOrigin).host)}), even with the CA file`);
  });

  test('a redirect loop', () => {
    expect(check(reports.loop, 'discovery').message).toBe(`cannot read "${origin}/loop${DISCOVERY}": it redirects in a loop (back to "${origin}/loop${DISCOVERY}")`);
    expect(check(reports.loop, 'discovery').fix).toBe('Serve it at that URL, or redirect at most 5 times, without a loop');
    expect(reports.loop.fetches.at(-1)?.redirects).toBe(1);
  });

  test('more than 5 redirects', () => {
    expect(check(reports.chain, 'discovery').message).toBe(`cannot read "${origin}/chain${DISCOVERY}": it redirects more than 5 times`);
    expect(reports.chain.fetches.at(-1)).toMatchObject({ redirects: 5, url: `${origin}/chain/r5` });
  });

  test('a redirect to http://', () => {
    expect(check(reports.toHttp, 'discovery')).toMatchObject({
      verdict: 'fail',
      message: `cannot read "${origin}/toHttp${DISCOVERY}": it redirects to "${origin.replace('https:', 'http:')}/correct${DISCOVERY}", not https://`,
      fix: 'Serve it over https:// only, redirects included',
    });
  });

  test('a huge body: refused without reading it all', () => {
    expect(check(reports.huge, 'discovery').message).toBe(`cannot read "${origin}/huge${DISCOVERY}": its body is over 1048576 bytes (1 MiB); not read further`);
    const last = reports.huge.fetches.at(-1)!;
    expect(last.bytes).toBeGreaterThan(MAX_JWKS_BYTES);
    expect(last.bytes).toBeLessThanOrEqual(MAX_JWKS_BYTES + 65536);
    expect(check(reports.hugeDeclared, 'discovery').message).toContain('its body is over 1048576 bytes (1 MiB)');
    expect(reports.hugeDeclared.fetches.at(-1)?.bytes).toBe(0);
  });

  test('strings from the network are escaped for a terminal', () => {
    const issuer = check(reports.escape, 'issuer');
    expect(issuer.verdict).toBe('fail');
    expect(issuer.message).toContain('the document\'s has "\\u001b[2J\\u202egnp.exe" more at the end');
    expect(issuer.message).not.toMatch(/[\u001b\u202E]/);
  });
});

describe('doctor, without the CA file', () => {
  test('a privately signed issuer: the certificate fails and nothing else is read', async () => {
    const [report] = await doctor(template({ correct: `${origin}/correct` }), { timeoutMs: TIMEOUT_MS });
    expect(verdicts(report)).toEqual({
      serviceAccountIssuer: 'pass', discovery: 'fail', certificate: 'fail', issuer: 'skip', signingAlgorithms: 'skip', jwksUri: 'skip', signingKeys: 'skip',
    });
    expect(report.caFileUsed).toBe(false);
    expect(report.fetches).toHaveLength(1);
    expect(check(report, 'certificate').message).toMatch(/^EKS will refuse it: the certificate is not issued by a publicly trusted CA/);
  });

  test('a slow server: the request is cut at the timeout and its socket closed', async () => {
    const started = Date.now();
    const [report] = await doctor(template({ slow: `${origin}/slow` }), { caFile, timeoutMs: SLOW_TIMEOUT_MS });
    expect(Date.now() - started).toBeLessThan(2 * SLOW_TIMEOUT_MS + 1500);
    expect(check(report, 'discovery').message).toBe(`cannot read "${origin}/slow${DISCOVERY}": no answer within ${SLOW_TIMEOUT_MS} ms`);
    expect(check(report, 'discovery').fix).toContain('Make it answer quickly');
    expectBounded([report], SLOW_TIMEOUT_MS);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(held.length).toBeGreaterThan(0);
    expect(held.every(socket => socket.destroyed)).toBe(true);
  });
});

describe('doctor without the network', () => {
  test('the cluster\'s own service-account issuer is refused and not fetched', async () => {
    const irsa = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    const [report] = await doctor(template({ irsa }, { Irsa: { Type: 'Custom::AWSCDKOpenIdConnectProvider', Properties: { Url: irsa } } }));
    expect(check(report, 'serviceAccountIssuer').verdict).toBe('fail');
    expect(check(report, 'serviceAccountIssuer').message).toContain('is an EKS cluster\'s service-account (IRSA) issuer; the template registers it as an IAM OIDC provider too: "Irsa" (Custom::AWSCDKOpenIdConnectProvider)');
    expect(report.checks.filter(c => c.name !== 'serviceAccountIssuer').every(c => c.verdict === 'skip')).toBe(true);
    expect(report.fetches).toEqual([]);
  });

  test('the issuer from the cluster\'s attribute is refused', async () => {
    const [report] = await doctor(template({ fromCluster: { 'Fn::GetAtt': ['Cluster9EE0221C', 'OpenIdConnectIssuerUrl'] } }, { Cluster9EE0221C: { Type: 'AWS::EKS::Cluster' } }));
    expect(check(report, 'serviceAccountIssuer').message).toMatch(/^the issuer URL is made of Fn::GetAtt "Cluster9EE0221C".OpenIdConnectIssuerUrl \(a "AWS::EKS::Cluster"\): the cluster's own service-account issuer/);
  });

  test('the issuer joined from the cluster\'s attribute is refused', async () => {
    const joined = { 'Fn::Join': ['', ['https://', { 'Fn::Select': [1, { 'Fn::Split': ['https://', { 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuerUrl'] }] }] }]] };
    const [report] = await doctor(template({ joined }));
    expect(check(report, 'serviceAccountIssuer').verdict).toBe('fail');
  });

  test('an IAM OIDC provider of the same URL that is not an EKS issuer (CI federation) is fine', async () => {
    const github = `${origin}/correct`; // as https://token.actions.githubusercontent.com would be, without the internet
    const [report] = await doctor(template({ github }, { GitHub: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: github } } }), { provider: 'github', timeoutMs: TIMEOUT_MS });
    expect(check(report, 'serviceAccountIssuer')).toMatchObject({ verdict: 'pass' });
    expect(check(report, 'serviceAccountIssuer').message).toContain('the template registers it as an IAM OIDC provider too: "GitHub" (AWS::IAM::OIDCProvider), which is fine');
  });

  test('a deploy-time issuer is skipped', async () => {
    const [report] = await doctor(template({ param: { Ref: 'IssuerParameter' } }));
    expect(report.checks.every(c => c.verdict === 'skip')).toBe(true);
  });

  test('an http:// issuer fails before any fetch', async () => {
    const [report] = await doctor(template({ plain: 'http://idp.example.com' }));
    expect(check(report, 'discovery').message).toBe('the issuer URL "http://idp.example.com" is not https://, which EKS requires');
    expect(report.fetches).toEqual([]);
  });

  test('choosing a provider as explain does, and errors', async () => {
    const doc = template({ irsa: 'https://oidc.eks.us-east-1.amazonaws.com/id/A', other: 'https://oidc.eks.us-east-1.amazonaws.com/id/B' });
    for (const provider of ['other', 'other-idp', 'Stack/other/Resource', 'Stack/other']) {
      expect((await doctor(doc, { provider })).map(r => r.logicalId)).toEqual(['other']);
    }
    await expect(doctor(doc, { provider: 'nope' })).rejects.toThrow(new UsageError('no provider "nope" in the template; it has irsa, other'));
    await expect(doctor({ Resources: {} })).rejects.toThrow('the template has no AWS::EKS::IdentityProviderConfig');
  });
});

describe('fetchJwks', () => {
  test('the keys of the e2e issuer verify the tokens it mints', async () => {
    const issuer = await OidcIssuer.start(issuerCert.cert, issuerCert.key);
    try {
      const jwks = await fetchJwks(`${issuer.origin}/tenant`, { caFile, timeoutMs: TIMEOUT_MS });
      const verdict = verifySignature(issuer.mint({ iss: `${issuer.origin}/tenant`, sub: 'alice', aud: 'kubernetes' }), jwks);
      expect(verdict).toMatchObject({ ok: true, verifiedBy: { kid: issuer.kid, kty: 'RSA' } });
      await expect(fetchJwks(`${issuer.origin}/tenant`, { timeoutMs: TIMEOUT_MS })).rejects.toThrow(/the certificate is not issued by a publicly trusted CA/);
    } finally {
      await issuer.stop();
    }
  });

  test('an issuer mismatch is an error', async () => {
    await expect(fetchJwks(`${origin}/slash`, { caFile, timeoutMs: TIMEOUT_MS }))
      .rejects.toThrow(`"${origin}/slash${DISCOVERY}" names issuer "${origin}/slash/", not "${origin}/slash": kube-apiserver refuses every token of this provider`);
  });
});
