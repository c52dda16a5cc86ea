// Prints where the example app's template is and the AWS::EKS::IdentityProviderConfig
// resources it holds.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const outdir = process.env.CDK_OUTDIR ?? join(__dirname, 'cdk.out');
for (const file of readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
  const template = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  const providers = Object.fromEntries(Object.entries(template.Resources)
    .filter(([, resource]) => (resource as { Type: string }).Type === 'AWS::EKS::IdentityProviderConfig'));
  console.log(`\n${join(outdir, file)}:`);
  console.log(JSON.stringify(providers, undefined, 2));
}
