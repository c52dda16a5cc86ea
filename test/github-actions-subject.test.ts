import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { GitHubActionsRepository, GitHubActionsSubject, OidcIssuer } from '../src';
import { errorOf, newStack, provider } from './util';

const GITHUB = 'https://token.actions.githubusercontent.com';
const INFRA: GitHubActionsRepository = { owner: 'octo-org', ownerId: '1234567', repository: 'infra', repositoryId: '7654321' };

const FIND_OWNER_ID = 'Find it with `gh api orgs/<org> --jq .id` (a user: `gh api users/<user> --jq .id`), '
  + 'or as "id" of the REST API\'s GET /orgs/{org} (GET /users/{username})';
const FIND_REPOSITORY_ID = 'Find it with `gh api repos/<owner>/<repo> --jq .id`, or as "id" of the REST API\'s GET /repos/{owner}/{repo}';
const NAME_FIX = 'Give the name alone, as in github.com/<owner>/<repository>';
const GIT_REFS = 'git allows no branch of this name (no space, ~ ^ : ? * [ \\, "..", "@{" or "//", no leading "-" or "/", no trailing "/" or "."), '
  + 'and an RBAC subject is matched exactly, so a wildcard such as "release/*" matches nothing';

describe('both forms of each subject: names alone, and names with their IDs (immutable subject claims)', () => {
  test.each<[string, () => string[], string[]]>([
    ['a branch', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'main' }),
      ['repo:octo-org/infra:ref:refs/heads/main', 'repo:octo-org@1234567/infra@7654321:ref:refs/heads/main']],
    ['a branch with "/"', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'release/1.x' }),
      ['repo:octo-org/infra:ref:refs/heads/release/1.x', 'repo:octo-org@1234567/infra@7654321:ref:refs/heads/release/1.x']],
    ['a tag', () => GitHubActionsSubject.forTag({ ...INFRA, tag: 'v1.2.0' }),
      ['repo:octo-org/infra:ref:refs/tags/v1.2.0', 'repo:octo-org@1234567/infra@7654321:ref:refs/tags/v1.2.0']],
    ['an environment', () => GitHubActionsSubject.forEnvironment({ ...INFRA, environment: 'production' }),
      ['repo:octo-org/infra:environment:production', 'repo:octo-org@1234567/infra@7654321:environment:production']],
    ['an environment with a space inside', () => GitHubActionsSubject.forEnvironment({ ...INFRA, environment: 'Production EU' }),
      ['repo:octo-org/infra:environment:Production EU', 'repo:octo-org@1234567/infra@7654321:environment:Production EU']],
    ['a pull request', () => GitHubActionsSubject.forPullRequest(INFRA),
      ['repo:octo-org/infra:pull_request', 'repo:octo-org@1234567/infra@7654321:pull_request']],
    ['names with "-", "_", "." and digits', () => GitHubActionsSubject.forPullRequest({ owner: 'octo-2-org', ownerId: '9', repository: 'my_repo.v2-x', repositoryId: '10' }),
      ['repo:octo-2-org/my_repo.v2-x:pull_request', 'repo:octo-2-org@9/my_repo.v2-x@10:pull_request']],
    ['the repository ".github"', () => GitHubActionsSubject.forBranch({ ...INFRA, repository: '.github', branch: 'main' }),
      ['repo:octo-org/.github:ref:refs/heads/main', 'repo:octo-org@1234567/.github@7654321:ref:refs/heads/main']],
  ])('%s', (_, make, expected) => {
    expect(make()).toEqual(expected);
  });

  test('deploy-time values are not judged, and land in both forms', () => {
    const stack = newStack();
    const ownerId = new CfnParameter(stack, 'OwnerId').valueAsString;
    const [nameOnly, immutable] = GitHubActionsSubject.forBranch({ ...INFRA, ownerId, branch: 'main' });
    expect(nameOnly).toBe('repo:octo-org/infra:ref:refs/heads/main');
    expect(stack.resolve(immutable)).toEqual({ 'Fn::Join': ['', ['repo:octo-org@', { Ref: 'OwnerId' }, '/infra@7654321:ref:refs/heads/main']] });
  });
});

describe('in a binding of the GitHub Actions provider', () => {
  /** A provider of the preset on a cluster whose bindings can be applied. */
  function gitHubProvider(stack: Stack) {
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'prod',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl' }),
    });
    return provider(stack, { cluster, issuer: OidcIssuer.gitHubActions({ ownerId: INFRA.ownerId, owner: INFRA.owner }) });
  }

  test('a binding named with both forms has both users, each with the issuer\'s prefix', () => {
    const stack = newStack();
    const p = gitHubProvider(stack);
    p.addClusterRoleBinding('Deploy', { clusterRole: 'edit', users: GitHubActionsSubject.forEnvironment({ ...INFRA, environment: 'production' }) });
    const [manifest] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const [binding] = JSON.parse(stack.resolve(manifest.Properties.Manifest));
    expect(binding.subjects.map((s: { name: string }) => s.name)).toEqual([
      `${GITHUB}#repo:octo-org/infra:environment:production`,
      `${GITHUB}#repo:octo-org@1234567/infra@7654321:environment:production`,
    ]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('as a required claim, the immutable form pins the provider, the name-only form pins it by a name', () => {
    const warnings = (sub: string) => {
      const stack = newStack();
      provider(stack, { issuer: OidcIssuer.fromUrl(GITHUB), requiredClaims: { sub } });
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sharedIssuer')).map(w => /\[ack: ([^\]]+)\]$/.exec(w.entry.data as string)?.[1]);
    };
    const [nameOnly, immutable] = GitHubActionsSubject.forBranch({ ...INFRA, branch: 'main' });
    expect(warnings(immutable)).toEqual([]);
    expect(warnings(nameOnly)).toEqual(['cdk-eks-oidc:sharedIssuerPinnedByName']);
  });
});

describe('validation', () => {
  const ownerIdProblem = (value: string) => `Invalid ownerId ${JSON.stringify(value)}: it must be the owner's numeric ID, in decimal digits without a `
    + `leading zero, as tokens carry it in repository_owner_id. ${FIND_OWNER_ID}`;
  const repositoryIdProblem = (value: string) => `Invalid repositoryId ${JSON.stringify(value)}: it must be the repository's numeric ID, in decimal `
    + `digits without a leading zero, as tokens carry it in repository_id. ${FIND_REPOSITORY_ID}`;

  test.each<[string, () => unknown, string | undefined]>([
    ['owner with its repository', () => GitHubActionsSubject.forPullRequest({ ...INFRA, owner: 'octo-org/infra' }),
      `Invalid owner "octo-org/infra": a GitHub owner name has only ASCII letters, digits, "-", "_" and "." (and is not "." or ".."). ${NAME_FIX}`],
    ['owner with "@" (the delimiter of IDs)', () => GitHubActionsSubject.forPullRequest({ ...INFRA, owner: 'octo-org@1234567' }),
      `Invalid owner "octo-org@1234567": a GitHub owner name has only ASCII letters, digits, "-", "_" and "." (and is not "." or ".."). ${NAME_FIX}`],
    ['owner as a URL', () => GitHubActionsSubject.forPullRequest({ ...INFRA, owner: 'https://github.com/octo-org' }),
      `Invalid owner "https://github.com/octo-org": a GitHub owner name has only ASCII letters, digits, "-", "_" and "." (and is not "." or ".."). ${NAME_FIX}`],
    ['owner empty', () => GitHubActionsSubject.forPullRequest({ ...INFRA, owner: '' }), `Invalid owner "": it must not be empty. ${NAME_FIX}`],
    ['owner with digits and "-": accepted', () => GitHubActionsSubject.forPullRequest({ ...INFRA, owner: 'octo-2024' }), undefined],
    ['repository "."', () => GitHubActionsSubject.forPullRequest({ ...INFRA, repository: '.' }),
      `Invalid repository ".": a GitHub repository name has only ASCII letters, digits, "-", "_" and "." (and is not "." or ".."). ${NAME_FIX}`],
    ['repository with a trailing space', () => GitHubActionsSubject.forPullRequest({ ...INFRA, repository: 'infra ' }),
      'Invalid repository "infra ": it starts or ends with whitespace, which no token value carries. Remove the surrounding whitespace'],
    ['repository "..."', () => GitHubActionsSubject.forPullRequest({ ...INFRA, repository: '...' }), undefined],
    ['ownerId as a name', () => GitHubActionsSubject.forPullRequest({ ...INFRA, ownerId: 'octo-org' }), ownerIdProblem('octo-org')],
    ['ownerId with a leading zero', () => GitHubActionsSubject.forPullRequest({ ...INFRA, ownerId: '0123' }), ownerIdProblem('0123')],
    ['ownerId of many digits: accepted', () => GitHubActionsSubject.forPullRequest({ ...INFRA, ownerId: '123456789012345678901' }), undefined],
    ['repositoryId in hexadecimal', () => GitHubActionsSubject.forPullRequest({ ...INFRA, repositoryId: '0x1f' }), repositoryIdProblem('0x1f')],
    ['repositoryId with a trailing newline', () => GitHubActionsSubject.forPullRequest({ ...INFRA, repositoryId: '7654321\n' }), repositoryIdProblem('7654321\n')],
    ['branch as a full ref', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'refs/heads/main' }),
      'Invalid branch "refs/heads/main": the subject adds "refs/heads/" itself. Give the branch\'s name alone, "main"'],
    ['branch as a wildcard', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'release/*' }),
      `Invalid branch "release/*": ${GIT_REFS}. Give one branch's exact name, e.g. "main", and a subject for each branch`],
    ['branch with ".."', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'a..b' }),
      `Invalid branch "a..b": ${GIT_REFS}. Give one branch's exact name, e.g. "main", and a subject for each branch`],
    ['branch with a space', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'my branch' }),
      `Invalid branch "my branch": ${GIT_REFS}. Give one branch's exact name, e.g. "main", and a subject for each branch`],
    ['branch ending in ".lock"', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'main.lock' }),
      `Invalid branch "main.lock": ${GIT_REFS}. Give one branch's exact name, e.g. "main", and a subject for each branch`],
    ['branch "feature/JIRA-12_fix.v2": accepted', () => GitHubActionsSubject.forBranch({ ...INFRA, branch: 'feature/JIRA-12_fix.v2' }), undefined],
    ['tag as a full ref', () => GitHubActionsSubject.forTag({ ...INFRA, tag: 'refs/tags/v1' }),
      'Invalid tag "refs/tags/v1": the subject adds "refs/tags/" itself. Give the tag\'s name alone, "v1"'],
    ['tag as a wildcard', () => GitHubActionsSubject.forTag({ ...INFRA, tag: 'v*' }),
      `Invalid tag "v*": ${GIT_REFS.replace('no branch', 'no tag')}. Give one tag's exact name, e.g. "v1.2.0", and a subject for each tag`],
    ['tag empty', () => GitHubActionsSubject.forTag({ ...INFRA, tag: '' }), 'Invalid tag "": it must not be empty. Give the tag\'s name, e.g. "v1.2.0"'],
    ['environment empty', () => GitHubActionsSubject.forEnvironment({ ...INFRA, environment: '' }),
      'Invalid environment "": it must not be empty. Give the environment\'s name as the repository\'s settings show it, e.g. "production"'],
    ['environment with a line break', () => GitHubActionsSubject.forEnvironment({ ...INFRA, environment: 'prod\n' }),
      'Invalid environment "prod\\n": it starts or ends with whitespace, which no token value carries. Remove the surrounding whitespace'],
  ])('%s', (_, make, message) => {
    expect(errorOf(make)).toBe(message);
  });

  test('every problem at once, each with its id', () => {
    let message = '';
    try {
      GitHubActionsSubject.forBranch({ owner: 'a/b', ownerId: 'a', repository: 'c/d', repositoryId: 'b', branch: 'x*' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').map(line => [line.split(' ')[1], / \[(cdk-eks-oidc:[A-Za-z]+)\]$/.exec(line)?.[1]])).toEqual([
      ['owner', 'cdk-eks-oidc:invalidOwner'], ['ownerId', 'cdk-eks-oidc:invalidOwnerId'], ['repository', 'cdk-eks-oidc:invalidRepository'],
      ['repositoryId', 'cdk-eks-oidc:invalidRepositoryId'], ['branch', 'cdk-eks-oidc:invalidBranch'],
    ]);
  });

  test('JavaScript callers: a number where a string belongs, missing options', () => {
    expect(errorOf(() => GitHubActionsSubject.forPullRequest({ ...INFRA, ownerId: 1234567 as unknown as string })))
      .toBe('Invalid ownerId 1234567: expected a string, received a number. Pass a string');
    expect(errorOf(() => GitHubActionsSubject.forEnvironment(INFRA as any))).toBe('Invalid environment (missing): expected a string, received nothing. Pass a string');
    expect(errorOf(() => GitHubActionsSubject.forTag(undefined as any))).toBe('Invalid options (missing): expected an object of options. Pass the options as an object');
  });
});
