import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';

// Guards the test setup itself: template validation runs, and its findings are errors.
test('apps in tests fail synthesis on a template CloudFormation would reject', () => {
  const app = new App();
  expect(app.node.tryGetContext('@aws-cdk/core:strictCfnValidateErrors')).toBe(true);
  const stack = new Stack(app, 'Stack');
  new eks.CfnIdentityProviderConfig(stack, 'Raw', {
    clusterName: 'prod',
    type: 'saml',
    oidc: { issuerUrl: 'https://idp.example.com', clientId: 'kubernetes' },
  });
  expect(() => app.synth()).toThrow();
});
