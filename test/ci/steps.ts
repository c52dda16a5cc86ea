// The steps of `npx projen ci` and what each needs first. run.ts starts every step as soon as
// what it needs has passed, one more at once than the machine has cores; the order here is the
// order of preference among the steps that are ready: the longest first, and those that others
// wait for. A step is one projen task (or one command); its output goes to test-reports/ci/<name>.log.

export interface Step {
  /** Name in the log and the timings. */
  readonly name: string;
  /** Shell command, run from the repository's root. */
  readonly command: string;
  /** Steps that must pass before this one starts. */
  readonly needs?: string[];
  /**
   * On the longest path of a cold run (building kube-apiserver, then the e2e suite): runs at
   * normal priority, while every other step runs under `nice`, so that it gets the cores it can use.
   */
  readonly critical?: boolean;
  /** Keeps every core busy by itself (a Go build): while it runs, only one other step runs beside it. */
  readonly allCores?: boolean;
  /** What it proves, for the table at the end. */
  readonly what: string;
}

export const STEPS: Step[] = [
  // Compiles for 7 minutes on 2 cores with an empty cache, and returns at once with a warm one.
  { name: 'kubernetes', command: 'bash test/e2e/build-kubernetes.sh', critical: true, allCores: true, what: 'kube-apiserver, kubectl and etcd (built once per version)' },
  { name: 'compile', command: 'npx projen pre-compile && npx projen compile', what: 'jsii build' },
  { name: 'jest', command: 'npx projen test:unit', what: 'jest: unit, property (full counts in CI), CLI, doctor and cdk-nag tests' },
  { name: 'package', command: 'npx projen package-all', needs: ['compile'], what: 'jsii-pacmak: npm, Python, Java and Go packages in one run' },
  { name: 'go', command: 'npx projen test:go', needs: ['package'], what: 'Go suite' },
  { name: 'java', command: 'npx projen test:java', needs: ['package'], what: 'Java suite' },
  { name: 'python', command: 'npx projen test:python', needs: ['package'], what: 'Python suite' },
  { name: 'e2e', command: 'npx projen test:e2e', needs: ['kubernetes'], critical: true, what: 'kube-apiserver end to end' },
  { name: 'floor', command: 'npx projen test:floor', what: 'jest on the peer dependencies\' floors' },
  { name: 'integ', command: 'npx projen integ', what: 'integration test snapshot' },
  { name: 'example', command: 'npx projen example', what: 'the example app through the CDK CLI' },
  { name: 'cfn-lint', command: 'npx projen test:cfn-lint', needs: ['example'], what: 'cfn-lint on every template we make' },
  { name: 'rosetta', command: 'npx projen rosetta', needs: ['compile'], what: 'README and API examples compile' },
  { name: 'eslint', command: 'npx projen eslint', needs: ['compile'], what: 'eslint (bench imports lib/)' },
  { name: 'typecheck', command: 'npx projen typecheck', what: 'type-check of tests, example, bench' },
  { name: 'docgen', command: 'npx projen post-compile', needs: ['compile'], what: 'API.md' },
  { name: 'release', command: 'npx projen test:release', needs: ['package'], what: 'release checks' },
];
