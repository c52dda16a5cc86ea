import { mkdtempSync } from 'fs';
import { join } from 'path';

// Construct-library strict mode: template validation findings fail synthesis instead of
// printing "Template validation found issues". Every App created in a test reads this.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  '@aws-cdk/core:strictCfnValidateErrors': true,
  // No stack trace in the metadata of every construct and annotation, as `cdk synth` does by
  // default (its --debug turns them on): under jest each trace goes through jest's source maps,
  // a tenth of the time of the property tests. No test reads them.
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
});

// Every App of a test file synthesizes into one folder of its own, inside the folder of the
// run that the global teardown removes at the end. Without it aws-cdk-lib makes a new cdk.out folder
// in the system's temp folder for each App and never removes it: 57 MB with the kubectl layer,
// and tens of thousands of folders per run of the property tests.
process.env.CDK_OUTDIR = mkdtempSync(join(process.env.CDK_EKS_OIDC_TEST_OUTDIRS!, 'app-'));
