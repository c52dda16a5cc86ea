// What `require('@aws/cloudformation-validate')` gives aws-cdk-lib in jest: the validator of the
// worker (see jest-environment.ts).
module.exports = (globalThis as any).__cdkEksOidcCfnValidate;
