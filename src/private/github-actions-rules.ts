import { Token } from 'aws-cdk-lib';
import { invalid, Problem } from './errors';
import { numericIdProblems, textProblems } from './validation';

/**
 * The delimiter between a name and its numeric ID in GitHub Actions' immutable subject claims:
 * `repo:<owner>@<owner ID>/<repository>@<repository ID>:<context>`.
 *
 * This and `gitHubRepositoryOfSubject()` are the one place the format is written; everything else
 * (the `GitHubActionsSubject` helper, the shared-issuer guard) derives from them.
 *
 * Sources: GitHub changelog 2026-04-23, "Immutable subject claims for GitHub Actions OIDC tokens"
 * (https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens),
 * announced the format with a `-` (`repo:octocat-123456/my-repo-456789:ref:refs/heads/main`), which
 * collides with the name-only subject of an owner named `octocat-123456` and a repository named
 * `my-repo-456789`. GitHub then changed the delimiter to `@`, which no GitHub name may contain:
 * `repo:octocat@123456/my-repo@456789:ref:refs/heads/main`, as Microsoft's "Migrate GitHub Actions
 * federated credentials to immutable subjects"
 * (https://learn.microsoft.com/entra/workload-id/workload-identities-github-immutable-subjects) and
 * aws-actions/configure-aws-credentials (pull request 1889) give it, read 2026-11-30; GitHub's own
 * statement is its OpenID Connect reference, section "Immutable subject claims"
 * (https://docs.github.com/en/actions/reference/security/oidc#immutable-subject-claims). Check a real
 * token's `sub` with `npx cdk-eks-oidc explain`, and change this constant if GitHub changes it again.
 */
export const GITHUB_SUBJECT_ID_DELIMITER = '@';

/** The repository part of a default `sub`: the names alone, or each name followed by its ID. */
export function gitHubRepositoryOfSubject(owner: string, repository: string, ids?: { ownerId: string; repositoryId: string }): string {
  if (ids === undefined) return `${owner}/${repository}`;
  return `${owner}${GITHUB_SUBJECT_ID_DELIMITER}${ids.ownerId}/${repository}${GITHUB_SUBJECT_ID_DELIMITER}${ids.repositoryId}`;
}

/** A default `sub` claim: `repo:<repository part>:<context>`. */
export const gitHubSubject = (repositoryPart: string, context: string) => `repo:${repositoryPart}:${context}`;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Whether a `sub` is in the immutable form, naming the owner and the repository by their IDs:
 * only GitHub can mint it, whoever holds the names today. (Were the delimiter a character that
 * names may contain, as the first announced `-`, no `sub` could be told apart from a name-only one.)
 */
export function isImmutableGitHubSubject(sub: string): boolean {
  const d = escaped(GITHUB_SUBJECT_ID_DELIMITER);
  return new RegExp(`^repo:[^/:${d}]+${d}[1-9][0-9]*/[^/:${d}]+${d}[1-9][0-9]*:.`).test(sub);
}

/** A GitHub owner's or repository's name: ASCII letters, digits, `-`, `_` and `.` (GitHub replaces any other character). */
export function gitHubNameProblems(property: string, value: string, what: 'owner' | 'repository'): Problem[] {
  const fix = 'Give the name alone, as in github.com/<owner>/<repository>';
  const text = textProblems(property, value, fix);
  if (text.length > 0 || Token.isUnresolved(value)) return text;
  if (/^[A-Za-z0-9._-]+$/.test(value) && value !== '.' && value !== '..') return [];
  return [invalid(property, value, `a GitHub ${what} name has only ASCII letters, digits, "-", "_" and "." (and is not "." or "..")`, fix)];
}

/** Where users find their GitHub IDs (GitHub REST API: "Get an organization", "Get a user", "Get a repository"). */
export const FIND_GITHUB_OWNER_ID = 'Find it with `gh api orgs/<org> --jq .id` (a user: `gh api users/<user> --jq .id`), '
  + 'or as "id" of the REST API\'s GET /orgs/{org} (GET /users/{username})';
export const FIND_GITHUB_REPOSITORY_ID = 'Find it with `gh api repos/<owner>/<repo> --jq .id`, or as "id" of the REST API\'s GET /repos/{owner}/{repo}';

export const gitHubOwnerIdProblems = (property: string, value: string) =>
  numericIdProblems(property, value, 'the owner\'s', 'repository_owner_id', FIND_GITHUB_OWNER_ID);
export const gitHubRepositoryIdProblems = (property: string, value: string) =>
  numericIdProblems(property, value, 'the repository\'s', 'repository_id', FIND_GITHUB_REPOSITORY_ID);

/**
 * A branch's or tag's name as git allows it (`git check-ref-format`): no space, `~ ^ : ? * [ \`,
 * `..`, `@{`, `//`, no leading `-` or `/`, no trailing `/` or `.`, no component starting with `.`
 * or ending with `.lock`. A wildcard never matches: RBAC subjects are exact names.
 */
export function gitRefProblems(property: string, value: string, kind: 'branch' | 'tag'): Problem[] {
  const example = kind === 'branch' ? 'main' : 'v1.2.0';
  const text = textProblems(property, value, `Give the ${kind}'s name, e.g. "${example}"`);
  if (text.length > 0 || Token.isUnresolved(value)) return text;
  const full = /^refs\/(heads|tags)\/(.+)$/.exec(value);
  if (full) {
    return [invalid(property, value, `the subject adds "refs/${kind === 'branch' ? 'heads' : 'tags'}/" itself`, `Give the ${kind}'s name alone, "${full[2]}"`)];
  }
  if (!/[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|[/.]$|(^|\/)\.|\.lock(\/|$)/.test(value)) return [];
  return [invalid(property, value, `git allows no ${kind} of this name (no space, ~ ^ : ? * [ \\, "..", "@{" or "//", no leading "-" or "/", `
    + 'no trailing "/" or "."), and an RBAC subject is matched exactly, so a wildcard such as "release/*" matches nothing',
  `Give one ${kind}'s exact name, e.g. "${example}", and a subject for each ${kind}`)];
}
