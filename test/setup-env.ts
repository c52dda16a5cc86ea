// Construct-library strict mode: template validation findings fail synthesis instead of
// printing "Template validation found issues". Every App created in a test reads this.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  '@aws-cdk/core:strictCfnValidateErrors': true,
});
