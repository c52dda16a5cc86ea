// Prints where the example app's template is, the AWS::EKS::IdentityProviderConfig
// resources it holds, the RBAC binding each KubernetesManifest applies, and its outputs.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const outdir = process.env.CDK_OUTDIR ?? join(__dirname, 'cdk.out');
for (const file of readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
  const template = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  const providers = Object.fromEntries(Object.entries(template.Resources)
    .filter(([, resource]) => (resource as { Type: string }).Type === 'AWS::EKS::IdentityProviderConfig'));
  console.log(`\n${join(outdir, file)}:`);
  console.log(JSON.stringify(providers, undefined, 2));
  for (const [id, resource] of Object.entries(template.Resources) as Array<[string, { Type: string; Properties: { Manifest: unknown } }]>) {
    if (resource.Type !== 'Custom::AWSCDK-EKS-KubernetesResource' || typeof resource.Properties.Manifest !== 'string') continue;
    console.log(`\nRBAC bindings applied by ${id}:`);
    for (const binding of JSON.parse(resource.Properties.Manifest)) {
      const where = binding.metadata.namespace ? ` in ${binding.metadata.namespace}` : '';
      const who = binding.subjects.map((s: { kind: string; name: string }) => `${s.kind} ${s.name}`).join(', ');
      console.log(`  ${binding.kind} ${binding.metadata.name}: ${binding.roleRef.kind} ${binding.roleRef.name}${where} to ${who}`);
    }
  }
  for (const [id, output] of Object.entries(template.Outputs ?? {}) as Array<[string, { Description?: unknown }]>) {
    console.log(`\nOutput ${id}: ${typeof output.Description === 'string' ? output.Description : 'a kubeconfig (resolved at deploy time)'}`);
  }
}
