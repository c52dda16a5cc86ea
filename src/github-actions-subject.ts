import { check, Problem } from './private/errors';
import {
  gitHubNameProblems, gitHubOwnerIdProblems, gitHubRepositoryIdProblems, gitHubRepositoryOfSubject, gitHubSubject, gitRefProblems,
} from './private/github-actions-rules';
import { checkOptions, Kind } from './private/js-types';
import { textProblems } from './private/validation';

/**
 * A repository on github.com, by its names and by its numeric IDs: what GitHub Actions writes in
 * the `sub` claim of its workflows' tokens.
 */
export interface GitHubActionsRepository {
  /** The name of the organisation or user that owns the repository, e.g. `octo-org`. */
  readonly owner: string;

  /**
   * The owner's numeric ID, e.g. `'9919'`. Find it with `gh api orgs/<org> --jq .id` (for a user:
   * `gh api users/<user> --jq .id`), or as `id` in the answer of the REST API's `GET /orgs/{org}`
   * (`GET /users/{username}`).
   */
  readonly ownerId: string;

  /** The repository's name without the owner, e.g. `infrastructure`. */
  readonly repository: string;

  /**
   * The repository's numeric ID. Find it with `gh api repos/<owner>/<repo> --jq .id`, or as `id` in
   * the answer of the REST API's `GET /repos/{owner}/{repo}`.
   */
  readonly repositoryId: string;
}

/** Options of `GitHubActionsSubject.forBranch()`. */
export interface GitHubActionsBranchSubjectOptions extends GitHubActionsRepository {
  /** The branch's name, without `refs/heads/`, e.g. `main`. */
  readonly branch: string;
}

/** Options of `GitHubActionsSubject.forTag()`. */
export interface GitHubActionsTagSubjectOptions extends GitHubActionsRepository {
  /** The tag's name, without `refs/tags/`, e.g. `v1.2.0`. */
  readonly tag: string;
}

/** Options of `GitHubActionsSubject.forEnvironment()`. */
export interface GitHubActionsEnvironmentSubjectOptions extends GitHubActionsRepository {
  /** The deployment environment's name, e.g. `production`. */
  readonly environment: string;
}

const REPOSITORY_KINDS: { [option: string]: Kind } = { owner: 'string', ownerId: 'string', repository: 'string', repositoryId: 'string' };

/**
 * The default `sub` claim of GitHub Actions tokens for one repository's workflows, spelled in both
 * of GitHub's forms, for the `users` of a binding of the `OidcIdentityProvider` of
 * `OidcIssuer.gitHubActions()` (user names from `sub`):
 *
 * - the name-only form, `repo:<owner>/<repository>:<context>`, of repositories created before
 *   GitHub's switch to immutable subject claims;
 * - the immutable form, `repo:<owner>@<owner ID>/<repository>@<repository ID>:<context>`, of
 *   repositories created, renamed or transferred after the switch (the changelog first gave
 *   2026-06-18, later reports 2026-07-15), and of those that opt in.
 *
 * A binding that names only the name-only form stops matching the day the repository switches; one
 * that names both keeps working. Each method returns the two, name-only first.
 *
 * The immutable form was announced in GitHub's changelog of 2026-04-23, "Immutable subject claims
 * for GitHub Actions OIDC tokens", with `-` before each ID; GitHub then changed the delimiter to `@`,
 * which no name may contain. Check the form your repository's tokens carry: run
 * `npx cdk-eks-oidc explain` on a real token, or read `sub` in a decoded token. The subjects of
 * customized subject templates (`include_claim_keys`) are not these.
 *
 * Source: GitHub docs, "OpenID Connect reference" (subject claims, immutable subject claims).
 */
export class GitHubActionsSubject {
  /** The subjects of workflows run for a branch: `repo:...:ref:refs/heads/<branch>`. */
  public static forBranch(options: GitHubActionsBranchSubjectOptions): string[] {
    checkOptions(options, { ...REPOSITORY_KINDS, branch: 'string' });
    return subjects(options, `ref:refs/heads/${options.branch}`, gitRefProblems('branch', options.branch, 'branch'));
  }

  /** The subjects of workflows run for a tag: `repo:...:ref:refs/tags/<tag>`. */
  public static forTag(options: GitHubActionsTagSubjectOptions): string[] {
    checkOptions(options, { ...REPOSITORY_KINDS, tag: 'string' });
    return subjects(options, `ref:refs/tags/${options.tag}`, gitRefProblems('tag', options.tag, 'tag'));
  }

  /**
   * The subjects of jobs that use a deployment environment: `repo:...:environment:<environment>`.
   * A job with an environment has this subject whatever its branch, tag or event.
   */
  public static forEnvironment(options: GitHubActionsEnvironmentSubjectOptions): string[] {
    checkOptions(options, { ...REPOSITORY_KINDS, environment: 'string' });
    return subjects(options, `environment:${options.environment}`,
      textProblems('environment', options.environment, 'Give the environment\'s name as the repository\'s settings show it, e.g. "production"'));
  }

  /** The subjects of workflows run for a pull request event (without an environment): `repo:...:pull_request`. */
  public static forPullRequest(options: GitHubActionsRepository): string[] {
    checkOptions(options, REPOSITORY_KINDS);
    return subjects(options, 'pull_request', []);
  }

  private constructor() {}
}

/** Both forms of a subject, after every problem of the repository and of the context is reported at once. */
function subjects(repository: GitHubActionsRepository, context: string, contextProblems: Problem[]): string[] {
  check([
    ...gitHubNameProblems('owner', repository.owner, 'owner'),
    ...gitHubOwnerIdProblems('ownerId', repository.ownerId),
    ...gitHubNameProblems('repository', repository.repository, 'repository'),
    ...gitHubRepositoryIdProblems('repositoryId', repository.repositoryId),
    ...contextProblems,
  ]);
  return [
    gitHubSubject(gitHubRepositoryOfSubject(repository.owner, repository.repository), context),
    gitHubSubject(gitHubRepositoryOfSubject(repository.owner, repository.repository, repository), context),
  ];
}
