// An example stack: an EKS cluster whose people log in with Okta, whose in-house CI logs in
// with a Keycloak realm, and whose GitHub Actions deploy job logs in with GitHub's tokens.
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { GitHubActionsSubject, KubeconfigLogin, OidcIdentityProvider, OidcIssuer, RoleRef } from '../src';

export class PlatformStack extends Stack {
  readonly okta: OidcIdentityProvider;
  readonly keycloak: OidcIdentityProvider;
  readonly gitHub: OidcIdentityProvider;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const cluster = new eks.Cluster(this, 'Cluster', {
      version: eks.KubernetesVersion.V1_32,
      // kubectl applies the RBAC bindings below
      kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(this, 'Kubectl') },
    });
    // Associations wait for this profile: EKS runs one cluster update at a time.
    cluster.addFargateProfile('System', { selectors: [{ namespace: 'kube-system' }] });

    // People: the Okta preset (custom authorization server, `email` as the user name, the
    // `groups` claim), Okta groups as `okta:<group>`.
    this.okta = new OidcIdentityProvider(this, 'Okta', {
      cluster,
      issuer: OidcIssuer.okta({ domain: 'example.okta.com' }),
      clientId: '0oa1b2c3d4e5f6g7h8i9',
      groupsPrefix: 'okta:',
    });

    // Machines: `sub` with the default `<issuer>#` prefix. Associated after Okta.
    this.keycloak = new OidcIdentityProvider(this, 'Keycloak', {
      cluster,
      issuer: OidcIssuer.fromUrl('https://sso.example.com/realms/ci'),
      clientId: 'kubernetes',
    });

    // GitHub Actions: only workflows of example-org/platform may log in, pinned by the IDs that
    // GitHub never reuses (`gh api orgs/example-org --jq .id`, `gh api repos/example-org/platform --jq .id`).
    const platformRepository = { owner: 'example-org', ownerId: '123456789', repository: 'platform', repositoryId: '987654321' };
    this.gitHub = new OidcIdentityProvider(this, 'GitHubActions', {
      cluster,
      issuer: OidcIssuer.gitHubActions(platformRepository),
      clientId: 'eks-example',
    });

    // RBAC, spelled for you: Okta group `engineering` may read everything, Okta group `sre` may
    // administer namespace `payments`, and the CI jobs may edit there. Each binding is a
    // resource of its own: removing one from code removes it from the cluster.
    this.okta.addClusterRoleBinding('EngineeringView', { clusterRole: 'view', groups: ['engineering'] });
    this.okta.addRoleBinding('SrePayments', { namespace: 'payments', role: RoleRef.clusterRole('admin'), groups: ['sre'] });
    this.keycloak.addRoleBinding('DeployerPayments', { namespace: 'payments', role: RoleRef.clusterRole('edit'), users: ['service-account-deployer'] });
    // The deploy job's `sub`, in both of GitHub's forms: by names, and with the IDs (immutable subject claims).
    this.gitHub.addRoleBinding('ProductionDeploy', {
      namespace: 'payments',
      role: RoleRef.clusterRole('edit'),
      users: GitHubActionsSubject.forEnvironment({ ...platformRepository, environment: 'production' }),
    });

    // How to log in: a kubeconfig for people (kubelogin), one for the GitHub job (a fresh token
    // from the runner each time kubectl needs one).
    this.okta.addKubeconfigOutput('Kubeconfig');
    this.gitHub.addKubeconfigOutput('Kubeconfig', { login: KubeconfigLogin.gitHubActions() });

    Tags.of(this).add('team', 'platform');
  }
}
