// Run only by the floor job (test/floor/jest.config.js): proof that the floor run really loads
// the floor copies, wherever the import comes from, so that its green means something.
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

const ROOT = join(__dirname, '..', '..');
const peers = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).peerDependencies;
const FLOOR = { 'aws-cdk-lib': peers['aws-cdk-lib'].replace(/^\^/, ''), 'constructs': peers.constructs.replace(/^\^/, '') };
const VERSIONS = "require('aws-cdk-lib/package.json').version + ' ' + require('constructs/package.json').version";

test('tests load the floor aws-cdk-lib and constructs of package.json\'s peerDependencies', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('aws-cdk-lib/package.json').version).toBe(FLOOR['aws-cdk-lib']);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('constructs/package.json').version).toBe(FLOOR.constructs);
});

test('a package from node_modules gets the same copies as the tests', () => {
  // KubectlV32Layer extends the LayerVersion of the aws-cdk-lib it imports, and must be able to
  // join our Stack: with two copies loaded the instanceof checks would fail.
  const stack = new Stack(new App(), 'Floor');
  const layer = new KubectlV32Layer(stack, 'Kubectl');
  expect(layer).toBeInstanceOf(lambda.LayerVersion);
  expect(layer).toBeInstanceOf(Construct);
});

test('processes started by tests (the CLI under ts-node) load the floor too', () => {
  const result = spawnSync(process.execPath, ['-p', VERSIONS], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe(`${FLOOR['aws-cdk-lib']} ${FLOOR.constructs}`);
});
