// One temporary folder for the cloud assemblies of a test run (see setup-env.ts); the global
// teardown removes it.
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export default function setup(): void {
  process.env.CDK_EKS_OIDC_TEST_OUTDIRS = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-test-'));
}
