// The README's CI examples (GitHub Actions and GitLab CI YAML) parse, and ask for a token whose
// audience is the client ID of the README's GitHub Actions provider. (Its TypeScript, Python and
// Java examples are compiled and run by jsii-rosetta and the language suites.)
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const yamlBlocks = [...README.matchAll(/^```yaml\n(.*?)^```$/gms)].map(match => match[1]);
const CLIENT_ID = /issuer: OidcIssuer\.gitHubActions\([^)]*\),\n\s*clientId: '([^']+)'/.exec(README)?.[1];

test('the README has a GitHub Actions provider, and its CI examples', () => {
  expect(CLIENT_ID).toBe('eks-platform');
  expect(yamlBlocks).toHaveLength(2);
});

test('every YAML example parses', () => {
  for (const block of yamlBlocks) expect(() => parse(block)).not.toThrow();
});

test('the GitHub Actions job may get identity tokens, and leaves asking for them to the kubeconfig (no token file)', () => {
  const workflow = yamlBlocks.map(block => parse(block)).find(doc => doc.jobs !== undefined);
  const job = workflow.jobs.deploy;
  expect(job.permissions['id-token']).toBe('write');
  const script = job.steps.map((step: { run?: string }) => step.run ?? '').join('\n');
  expect(script).not.toMatch(/eks-token|ACTIONS_ID_TOKEN/);
  expect(README).toContain('github.addKubeconfigOutput(\'Kubeconfig\', { login: KubeconfigLogin.gitHubActions() });');
});

test('the GitLab CI job names the provider\'s client ID as its token\'s audience', () => {
  const pipeline = yamlBlocks.map(block => parse(block)).find(doc => doc.deploy?.id_tokens !== undefined);
  expect(pipeline.deploy.id_tokens.EKS_TOKEN.aud).toBe(CLIENT_ID);
  expect(pipeline.deploy.script.join('\n')).toMatch(/\$EKS_TOKEN.*> \/tmp\/eks-token/);
});
