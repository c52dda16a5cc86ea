// One measured run: one provider with N RBAC bindings on an aws-eks-v2 cluster with kubectl.
// Prints synth wall time and what deploying it costs: custom resources, how many of them are
// Lambda-backed (each one a Lambda invocation when it is created, changed or deleted), over
// every template, and each kubectl resource's properties by logical id, so that two runs tell
// which resources a deploy from one to the other invokes the Lambda for. With `changed`, the
// first binding has one more group: a change of subjects.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { OidcIdentityProvider, OidcIssuer, RoleRef } from '../lib';

const bindings = Number(process.argv[2]);
const changed = process.argv[3] === 'changed';
const outdir = process.argv[4];

const start = performance.now();
const app = new App({ outdir });
const stack = new Stack(app, 'Platform');
const cluster = new eks.Cluster(stack, 'Cluster', {
  version: eks.KubernetesVersion.V1_32,
  kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(stack, 'Kubectl') },
});
const provider = new OidcIdentityProvider(stack, 'Okta', {
  cluster, issuer: OidcIssuer.fromUrl('https://example.okta.com/oauth2/default'), clientId: 'kubernetes', groupsClaim: 'groups',
});
for (let i = 0; i < bindings; i++) {
  const groups = changed && i === 0 ? [`team-${i}`, 'on-call'] : [`team-${i}`];
  provider.addRoleBinding(`Team${i}`, { namespace: `team-${i}`, role: RoleRef.clusterRole('edit'), groups });
}
app.synth();
const ms = performance.now() - start;

let customResources = 0;
let lambdaBacked = 0;
const kubectlResources: Record<string, string> = {};
for (const file of readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
  const resources = Object.entries(JSON.parse(readFileSync(join(outdir, file), 'utf8')).Resources ?? {}) as Array<[string, any]>;
  for (const [logicalId, resource] of resources) {
    const custom = resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource';
    if (!custom) continue;
    customResources++;
    // A ServiceToken that is a Lambda function (or a provider framework in front of one).
    if (JSON.stringify(resource.Properties?.ServiceToken ?? '').includes('Arn')) lambdaBacked++;
    if (resource.Type === 'Custom::AWSCDK-EKS-KubernetesResource') kubectlResources[logicalId] = JSON.stringify(resource.Properties);
  }
}
console.log(JSON.stringify({ ms, customResources, lambdaBacked, kubectlResources }));
