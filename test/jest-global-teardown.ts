import { rmSync } from 'fs';

export default function teardown(): void {
  rmSync(process.env.CDK_EKS_OIDC_TEST_OUTDIRS!, { recursive: true, force: true });
}
