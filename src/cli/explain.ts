// `cdk-eks-oidc explain`: why a login fails, from a synthesized template. A thin shell: it reads
// each AWS::EKS::IdentityProviderConfig's settings from the template and prints what a TokenJudge
// of them says.
import { OidcIssuer } from '../oidc-issuer';
import { EksOidcError } from '../private/errors';
import { TokenJudge } from '../token-judge';
import { Command, ParsedArguments, UsageError } from './arguments';
import { ExplainedProvider, explainOutput, jsonOf, textOf } from './output';
import { readTemplate, readToken } from './read';
import { secretsOf, withoutSecrets } from './secrets';
import { providersOf, TemplateProvider } from './template';

export const EXPLAIN: Command = {
  name: 'explain',
  synopsis: '--template <file> [--provider <name>] (--token-file <path> | - | --token <jwt>) [--json]',
  description: `Says what an EKS cluster makes of an OIDC token: the Kubernetes user and groups it logs in as,
or every reason it is refused, for each identity provider of a synthesized template. It applies
the provider's settings as kube-apiserver's OIDC authenticator does; the token's signature is
not checked.`,
  options: [
    { name: '--template', value: '<file>', help: 'a template of cdk.out, e.g. cdk.out/Platform.template.json' },
    { name: '--provider', value: '<name>', help: 'only the provider of this logical id, configuration name or construct path' },
    { name: '--token-file', value: '<path>', help: 'a file that holds the token; - for standard input' },
    { name: '-', help: 'read the token from standard input' },
    { name: '--token', value: '<jwt>', help: 'the token (visible in your shell history: prefer the two above)', whenEmpty: 'the token is empty' },
    { name: '--json', help: 'print one JSON object, for scripts (its schema is below)' },
  ],
  notes: `Every option takes its value as --option <value> or --option=<value>.

Get the token kubectl sends with kubelogin: kubectl oidc-login get-token --oidc-issuer-url=...
--oidc-client-id=... prints an ExecCredential whose status.token it is. Surrounding whitespace
is ignored; a "Bearer " prefix is not (remove it). The token must be UTF-8 (or ASCII) text.

Limits: a template of at most 10 MiB (CloudFormation refuses templates over 1 MB), a token of
at most 1 MiB (kube-apiserver refuses request headers over 1 MiB, so a longer token never logs in).

Exit codes:
  0  a provider accepts the token
  1  every provider judged refuses it
  2  a usage error, or input that cannot be read
  3  no provider could be judged (settings known only at deploy time, invalid, or malformed)

With --json, standard output is one JSON object, also for a usage error:
  { "schemaVersion": 1, "verdict": "accepted" | "refused" | "not-judged" | "usage-error",
    "exitCode": 0-3, "error"?: "...", "providers": [{ "logicalId", "identityProviderConfigName"?,
    "path"?, "verdict": "accepted" | "refused" | "not-judged", "username"?, "groups"?,
    "problems"?, "expiresAt"?, "issuer"?, "notJudged"? }] }`,
  run: explain,
};

function explain(args: ParsedArguments): number {
  const templateFile = args.values.get('--template');
  if (templateFile === undefined) throw new UsageError('--template <file> is required');
  const tokenFile = args.values.get('--token-file');
  const argument = args.values.get('--token');
  if ([argument !== undefined, tokenFile !== undefined, args.stdin].filter(Boolean).length !== 1) {
    throw new UsageError('give the token in exactly one way: --token-file <path>, - (standard input) or --token <jwt>');
  }
  const providers = providersOf(readTemplate(templateFile), templateFile, args.values.get('--provider'));
  const token = readToken(argument, args.stdin || tokenFile === '-' ? undefined : tokenFile);
  const output = explainOutput(withoutSecrets(providers.map(provider => judged(provider, token)), secretsOf(token)));
  process.stdout.write(args.flags.has('--json') ? jsonOf(output) : textOf(output));
  return output.exitCode;
}

/** What one provider makes of the token; never throws. */
function judged(provider: TemplateProvider, token: string): ExplainedProvider {
  const { settings, notJudged, ...names } = provider;
  if (settings === undefined) return { ...names, verdict: 'not-judged', notJudged };
  let judge: TokenJudge;
  try {
    const { issuerUrl, ...rest } = settings;
    judge = new TokenJudge({ ...rest, issuer: OidcIssuer.fromUrl(issuerUrl) });
  } catch (error) {
    // Settings EKS itself would refuse: no cluster runs with them.
    if (error instanceof EksOidcError) return { ...names, verdict: 'not-judged', notJudged: `its settings are invalid: ${error.problems.map(p => p.message).join('; ')}` };
    return { ...names, verdict: 'not-judged', notJudged: 'internal error in reading its settings (a bug in cdk-eks-oidc: please report it, without the token)' };
  }
  try {
    const { accepted, username, groups, problems, expiresAt, issuer } = judge.explain(token);
    return accepted
      ? { ...names, verdict: 'accepted', username, groups, expiresAt, issuer }
      : { ...names, verdict: 'refused', problems, expiresAt, issuer };
  } catch {
    // The error's message may quote the token: never print it.
    return { ...names, verdict: 'not-judged', notJudged: 'internal error in judging this token (a bug in cdk-eks-oidc: please report it, without the token)' };
  }
}
