// `cdk-eks-oidc explain`: why a login fails, from a synthesized template. A thin shell: it reads
// each AWS::EKS::IdentityProviderConfig's settings from the template and prints what a TokenJudge
// of them says.
import { OidcIssuer } from '../oidc-issuer';
import { EksOidcError } from '../private/errors';
import { ExplainOptions, TokenJudge } from '../token-judge';
import { Command, ParsedArguments, UsageError } from './arguments';
import { DoctorError, fetchJwks } from './doctor';
import { ExplainedProvider, explainOutput, jsonOf, textOf } from './output';
import { readCaFile, readJwks, readTemplate, readToken } from './read';
import { secretsOf, withoutSecrets } from './secrets';
import { providersOf, TemplateProvider } from './template';

export const EXPLAIN: Command = {
  name: 'explain',
  synopsis: '--template <file> [--provider <name>] (--token-file <path> | - | --token <jwt>) [--jwks <file> | --fetch-keys [--ca-file <pem file>]] [--json]',
  description: `Says what an EKS cluster makes of an OIDC token: the Kubernetes user and groups it logs in as,
or every reason it is refused, for each identity provider of a synthesized template. It applies
the provider's settings as kube-apiserver's OIDC authenticator does. The token's signature is
checked only with the issuer's keys (--jwks or --fetch-keys): its alg (RS256 only), its kid
naming a key of the set, and the signature, as kube-apiserver checks them.`,
  options: [
    { name: '--template', value: '<file>', help: 'a template of cdk.out, e.g. cdk.out/Platform.template.json' },
    { name: '--provider', value: '<name>', help: 'only the provider of this logical id, configuration name or construct path' },
    { name: '--token-file', value: '<path>', help: 'a file that holds the token; - for standard input' },
    { name: '-', help: 'read the token from standard input' },
    { name: '--token', value: '<jwt>', help: 'the token (visible in your shell history: prefer the two above)', whenEmpty: 'the token is empty' },
    { name: '--jwks', value: '<file>', help: 'the issuer\'s keys (the JSON its jwks_uri serves), to check the signature with' },
    { name: '--fetch-keys', help: 'fetch each provider\'s keys from its issuer (discovery, then jwks_uri), to check the signature with' },
    { name: '--ca-file', value: '<pem file>', help: 'with --fetch-keys: a CA to read a privately signed issuer through' },
    { name: '--json', help: 'print one JSON object, for scripts (its schema is below)' },
  ],
  notes: `Every option takes its value as --option <value> or --option=<value>.

Get the token kubectl sends with kubelogin: kubectl oidc-login get-token --oidc-issuer-url=...
--oidc-client-id=... prints an ExecCredential whose status.token it is. Surrounding whitespace
is ignored; a "Bearer " prefix is not (remove it). The token must be UTF-8 (or ASCII) text.

Limits: a template of at most 10 MiB (CloudFormation refuses templates over 1 MB), a token of
at most 1 MiB (kube-apiserver refuses request headers over 1 MiB, so a longer token never logs in),
a JWKS of at most 1 MiB (--jwks, or fetched: HTTPS only, 5 redirects, 10 seconds a request).
A JWKS file that is no JSON is a usage error; keys kube-apiserver cannot decode refuse every token,
as they do in the cluster. With --fetch-keys, a provider whose keys cannot be fetched is not judged.

Exit codes:
  0  a provider accepts the token
  1  every provider judged refuses it
  2  a usage error, or input that cannot be read
  3  no provider could be judged (settings known only at deploy time, invalid, or malformed)

With --json, standard output is one JSON object, also for a usage error:
  { "schemaVersion": 1, "verdict": "accepted" | "refused" | "not-judged" | "usage-error",
    "exitCode": 0-3, "error"?: "...", "providers": [{ "logicalId", "identityProviderConfigName"?,
    "path"?, "verdict": "accepted" | "refused" | "not-judged", "username"?, "groups"?,
    "problems"?, "expiresAt"?, "issuer"?, "signatureChecked"?, "notJudged"? }],
    "signatureChecked"?: true | false }`,
  run: explain,
};

async function explain(args: ParsedArguments): Promise<number> {
  const templateFile = args.values.get('--template');
  if (templateFile === undefined) throw new UsageError('--template <file> is required');
  const tokenFile = args.values.get('--token-file');
  const argument = args.values.get('--token');
  if ([argument !== undefined, tokenFile !== undefined, args.stdin].filter(Boolean).length !== 1) {
    throw new UsageError('give the token in exactly one way: --token-file <path>, - (standard input) or --token <jwt>');
  }
  const jwksFile = args.values.get('--jwks');
  const fetchKeys = args.flags.has('--fetch-keys');
  const caPath = args.values.get('--ca-file');
  if (jwksFile !== undefined && fetchKeys) throw new UsageError('give the keys in one way: --jwks <file> or --fetch-keys');
  if (caPath !== undefined && !fetchKeys) throw new UsageError('--ca-file is for --fetch-keys: give both, or neither');
  const providers = providersOf(readTemplate(templateFile), templateFile, args.values.get('--provider'));
  const token = readToken(argument, args.stdin || tokenFile === '-' ? undefined : tokenFile);
  const jwks = jwksFile === undefined ? undefined : readJwks(jwksFile);
  const caFile = caPath === undefined ? undefined : readCaFile(caPath);
  const keysOf = fetchKeys ? fetcher(caFile) : () => Promise.resolve(jwks);
  const explained = await Promise.all(providers.map(async provider => judged(provider, token, await keysOf(provider))));
  const output = explainOutput(withoutSecrets(explained, secretsOf(token)), jwks !== undefined || fetchKeys);
  process.stdout.write(args.flags.has('--json') ? jsonOf(output) : textOf(output));
  return output.exitCode;
}

/** The keys of a provider's issuer, fetched once per issuer URL: their text, or why they cannot be had. */
function fetcher(caFile: string | undefined): (provider: TemplateProvider) => Promise<string | { problem: string } | undefined> {
  const fetched = new Map<string, Promise<string | { problem: string }>>();
  return provider => {
    const issuerUrl = provider.settings?.issuerUrl;
    if (issuerUrl === undefined) return Promise.resolve(undefined);
    let keys = fetched.get(issuerUrl);
    if (keys === undefined) {
      keys = fetchJwks(issuerUrl, { caFile }).catch((error: unknown) => ({
        problem: error instanceof DoctorError ? error.message : 'internal error in fetching them (a bug in cdk-eks-oidc: please report it)',
      }));
      fetched.set(issuerUrl, keys);
    }
    return keys;
  };
}

/** What one provider makes of the token, with the issuer's keys when there are any; never throws. */
function judged(provider: TemplateProvider, token: string, keys: string | { problem: string } | undefined): ExplainedProvider {
  const { settings, notJudged, issuerUrlValue, ...names } = provider;
  if (settings === undefined) return { ...names, verdict: 'not-judged', notJudged };
  if (typeof keys === 'object') return { ...names, verdict: 'not-judged', notJudged: `the issuer's keys cannot be fetched (--fetch-keys): ${keys.problem}` };
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
    const options: ExplainOptions = { jwks: keys };
    const { accepted, username, groups, problems, expiresAt, issuer, signatureChecked } = judge.explain(token, options);
    return accepted
      ? { ...names, verdict: 'accepted', username, groups, expiresAt, issuer, signatureChecked }
      : { ...names, verdict: 'refused', problems, expiresAt, issuer, signatureChecked };
  } catch {
    // The error's message may quote the token: never print it.
    return { ...names, verdict: 'not-judged', notJudged: 'internal error in judging this token (a bug in cdk-eks-oidc: please report it, without the token)' };
  }
}
