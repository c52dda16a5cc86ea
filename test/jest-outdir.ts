// Jest's global setup and teardown: one temporary folder for the cloud assemblies of a test
// run (see setup-env.ts), removed when the run ends.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export function setup(): void {
  process.env.CDK_EKS_OIDC_TEST_OUTDIRS = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-test-'));
}

export function teardown(): void {
  rmSync(process.env.CDK_EKS_OIDC_TEST_OUTDIRS!, { recursive: true, force: true });
}
