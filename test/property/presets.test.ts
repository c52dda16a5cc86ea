// Property-based tests of the issuer presets and the shared-issuer guard, against a statement of
// the rules written here independently: which issuers are shared and which claims pin them.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { OidcIssuer } from '../../src';
import { newStack, provider } from '../util';

const RUNS = Number(process.env.FC_RUNS ?? 10_000) / 20;
const SEED = Number(process.env.FC_SEED ?? 20261128);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
jest.setTimeout(600_000);

/** The shared issuers (GitHub, GitLab and Google docs) and the claims that pin each to an organisation. */
const SHARED: Record<string, string[]> = {
  'https://token.actions.githubusercontent.com': ['repository_owner', 'repository_owner_id', 'repository', 'repository_id'],
  'https://gitlab.com': ['namespace_path', 'namespace_id', 'project_path', 'project_id'],
  'https://accounts.google.com': ['hd'],
};
const PINS = Object.values(SHARED).flat();
const OTHER_CLAIMS = ['ref', 'environment', 'sub', 'aud', 'workflow', 'email_verified', 'Repository_Owner', 'repository_owner '];

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
    provider(stack, { issuerUrl: slash ? `${issuer}/` : issuer, requiredClaims: claims });
    const pinned = (SHARED[issuer] ?? []).some(claim => Object.keys(claims).includes(claim));
    expect(unpinnedWarnings(stack)).toHaveLength(issuer in SHARED && !pinned ? 1 : 0);
  }), settings);
});

test(`gitHubActions: any owner and repository pin exactly them, and never warn (${RUNS} runs)`, () => {
  fc.assert(fc.property(segment, fc.option(segment, { nil: undefined }), (owner, repository) => {
    const stack = newStack();
    const p = provider(stack, { issuerUrl: undefined, issuer: OidcIssuer.gitHubActions({ owner, repository }) });
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
  const host = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){1,3}$/);
  const path = fc.array(segment, { maxLength: 2 }).map(parts => parts.map(p => `/${p}`).join(''));
  fc.assert(fc.property(host, path, fc.integer({ min: 0, max: 3 }), segment, (h, p, slashes, realm) => {
    const issuer = OidcIssuer.keycloak({ url: `https://${h}${p}${'/'.repeat(slashes)}`, realm });
    expect(issuer.issuerUrl).toBe(`https://${h}${p}/realms/${realm}`);
  }), settings);
});
