// jest's Node environment, with one CloudFormation validator per worker instead of one per test file.
//
// aws-cdk-lib validates every template it synthesizes with @aws/cloudformation-validate, a 9 MB
// WebAssembly module whose engine takes 1.5 to 5 s to start. jest loads every module anew for each
// test file, so each file paid for a new engine (about a minute per run), and again whenever a
// template had resource types its engine had not been made for. Here the module is loaded once per
// worker, outside the files' module registries, and an engine is made once per configuration (the
// rules aws-cdk-lib gives it) and kept: every template is still validated, by the same engine
// aws-cdk-lib would have made. test/shared-cfn-validate.ts hands it to aws-cdk-lib (moduleNameMapper).
import { createRequire } from 'module';
import { dirname } from 'path';
import { TestEnvironment } from 'jest-environment-node';

/** What aws-cdk-lib uses of the module (it is aws-cdk-lib's own dependency, not ours, so untyped here). */
interface Engine { validateTemplate(template: unknown, options: unknown): unknown }
interface Validate { CompositeEngine: new (config: unknown) => Engine }
const engines = new Map<string, Engine>();
let shared: Validate | undefined;

/**
 * A copy of a test file's plain object made in this realm: the module reads an object of another
 * realm (the test file's global) as missing, and then validates with no rules at all.
 */
const outside = (value: unknown) => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

/** The module of the aws-cdk-lib this run resolves, with engines kept per configuration. */
function load(): Validate {
  const real: Validate = createRequire(__filename)(require.resolve('@aws/cloudformation-validate', { paths: [dirname(require.resolve('aws-cdk-lib/package.json'))] }));
  class CompositeEngine implements Engine {
    private readonly engine: Engine;
    constructor(config: unknown) {
      const key = JSON.stringify(config);
      if (!engines.has(key)) engines.set(key, new real.CompositeEngine(outside(config)));
      this.engine = engines.get(key)!;
    }
    validateTemplate(template: unknown, options: unknown) {
      return this.engine.validateTemplate(template, outside(options));
    }
    /** aws-cdk-lib frees an engine when it makes another; a kept engine lives as long as the worker. */
    free() {}
  }
  return { ...real, CompositeEngine };
}

export default class SharedValidatorEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    Object.defineProperty(this.global, '__cdkEksOidcCfnValidate', { get: () => (shared ??= load()) });
  }
}
