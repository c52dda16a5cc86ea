// Integration test: a real EKS cluster associated with a real, public OIDC issuer (GitHub
// Actions), and an assertion that EKS reports the provider ACTIVE with our issuer URL.
// CI compares the synthesized app with the committed snapshot; a user with an AWS account
// deploys it with `npx integ-runner --directory test --update-on-failed` (see README).
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { OidcIdentityProvider, OidcIssuer } from '../src';

const ISSUER = 'https://token.actions.githubusercontent.com';

const app = new App();
const stack = new Stack(app, 'EksOidcInteg');
const cluster = new eks.Cluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_32 });
const provider = new OidcIdentityProvider(stack, 'GitHubActions', {
  cluster,
  // Issuer ISSUER, user names from `sub`, and the required claims repository_owner_id and
  // repository_owner. The association does not depend on the ID being an existing owner's.
  issuer: OidcIssuer.gitHubActions({ ownerId: '123456789', owner: 'cdk-eks-oidc' }),
  clientId: 'sts.amazonaws.com',
  usernamePrefix: 'github:',
});

const integ = new IntegTest(app, 'OidcIdentityProvider', { testCases: [stack] });
// Association is a cluster update of 15 to 40 minutes: poll until EKS reports ACTIVE.
integ.assertions.awsApiCall('EKS', 'describeIdentityProviderConfig', {
  clusterName: provider.clusterName,
  identityProviderConfig: { type: 'oidc', name: provider.identityProviderConfigName },
}).expect(ExpectedResult.objectLike({
  identityProviderConfig: { oidc: { issuerUrl: ISSUER, status: 'ACTIVE' } },
})).waitForAssertions({ totalTimeout: Duration.minutes(50), interval: Duration.minutes(1) });
