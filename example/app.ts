// The example app (example/platform-stack.ts). Synthesize it offline with `npx projen example`.
import { App } from 'aws-cdk-lib';
import { PlatformStack } from './platform-stack';

const app = new App();
const { okta, keycloak, gitHub } = new PlatformStack(app, 'EksOidcExample');

// The names to put into RBAC bindings for these identities.
console.log(`Okta user alice:        ${okta.usernameFor('alice@example.com')}`);
console.log(`Okta group engineering: ${okta.groupFor('engineering')}`);
console.log(`Keycloak CI job:        ${keycloak.usernameFor('service-account-deployer')}`);
console.log(`GitHub deploy job:      ${gitHub.usernameFor('repo:example-org/platform:environment:production')}`);

app.synth();
