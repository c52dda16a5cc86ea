// An example stack: an EKS cluster whose people log in with Okta, and whose CI jobs log in
// with a Keycloak realm.
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { OidcIdentityProvider } from '../src';

export class PlatformStack extends Stack {
  readonly okta: OidcIdentityProvider;
  readonly keycloak: OidcIdentityProvider;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const cluster = new eks.Cluster(this, 'Cluster', {
      version: eks.KubernetesVersion.V1_32,
      // kubectl applies the RBAC bindings below
      kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(this, 'Kubectl') },
    });
    // Associations wait for this profile: EKS runs one cluster update at a time.
    cluster.addFargateProfile('System', { selectors: [{ namespace: 'kube-system' }] });

    // People: `email` as the user name, Okta groups as `okta:<group>`.
    this.okta = new OidcIdentityProvider(this, 'Okta', {
      cluster,
      issuerUrl: 'https://example.okta.com/oauth2/default',
      clientId: '0oa1b2c3d4e5f6g7h8i9',
      usernameClaim: 'email',
      groupsClaim: 'groups',
      groupsPrefix: 'okta:',
      requiredClaims: { hd: 'example.com' },
    });

    // Machines: `sub` with the default `<issuer>#` prefix. Associated after Okta.
    this.keycloak = new OidcIdentityProvider(this, 'Keycloak', {
      cluster,
      issuerUrl: 'https://sso.example.com/realms/ci',
      clientId: 'kubernetes',
    });

    // RBAC, spelled for you: Okta group `engineering` may read everything, Okta group
    // `sre` may administer namespace `payments`, and the CI job may edit there. One kubectl
    // call per provider applies all of its bindings.
    this.okta.addClusterRoleBinding('EngineeringView', { clusterRole: 'view', groups: ['engineering'] });
    this.okta.addRoleBinding('SrePayments', { namespace: 'payments', clusterRole: 'admin', groups: ['sre'] });
    this.keycloak.addRoleBinding('DeployerPayments', { namespace: 'payments', clusterRole: 'edit', users: ['service-account-deployer'] });

    Tags.of(this).add('team', 'platform');
  }
}
