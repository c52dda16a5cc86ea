#!/usr/bin/env node
// `npx cdk-eks-oidc explain`: why a login fails, from a synthesized template. A thin shell: it
// reads the providers' settings from the template's AWS::EKS::IdentityProviderConfig resources,
// and prints what a TokenJudge of each says. Exit codes: 0 a provider accepts the token, 1 none does, 2 a usage error.
import { readFileSync } from 'fs';
import { OidcIssuer } from '../oidc-issuer';
import { EksOidcError } from '../private/errors';
import { TokenExplanation } from '../token-explanation';
import { TokenJudge } from '../token-judge';

const HELP = `Usage: cdk-eks-oidc explain --template <file> [--provider <name>] [--token <jwt> | --token-file <path> | -] [--json]

Says what an EKS cluster makes of an OIDC token: the Kubernetes user and groups it logs in as,
or every reason it is refused, for each identity provider of a synthesized template. It applies
the provider's settings as kube-apiserver's OIDC authenticator does; the token's signature is
not checked.

  --template <file>    a template of cdk.out, e.g. cdk.out/Platform.template.json
  --provider <name>    only the provider of this logical id, configuration name or construct path
  --token <jwt>        the token (visible in your shell history: prefer the next two)
  --token-file <path>  a file that holds the token
  -                    read the token from standard input
  --json               print JSON, for scripts
  --help               this text

Get the token kubectl sends with kubelogin: kubectl oidc-login get-token --oidc-issuer-url=...
--oidc-client-id=... prints an ExecCredential whose status.token it is. Exit code 0 when a
provider accepts the token, 1 when none does, 2 for a usage error.`;

class UsageError extends Error {}

interface Options {
  readonly template: string;
  readonly provider?: string;
  readonly token: string;
  readonly json: boolean;
}

/** One provider of the template, and what it makes of the token (or why it cannot be judged). */
interface Report {
  readonly logicalId: string;
  readonly identityProviderConfigName?: string;
  readonly path?: string;
  readonly explanation?: TokenExplanation;
  readonly notJudged?: string;
}

function parseArguments(argv: string[]): Options | undefined {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || rest.includes('--help')) return undefined;
  if (command !== 'explain') throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}: the command is "explain"`);
  const values: Record<string, string> = {};
  let json = false;
  let stdin = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') {json = true;} else if (arg === '-') {stdin = true;} else if (['--template', '--provider', '--token', '--token-file'].includes(arg)) {
      if (rest[i + 1] === undefined) throw new UsageError(`${arg} needs a value`);
      values[arg] = rest[++i];
    } else {throw new UsageError(`unknown option ${JSON.stringify(arg)}`);}
  }
  if (values['--template'] === undefined) throw new UsageError('--template <file> is required');
  const sources = [values['--token'] !== undefined, values['--token-file'] !== undefined, stdin].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give the token in exactly one way: --token <jwt>, --token-file <path> or - (standard input)');
  const token = values['--token'] ?? read(values['--token-file'] ?? 0, 'the token');
  return { template: values['--template'], provider: values['--provider'], token, json };
}

function read(file: string | number, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what}${typeof file === 'string' ? ` ${file}` : ' from standard input'}: ${(error as Error).message}`);
  }
}

function explainAll(options: Options): Report[] {
  let template: any;
  try {
    template = JSON.parse(read(options.template, 'the template'));
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`${options.template} is not a JSON template: ${(error as Error).message}`);
  }
  const configs = Object.entries<any>(template?.Resources ?? {}).filter(([, r]) => r?.Type === 'AWS::EKS::IdentityProviderConfig');
  if (configs.length === 0) throw new UsageError(`${options.template} has no AWS::EKS::IdentityProviderConfig`);
  const chosen = configs.filter(([logicalId, r]) => options.provider === undefined
    || [logicalId, r.Properties?.IdentityProviderConfigName, r.Metadata?.['aws:cdk:path']].includes(options.provider)
    || r.Metadata?.['aws:cdk:path'] === `${options.provider}/Resource`);
  if (chosen.length === 0) {
    throw new UsageError(`no provider ${JSON.stringify(options.provider)} in ${options.template}; it has ${configs.map(([id]) => id).join(', ')}`);
  }
  return chosen.map(([logicalId, resource]) => {
    const oidc = resource.Properties?.Oidc ?? {};
    const name = resource.Properties?.IdentityProviderConfigName;
    const report = { logicalId, identityProviderConfigName: typeof name === 'string' ? name : undefined, path: resource.Metadata?.['aws:cdk:path'] };
    const settings = {
      issuerUrl: oidc.IssuerUrl,
      clientId: oidc.ClientId,
      usernameClaim: oidc.UsernameClaim,
      usernamePrefix: oidc.UsernamePrefix,
      groupsClaim: oidc.GroupsClaim,
      groupsPrefix: oidc.GroupsPrefix,
      requiredClaims: Object.fromEntries((oidc.RequiredClaims ?? []).map((c: any) => [c.Key, c.Value])) as Record<string, unknown>,
    };
    // A CloudFormation function or parameter is known only at deploy time.
    const deployTime = [
      ...Object.entries(settings).filter(([k, v]) => k !== 'requiredClaims' && v !== undefined && typeof v !== 'string').map(([k]) => k),
      ...Object.entries(settings.requiredClaims).filter(([, v]) => typeof v !== 'string').map(([k]) => `requiredClaims[${JSON.stringify(k)}]`),
    ];
    if (deployTime.length > 0) {
      return { ...report, notJudged: `${deployTime.join(', ')} ${deployTime.length === 1 ? 'is' : 'are'} resolved by CloudFormation at deploy time` };
    }
    try {
      const { issuerUrl, requiredClaims, ...claims } = settings;
      const judge = new TokenJudge({ ...claims, issuer: OidcIssuer.fromUrl(issuerUrl), requiredClaims: requiredClaims as Record<string, string> });
      return { ...report, explanation: judge.explain(options.token) };
    } catch (error) {
      // Settings EKS itself would refuse: no cluster runs with them.
      if (error instanceof EksOidcError) return { ...report, notJudged: `its settings are invalid: ${error.problems.map(p => p.message).join('; ')}` };
      throw error;
    }
  });
}

function text(reports: Report[]): string {
  return reports.map(report => {
    const title = `${report.logicalId}${report.identityProviderConfigName ? ` (${report.identityProviderConfigName})` : ''}${report.path ? ` at ${report.path}` : ''}`;
    const e = report.explanation;
    if (e === undefined) return `${title}\n  not judged: ${report.notJudged}`;
    const expires = e.expiresAt ? ` (token expires ${e.expiresAt})` : '';
    if (e.accepted) {
      return `${title}\n  accepted${expires}: user ${JSON.stringify(e.username)}, groups ${e.groups.length > 0 ? e.groups.map(g => JSON.stringify(g)).join(', ') : 'none'} `
        + '(and system:authenticated)';
    }
    return `${title}\n  refused${expires}:\n${e.problems.map(p => `  - ${p}`).join('\n')}`;
  }).join('\n\n') + '\n\nThe signature is not checked: a token that was not signed by the issuer is refused whatever it says.';
}

export function main(argv: string[]): number {
  let options: Options | undefined;
  let reports: Report[];
  try {
    options = parseArguments(argv);
    if (options === undefined) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    reports = explainAll(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`cdk-eks-oidc: ${error.message}\nRun cdk-eks-oidc --help for how to use it.\n`);
    return 2;
  }
  process.stdout.write(options.json ? `${JSON.stringify(reports, undefined, 2)}\n` : `${text(reports)}\n`);
  return reports.some(r => r.explanation?.accepted) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
