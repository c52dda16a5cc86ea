// Property-based tests of the issuer presets, of how an issuer and a provider's props combine, and
// of the shared-issuer guard, against a statement of the rules written here independently: which
// issuers are shared and which claims pin them.
//
// Run counts (see runs.ts): RUNS / 20 for each test, 500 in CI (CI=true), FC_RUNS / 20 when
// FC_RUNS is set, and 5 otherwise (a local `npx projen test`). FC_SEED changes the seed.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { OidcIssuer } from '../../src';
import { errorOf, newStack, provider } from '../util';
import { runs, SEED } from './runs';

const RUNS = runs(1 / 20);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
jest.setTimeout(600_000);

/** The shared issuers (GitHub, GitLab and Google docs) and the claims that pin each to an organisation. */
const SHARED: Record<string, string[]> = {
  'https://token.actions.githubusercontent.com': ['repository_owner', 'repository_owner_id', 'repository', 'repository_id'],
  'https://gitlab.com': ['namespace_path', 'namespace_id', 'project_path', 'project_id'],
  'https://accounts.google.com': ['hd'],
};
const PINS = Object.values(SHARED).flat();
const OTHER_CLAIMS = ['ref', 'environment', 'sub', 'aud', 'workflow', 'email_verified', 'Repository_Owner', 'repository-owner'];

const unpinnedWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sharedIssuerNotPinned'));
const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,38}$/);

test(`the guard warns exactly for a shared issuer, with or without a trailing slash, whose required claims pin nothing (${RUNS} runs)`, () => {
  const issuers = [...Object.keys(SHARED), 'https://gitlab.example.com', 'https://github.com', 'https://accounts.google.com.example.com'];
  const arbitrary = fc.record({
    issuer: fc.constantFrom(...issuers),
    slash: fc.boolean(),
    claims: fc.dictionary(fc.constantFrom(...PINS, ...OTHER_CLAIMS), segment, { maxKeys: 4 }),
  });
  fc.assert(fc.property(arbitrary, ({ issuer, slash, claims }) => {
    const stack = newStack();
    provider(stack, { issuer: OidcIssuer.fromUrl(slash ? `${issuer}/` : issuer), requiredClaims: claims });
    // An exact sub names one workflow, job or account: it pins too.
    const pinned = [...SHARED[issuer] ?? [], 'sub'].some(claim => Object.keys(claims).includes(claim));
    expect(unpinnedWarnings(stack)).toHaveLength(issuer in SHARED && !pinned ? 1 : 0);
  }), settings);
});

test(`gitHubActions: any owner and repository pin exactly them, and never warn (${RUNS} runs)`, () => {
  fc.assert(fc.property(segment, fc.option(segment, { nil: undefined }), (owner, repository) => {
    const stack = newStack();
    const p = provider(stack, { issuer: OidcIssuer.gitHubActions({ owner, repository }) });
    const expected = [
      ...(repository === undefined ? [] : [{ Key: 'repository', Value: `${owner}/${repository}` }]),
      { Key: 'repository_owner', Value: owner },
    ];
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::IdentityProviderConfig', {
      Oidc: { IssuerUrl: 'https://token.actions.githubusercontent.com', UsernameClaim: 'sub', RequiredClaims: expected },
    });
    expect(unpinnedWarnings(stack)).toHaveLength(0);
    expect(p.usernameFor(`repo:${owner}/x:ref:refs/heads/main`)).toBe(`https://token.actions.githubusercontent.com#repo:${owner}/x:ref:refs/heads/main`);
  }), settings);
});

test(`keycloak: one slash between any URL and the realm, however many the URL ends with (${RUNS} runs)`, () => {
  // The last label has a letter: URL parsers read an all-numeric one as IPv4, and refuse the URL.
  const host = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){0,2}\.[a-z]{2,6}$/);
  const path = fc.array(segment, { maxLength: 2 }).map(parts => parts.map(p => `/${p}`).join(''));
  fc.assert(fc.property(host, path, fc.integer({ min: 0, max: 3 }), segment, (h, p, slashes, realm) => {
    const issuer = OidcIssuer.keycloak({ url: `https://${h}${p}${'/'.repeat(slashes)}`, realm });
    expect(issuer.issuerUrl).toBe(`https://${h}${p}/realms/${realm}`);
  }), settings);
});

test(`any issuer settings and props combine by the rule: the props' claim wins, required claims merge, sub by default (${RUNS} runs)`, () => {
  const claim = fc.option(fc.constantFrom('sub', 'email', 'preferred_username', 'oid', 'groups', 'roles'), { nil: undefined });
  const claims = fc.option(fc.dictionary(fc.constantFrom('hd', 'tier', 'env', 'aud2', 'team'), segment, { maxKeys: 3 }), { nil: undefined });
  const side = fc.record({ usernameClaim: claim, groupsClaim: claim, requiredClaims: claims });
  fc.assert(fc.property(side, side, (issuerSide, propsSide) => {
    const stack = newStack();
    const p = provider(stack, { issuer: OidcIssuer.fromUrl('https://dex.example.com', issuerSide), ...propsSide });
    const usernameClaim = propsSide.usernameClaim ?? issuerSide.usernameClaim ?? 'sub';
    const groupsClaim = propsSide.groupsClaim ?? issuerSide.groupsClaim;
    const merged = { ...issuerSide.requiredClaims, ...propsSide.requiredClaims };
    const requiredClaims = Object.keys(merged).sort().map(key => ({ Key: key, Value: merged[key] }));
    const [config] = Object.values(Template.fromStack(stack).findResources('AWS::EKS::IdentityProviderConfig')) as any[];
    expect(config.Properties.Oidc).toEqual({
      IssuerUrl: 'https://dex.example.com',
      ClientId: 'kubernetes',
      UsernameClaim: usernameClaim,
      ...(groupsClaim === undefined ? {} : { GroupsClaim: groupsClaim }),
      ...(requiredClaims.length === 0 ? {} : { RequiredClaims: requiredClaims }),
    });
    expect(p.usernameFor('x')).toBe(usernameClaim === 'email' ? 'x' : 'https://dex.example.com#x');
  }), settings);
});

test(`gitLab: a group path pins exactly it; "*", an empty, leading or trailing "/" are refused (${RUNS} runs)`, () => {
  const group = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
  const groups = fc.array(group, { minLength: 1, maxLength: 4 });
  const broken = fc.oneof(
    groups.map(g => `/${g.join('/')}`),
    groups.map(g => `${g.join('/')}/`),
    fc.tuple(groups, fc.nat()).map(([g, at]) => { const parts = [...g]; parts.splice(at % (parts.length + 1), 0, ''); return parts.join('/'); }),
    fc.tuple(groups, fc.constantFrom('*', '**', 'a*')).map(([g, star]) => [...g, star].join('/')),
  ).filter(path => path.includes('*') || /^\/|\/$|\/\//.test(path));
  fc.assert(fc.property(groups, broken, (parts, bad) => {
    const path = parts.join('/');
    expect(OidcIssuer.gitLab({ namespacePath: path }).requiredClaims).toEqual({ namespace_path: path });
    expect(errorOf(() => OidcIssuer.gitLab({ namespacePath: bad }))).toMatch(/^Invalid namespacePath /);
    expect(errorOf(() => OidcIssuer.gitLab({ namespacePath: bad }))!.startsWith(`Invalid namespacePath ${JSON.stringify(bad)}: `)).toBe(true);
  }), settings);
});
