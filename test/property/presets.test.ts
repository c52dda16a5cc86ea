// Property-based tests of the issuer presets, of how an issuer and a provider's props combine, of
// the shared-issuer guard and of GitHubActionsSubject, against a statement of the rules written here
// independently: which issuers are shared, which claims pin them by IDs and which by names, and how
// GitHub spells its subjects.
//
// Run counts (see runs.ts): RUNS / 20 for each test, 500 in CI (CI=true), FC_RUNS / 20 when
// FC_RUNS is set, and 5 otherwise (a local `npx projen test`); the guard's test of every combination
// (100 providers a run) RUNS / 200: 50 in CI, 1 locally. FC_SEED changes the seed.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { GitHubActionsSubject, OidcIssuer } from '../../src';
import { errorOf, newStack, provider } from '../util';
import { runs, SEED } from './runs';

const RUNS = runs(1 / 20);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
jest.setTimeout(600_000);

/**
 * The shared issuers (GitHub, GitLab and Google docs) and the claims that pin each to an
 * organisation: by IDs, never reused, or by names, which anyone may register again once they are
 * deleted or renamed ("Sub:jugation", Astrix Security 2025). Google's `hd` is its pin.
 */
const SHARED: Record<string, { ids: string[]; names: string[] }> = {
  'https://token.actions.githubusercontent.com': { ids: ['repository_owner_id', 'repository_id'], names: ['repository_owner', 'repository'] },
  'https://gitlab.com': { ids: ['namespace_id', 'project_id'], names: ['namespace_path', 'project_path'] },
  'https://accounts.google.com': { ids: ['hd'], names: [] },
};
const [GITHUB, GITLAB, GOOGLE] = Object.keys(SHARED);
const OTHER_CLAIMS = ['ref', 'environment', 'aud', 'workflow', 'email_verified', 'Repository_Owner', 'repository-owner', 'repository_owner_id_x'];

/** The guard's warnings on the provider, from its metadata (what Annotations.fromStack reads after a synth, without one: the loops below make thousands). */
const guardWarnings = (p: IConstruct) => p.node.metadata.filter(m => m.type === 'aws:cdk:warning' && /sharedIssuer/.test(String(m.data)))
  .map(m => /\[ack: cdk-eks-oidc:([A-Za-z]+)\]$/.exec(String(m.data))?.[1] ?? String(m.data));
const unpinnedWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sharedIssuer'));
const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,38}$/);
/** Names as GitHub allows them: ASCII letters, digits, "-", "_" and "." (not "." or ".."). */
const gitHubName = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).filter(name => name !== '.' && name !== '..');
/** Numeric IDs as tokens carry them. */
const numericId = fc.stringMatching(/^[1-9][0-9]{0,19}$/);

/** GitHub's default subjects, stated here on their own (GitHub OIDC reference; the immutable form with "@", as GitHub now writes it). */
const nameOnlySub = (owner: string, repository: string, context: string) => `repo:${owner}/${repository}:${context}`;
const immutableSub = (owner: string, ownerId: string, repository: string, repositoryId: string, context: string) =>
  `repo:${owner}@${ownerId}/${repository}@${repositoryId}:${context}`;

/** Every subset of a list. */
const subsets = <T>(items: T[]): T[][] => items.reduce<T[][]>((all, item) => [...all, ...all.map(subset => [...subset, item])], [[]]);

test('the guard, for every combination of name and ID claims and of exact subs, on each shared issuer: no warning with an ID, '
  + `sharedIssuerPinnedByName with names alone, sharedIssuerNotPinned with neither (${runs(1 / 200)} runs of every combination)`, () => {
  const values = fc.record({
    owner: gitHubName,
    ownerId: numericId,
    repository: gitHubName,
    repositoryId: numericId,
    path: segment,
    slash: fc.boolean(),
    others: fc.dictionary(fc.constantFrom(...OTHER_CLAIMS), segment, { maxKeys: 3 }),
  });
  fc.assert(fc.property(values, ({ owner, ownerId, repository, repositoryId, path, slash, others }) => {
    const valueOf: Record<string, string> = {
      repository_owner_id: ownerId,
      repository_id: repositoryId,
      repository_owner: owner,
      repository: `${owner}/${repository}`,
      namespace_id: ownerId,
      project_id: repositoryId,
      namespace_path: path,
      project_path: `${path}/${repository}`,
      hd: 'example.com',
    };
    const context = 'ref:refs/heads/main';
    // Each issuer's exact subs, and whether each pins by an ID.
    const subs: Record<string, Array<[string, boolean] | undefined>> = {
      [GITHUB]: [undefined, [nameOnlySub(owner, repository, context), false], [immutableSub(owner, ownerId, repository, repositoryId, context), true],
        // The changelog's first spelling, "-" before the IDs, is a name-only subject of other names.
        [`repo:${owner}-${ownerId}/${repository}-${repositoryId}:${context}`, false]],
      [GITLAB]: [undefined, [`project_path:${path}/${repository}:ref_type:branch:ref:main`, false]],
      [GOOGLE]: [undefined, [ownerId, true]],
    };
    let n = 0;
    for (const [issuer, { ids, names }] of Object.entries(SHARED)) {
      for (const claims of subsets([...ids, ...names])) {
        for (const sub of subs[issuer]) {
          const stack = newStack();
          const requiredClaims = { ...others, ...Object.fromEntries(claims.map(claim => [claim, valueOf[claim]])), ...(sub ? { sub: sub[0] } : {}) };
          const p = provider(stack, { issuer: OidcIssuer.fromUrl(slash ? `${issuer}/` : issuer), requiredClaims }, `P${n++}`);
          const byId = claims.some(claim => ids.includes(claim)) || sub?.[1] === true;
          const byName = claims.some(claim => names.includes(claim)) || sub?.[1] === false;
          expect([issuer, requiredClaims, guardWarnings(p)])
            .toEqual([issuer, requiredClaims, byId ? [] : byName ? ['sharedIssuerPinnedByName'] : ['sharedIssuerNotPinned']]);
        }
      }
    }
    expect(n).toBe(16 * 4 + 16 * 2 + 2 * 2);
  }), { ...settings, numRuns: runs(1 / 200) });
});

test(`the guard warns for no issuer but the shared ones, whatever the claims (${RUNS} runs)`, () => {
  const issuers = ['https://gitlab.example.com', 'https://github.com', 'https://accounts.google.com.example.com', 'https://token.actions.githubusercontent.com.example.com'];
  const pins = Object.values(SHARED).flatMap(c => [...c.ids, ...c.names]);
  const claims = fc.dictionary(fc.constantFrom(...pins, ...OTHER_CLAIMS), segment, { maxKeys: 4 });
  fc.assert(fc.property(fc.constantFrom(...issuers), claims, (issuer, requiredClaims) => {
    const stack = newStack();
    expect(guardWarnings(provider(stack, { issuer: OidcIssuer.fromUrl(issuer), requiredClaims }))).toEqual([]);
  }), settings);
});

test(`gitHubActions: any owner ID, and any names and repository beside it, pin exactly them, and never warn (${RUNS} runs)`, () => {
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  // A repository's name only beside its owner's name and its ID.
  const options = fc.record({ ownerId: numericId, owner: optional(gitHubName), repositoryId: optional(numericId) })
    .chain(o => (o.owner !== undefined && o.repositoryId !== undefined ? optional(gitHubName) : fc.constant(undefined))
      .map(repository => ({ ...o, repository })));
  fc.assert(fc.property(options, ({ ownerId, owner, repositoryId, repository }) => {
    const stack = newStack();
    const p = provider(stack, { issuer: OidcIssuer.gitHubActions({ ownerId, owner, repositoryId, repository }) });
    const expected: Record<string, string | undefined> = {
      repository: repository === undefined ? undefined : `${owner}/${repository}`, repository_id: repositoryId, repository_owner: owner, repository_owner_id: ownerId,
    };
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::IdentityProviderConfig', {
      Oidc: {
        IssuerUrl: 'https://token.actions.githubusercontent.com',
        UsernameClaim: 'sub',
        RequiredClaims: Object.entries(expected).filter(([, value]) => value !== undefined).map(([Key, Value]) => ({ Key, Value })),
      },
    });
    expect(unpinnedWarnings(stack)).toHaveLength(0);
    expect(p.usernameFor(nameOnlySub('x', 'y', 'pull_request'))).toBe('https://token.actions.githubusercontent.com#repo:x/y:pull_request');
  }), settings);
});

test(`gitHubActions: a repository by its name alone, or an ID that is not decimal digits, is refused, naming the option (${RUNS} runs)`, () => {
  const notId = fc.oneof(gitHubName.filter(name => !/^[1-9][0-9]*$/.test(name)), numericId.map(id => `0${id}`), numericId.map(id => `${id} `));
  fc.assert(fc.property(numericId, gitHubName, gitHubName, notId, (ownerId, owner, repository, bad) => {
    expect(errorOf(() => OidcIssuer.gitHubActions({ ownerId, owner, repository })))
      .toMatch(new RegExp(`^Invalid repository ${escape(JSON.stringify(repository))}: a repository's name alone does not pin it.*Pin the repository by its ID`));
    expect(errorOf(() => OidcIssuer.gitHubActions({ ownerId: bad }))).toMatch(new RegExp(`^Invalid ownerId ${escape(JSON.stringify(bad))}: it must be the owner's numeric ID`));
    expect(errorOf(() => OidcIssuer.gitHubActions({ ownerId, repositoryId: bad }))).toMatch(/^Invalid repositoryId .*gh api repos\/<owner>\/<repo> --jq \.id/);
  }), settings);
});

test(`GitHubActionsSubject: both forms of each subject, for any names (with "-", "_", ".", digits) and IDs (${RUNS} runs)`, () => {
  const component = fc.stringMatching(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).filter(c => !c.endsWith('.lock'));
  const ref = fc.array(component, { minLength: 1, maxLength: 3 }).map(parts => parts.join('/')).filter(r => !r.startsWith('-'));
  const environment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,20}[A-Za-z0-9]$/);
  fc.assert(fc.property(gitHubName, numericId, gitHubName, numericId, ref, environment, (owner, ownerId, repository, repositoryId, name, env) => {
    const repo = { owner, ownerId, repository, repositoryId };
    const both = (context: string) => [nameOnlySub(owner, repository, context), immutableSub(owner, ownerId, repository, repositoryId, context)];
    expect(GitHubActionsSubject.forBranch({ ...repo, branch: name })).toEqual(both(`ref:refs/heads/${name}`));
    expect(GitHubActionsSubject.forTag({ ...repo, tag: name })).toEqual(both(`ref:refs/tags/${name}`));
    expect(GitHubActionsSubject.forEnvironment({ ...repo, environment: env })).toEqual(both(`environment:${env}`));
    expect(GitHubActionsSubject.forPullRequest(repo)).toEqual(both('pull_request'));
  }), settings);
});

test('GitHubActionsSubject: the immutable form pins a provider by IDs and the name-only form by names; no name-only subject of any '
  + `repository equals the immutable subject of another (${RUNS} runs)`, () => {
  const repository = fc.record({ owner: gitHubName, ownerId: numericId, repository: gitHubName, repositoryId: numericId });
  fc.assert(fc.property(repository, repository, (a, b) => {
    const [nameOnly, immutable] = GitHubActionsSubject.forPullRequest(a);
    const [otherNameOnly, otherImmutable] = GitHubActionsSubject.forPullRequest(b);
    expect(nameOnly).not.toBe(otherImmutable);
    expect(otherNameOnly).not.toBe(immutable);
    const pinned = (sub: string) => guardWarnings(provider(newStack(), { issuer: OidcIssuer.fromUrl(GITHUB), requiredClaims: { sub } }));
    expect([pinned(immutable), pinned(nameOnly)]).toEqual([[], ['sharedIssuerPinnedByName']]);
  }), settings);
});

test(`GitHubActionsSubject: a name with any other character, an ID with anything but digits, is refused naming the option (${RUNS} runs)`, () => {
  const outside = fc.constantFrom('/', ':', '@', ' ', '*', '#', '?', 'é', '+', '~');
  /** A valid value with one character from outside inserted anywhere. */
  const spoiled = (valid: fc.Arbitrary<string>) => fc.tuple(valid, outside, fc.nat())
    .map(([text, c, at]) => `${text.slice(0, at % (text.length + 1))}${c}${text.slice(at % (text.length + 1))}`);
  const options = fc.constantFrom('owner', 'ownerId', 'repository', 'repositoryId');
  fc.assert(fc.property(options, spoiled(gitHubName), spoiled(numericId), (option, badName, badId) => {
    const bad = option.endsWith('Id') ? badId : badName;
    const message = errorOf(() => GitHubActionsSubject.forPullRequest({ owner: 'o', ownerId: '1', repository: 'r', repositoryId: '2', [option]: bad }));
    expect(message?.startsWith(`Invalid ${option} ${JSON.stringify(bad)}: `)).toBe(true);
    expect(message?.split('\n')).toHaveLength(1);
  }), settings);
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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

test(`gitLab: a group path, beside the namespace ID, pins exactly it; "*", an empty, leading or trailing "/" are refused (${RUNS} runs)`, () => {
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
    expect(OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: path }).requiredClaims).toEqual({ namespace_id: '4242', namespace_path: path });
    expect(OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: path, projectId: '31337', projectPath: `${path}/app` }).requiredClaims)
      .toEqual({ namespace_id: '4242', namespace_path: path, project_id: '31337', project_path: `${path}/app` });
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: bad }))!.startsWith(`Invalid namespacePath ${JSON.stringify(bad)}: `)).toBe(true);
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: '4242', projectId: '31337', projectPath: `${bad}/app` }))!
      .startsWith(`Invalid projectPath ${JSON.stringify(`${bad}/app`)}: `)).toBe(true);
  }), settings);
});
