// AWS Solutions rules (cdk-nag) on the example app: nothing our constructs create may be
// flagged. Findings on what aws-cdk-lib creates for the EKS cluster (its roles, VPC, kubectl
// provider, Fargate profile) are acknowledged, each rule with its reason, and only there.
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PlatformStack } from '../example/platform-stack';

/** Why each rule may fire on aws-cdk-lib's cluster resources. */
const REASONS: Record<string, string> = {
  'AwsSolutions-IAM4': 'aws-cdk-lib attaches AWS managed policies (AmazonEKSClusterPolicy, AWSLambdaBasicExecutionRole, ...) to the roles of the cluster, its node pools, Fargate pods and kubectl provider',
  'AwsSolutions-IAM5': 'aws-cdk-lib\'s provider framework may invoke any version of its own kubectl handler',
  'AwsSolutions-L1': 'aws-cdk-lib pins the Lambda runtime of its kubectl handler',
  'AwsSolutions-VPC7': 'the example cluster uses aws-cdk-lib\'s default VPC, without flow logs; a real platform brings its own VPC',
};
/** Where aws-cdk-lib's cluster resources are: the example's Cluster and everything under it. */
const CLUSTER = 'EksOidcExample/Cluster/';

interface Finding { readonly rule: string; readonly path: string }

/** Synthesizes the example app with AwsSolutionsChecks and returns what it found. */
function nag(acknowledge: Finding[] = []): Finding[] {
  const app = new App();
  const stack = new PlatformStack(app, 'EksOidcExample');
  for (const { rule, path } of acknowledge) {
    const construct = stack.node.findAll().find(c => c.node.path === path)!;
    Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason: REASONS[rule.replace(/\[.*$/, '')] });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch {
    // failed validation: the report says why
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports.flatMap((plugin: any) => plugin.violations.flatMap((violation: any) =>
    violation.violatingConstructs.map((c: any) => ({ rule: violation.ruleName, path: c.constructPath }))));
}

test('AwsSolutionsChecks flags nothing of ours; aws-cdk-lib\'s cluster findings are acknowledged with reasons', () => {
  const findings = nag();
  expect(findings.length).toBeGreaterThan(0); // the rules ran
  // Nothing under the providers (/Okta, /Keycloak, /GitHubActions), their RBAC bindings, or anywhere else outside the cluster.
  expect(findings.filter(f => !f.path.startsWith(CLUSTER))).toEqual([]);
  // Every rule that fires on the cluster has a reason.
  expect(findings.filter(f => REASONS[f.rule.replace(/\[.*$/, '')] === undefined)).toEqual([]);
  // Acknowledged, each where it fired: nothing is left.
  expect(nag(findings)).toEqual([]);
});
