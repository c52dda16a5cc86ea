// One measured run: build an app of N providers, 10 per stack, each on its own imported
// cluster, written with the L2 (`l2`) or as bare CfnIdentityProviderConfig (`l1`), and
// synthesize it. Prints {"ms": build + synth wall time, "maxRssMiB": peak RSS of this process}.
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { CfnIdentityProviderConfig } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
// The compiled library, as users load it.
import { OidcIdentityProvider, OidcIssuer } from '../lib';

const [variant, count, outdir] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const PER_STACK = 10;

function build(providers: number) {
  const app = new App({ outdir });
  let stack: Stack | undefined;
  for (let i = 0; i < providers; i++) {
    if (i % PER_STACK === 0) stack = new Stack(app, `Platform${i / PER_STACK}`);
    const cluster = eks.Cluster.fromClusterAttributes(stack!, `Cluster${i}`, { clusterName: `cluster-${i}` });
    const issuerUrl = `https://idp-${i}.example.com/oauth2/default`;
    const oidc = {
      clientId: 'kubernetes',
      usernameClaim: 'email',
      groupsClaim: 'groups',
      groupsPrefix: 'oidc:',
    };
    if (variant === 'l2') {
      const issuer = OidcIssuer.fromUrl(issuerUrl);
      const requiredClaims = { hd: 'example.com' };
      new OidcIdentityProvider(stack!, `Provider${i}`, { cluster, identityProviderConfigName: `provider-${i}`, tags: { team: 'platform' }, issuer, requiredClaims, ...oidc });
    } else {
      new CfnIdentityProviderConfig(stack!, `Provider${i}`, {
        clusterName: cluster.clusterName,
        type: 'oidc',
        identityProviderConfigName: `provider-${i}`,
        oidc: { issuerUrl, ...oidc, requiredClaims: [{ key: 'hd', value: 'example.com' }] },
        tags: [{ key: 'team', value: 'platform' }],
      });
    }
  }
  app.synth();
}

// aws-cdk-lib loads its modules on first use: one small app first, so that the timed one
// measures constructs and synthesis, not module loading.
build(1);
const start = performance.now();
build(count);
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
