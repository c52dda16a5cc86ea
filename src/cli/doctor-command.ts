// `cdk-eks-oidc doctor`: checks each identity provider's issuer from the network, before a 15-40
// minute association finds out. A thin shell over doctor.ts: it reads the template and the CA file,
// chooses providers as `explain` does (template.ts), and prints what the doctor found.
import { Command, ParsedArguments, UsageError } from './arguments';
import { doctor } from './doctor';
import { doctorOutput, doctorTextOf, jsonOf } from './output';
import { readCaFile, readTemplate } from './read';

export const DOCTOR: Command = {
  name: 'doctor',
  synopsis: '--template <file> [--provider <name>] [--ca-file <pem file>] [--json]',
  description: `Checks the issuer of each identity provider of a synthesized template from the network, as EKS
will when it associates the provider (which takes 15-40 minutes to fail): that the issuer is not
the cluster's own service-account issuer, that its discovery document is served over HTTPS with
a publicly trusted certificate, that the document names the issuer byte for byte, that it offers
RS256, and that its signing keys can be read by kube-apiserver and include an RSA key for RS256.`,
  options: [
    { name: '--template', value: '<file>', help: 'a template of cdk.out, e.g. cdk.out/Platform.template.json' },
    { name: '--provider', value: '<name>', help: 'only the provider of this logical id, configuration name or construct path' },
    { name: '--ca-file', value: '<pem file>', help: 'a CA to read a privately signed issuer through (the certificate check still fails: EKS trusts public CAs only)' },
    { name: '--json', help: 'print one JSON object, for scripts (its schema is below)' },
  ],
  notes: `Every option takes its value as --option <value> or --option=<value>.

Requests: HTTPS only, at most 5 redirects and no loop, 1 MiB of body, 10 seconds each. Trust:
Node's public roots (not NODE_EXTRA_CA_CERTS); --ca-file is tried only when a certificate fails
them, to check the rest, and the output says it was used. An issuer URL known only at deploy time
(a Cognito user pool of the app, a parameter) cannot be checked.

Limits: a template of at most 10 MiB, a CA file of at most 1 MiB.

Exit codes:
  0  no check failed (and a provider was checked)
  1  a check failed: EKS will refuse the provider, or kube-apiserver every token
  2  a usage error, or input that cannot be read
  3  no provider could be checked (e.g. an issuer URL known only at deploy time)

With --json, standard output is one JSON object, also for a usage error:
  { "schemaVersion": 1, "verdict": "passed" | "failed" | "not-checked" | "usage-error",
    "exitCode": 0-3, "error"?: "...", "caFile": "not-given" | "used" | "not-used",
    "providers": [{ "logicalId", "identityProviderConfigName"?, "path"?, "issuerUrl"?,
    "verdict": "passed" | "failed" | "not-checked", "caFileUsed": true | false,
    "checks": [{ "name", "verdict": "pass" | "fail" | "skip", "message", "fix" }] }] }`,
  run: runDoctor,
};

async function runDoctor(args: ParsedArguments): Promise<number> {
  const templateFile = args.values.get('--template');
  if (templateFile === undefined) throw new UsageError('--template <file> is required');
  const caPath = args.values.get('--ca-file');
  const template = readTemplate(templateFile);
  const caFile = caPath === undefined ? undefined : readCaFile(caPath);
  const reports = await doctor(template, { templateFile, provider: args.values.get('--provider'), caFile });
  const output = doctorOutput(reports, caFile !== undefined);
  process.stdout.write(args.flags.has('--json') ? jsonOf(output) : doctorTextOf(output));
  return output.exitCode;
}
