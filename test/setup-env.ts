import { mkdtempSync } from 'fs';
import { join } from 'path';

// Construct-library strict mode: template validation findings fail synthesis instead of
// printing "Template validation found issues". Every App created in a test reads this.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  '@aws-cdk/core:strictCfnValidateErrors': true,
});

// Every App of a test file synthesizes into one folder of its own, inside the folder of the
// run that the global teardown removes at the end. Without it aws-cdk-lib makes a new cdk.out folder
// in the system's temp folder for each App and never removes it: 57 MB with the kubectl layer,
// and tens of thousands of folders per run of the property tests.
process.env.CDK_OUTDIR = mkdtempSync(join(process.env.CDK_EKS_OIDC_TEST_OUTDIRS!, 'app-'));
