// An example CDK app: an EKS cluster whose people log in with Okta, and whose CI jobs log in
// with a Keycloak realm. Synthesize it offline with `npx projen example`.
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { OidcIdentityProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'EksOidcExample');

const cluster = new eks.Cluster(stack, 'Cluster', {
  version: eks.KubernetesVersion.V1_32,
  // kubectl applies the RBAC bindings below
  kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(stack, 'Kubectl') },
});
// Associations wait for this profile: EKS runs one cluster update at a time.
cluster.addFargateProfile('System', { selectors: [{ namespace: 'kube-system' }] });

// People: `email` as the user name, Okta groups as `okta:<group>`.
const okta = new OidcIdentityProvider(stack, 'Okta', {
  cluster,
  issuerUrl: 'https://example.okta.com/oauth2/default',
  clientId: '0oa1b2c3d4e5f6g7h8i9',
  usernameClaim: 'email',
  groupsClaim: 'groups',
  groupsPrefix: 'okta:',
  requiredClaims: { hd: 'example.com' },
});

// Machines: `sub` with the default `<issuer>#` prefix. Associated after Okta.
const keycloak = new OidcIdentityProvider(stack, 'Keycloak', {
  cluster,
  issuerUrl: 'https://sso.example.com/realms/ci',
  clientId: 'kubernetes',
});

// RBAC, spelled for you: Okta group `engineering` may read everything, Okta group
// `sre` may administer namespace `payments`, and the CI job may edit there. One kubectl
// call per provider applies all of its bindings.
okta.addClusterRoleBinding('EngineeringView', { clusterRole: 'view', groups: ['engineering'] });
okta.addRoleBinding('SrePayments', { namespace: 'payments', clusterRole: 'admin', groups: ['sre'] });
keycloak.addRoleBinding('DeployerPayments', { namespace: 'payments', clusterRole: 'edit', users: ['service-account-deployer'] });

Tags.of(stack).add('team', 'platform');

// The names to put into RBAC bindings for these identities.
console.log(`Okta user alice:        ${okta.usernameFor('alice@example.com')}`);
console.log(`Okta group engineering: ${okta.groupFor('engineering')}`);
console.log(`Keycloak CI job:        ${keycloak.usernameFor('service-account-deployer')}`);

app.synth();
