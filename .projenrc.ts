import { readFileSync } from 'fs';
import { awscdk, javascript, JsonFile } from 'projen';

/** The lowest aws-cdk-lib that has both the stable `aws-eks-v2` module and `IClusterRef`. */
const CDK_FLOOR = '2.240.0';
/** The aws-cdk-lib we develop and test against (newest, with strict template validation). */
const CDK_DEV = '2.276.0';
/** kubectl for the clusters of the tests and of the README's examples. */
const KUBECTL_LAYER = '^2.1.0';
/** The CDK CLI: the first release that reads the cloud assemblies of CDK_DEV (schema 55). */
const CDK_CLI = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-eks-oidc',
  packageName: 'cdk-eks-oidc',
  description: 'An AWS CDK L2 construct for EKS OIDC identity providers (AWS::EKS::IdentityProviderConfig): typed, validated at synth time, sequenced, with Kubernetes user and group names spelled for you.',
  keywords: ['cdk', 'aws-cdk', 'eks', 'oidc', 'kubernetes', 'rbac', 'identity-provider'],
  author: 'cdk-eks-oidc maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-7af5557c.example',
  repositoryUrl: 'https://github.com/cdk-eks-oidc/cdk-eks-oidc.git',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  jsiiVersion: '~6.0.0',
  cdkVersion: CDK_FLOOR,
  // aws-cdk-lib 2.240.0 itself requires constructs ^10.5.0: a lower floor could not be installed with it.
  constructsVersion: '10.5.0',
  peerDependencyOptions: { pinnedDevDependency: false },
  // The API may still change before 1.0: jsii marks every type experimental.
  stability: 'experimental',
  // Pull-request builds and releases to npm, PyPI and Maven Central, versioned by conventional
  // commits. The first release is 0.1.0.
  github: true,
  release: true,
  releaseToNpm: true,
  nextVersionCommand: 'test -n "$LATEST_TAG" || echo 0.1.0',
  depsUpgrade: false,
  githubOptions: { mergify: false },
  publishToPypi: {
    distName: 'cdk-eks-oidc',
    module: 'cdk_eks_oidc',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkeksoidc',
    mavenGroupId: 'io.github.cdkeksoidc',
    mavenArtifactId: 'cdk-eks-oidc',
  },
  // The module `github.com/cdk-eks-oidc/cdk-eks-oidc-go/cdkeksoidc`, released to that repository.
  publishToGo: {
    moduleName: 'github.com/cdk-eks-oidc/cdk-eks-oidc-go',
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // No coverage report: nothing reads it, and collecting it makes the suite 40% slower
      // (`npx jest --coverage` gives one).
      collectCoverage: false,
      // Every App built in a test runs CloudFormation template validation in strict mode.
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // One CloudFormation validator per worker instead of one per test file (see the file).
      testEnvironment: '<rootDir>/test/jest-environment.ts',
      moduleNameMapper: { '^@aws/cloudformation-validate$': '<rootDir>/test/shared-cfn-validate.ts' },
      // Cloud assemblies of a run go into one temporary folder, removed at the end.
      globalSetup: '<rootDir>/test/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/jest-global-teardown.ts',
      // The kube-apiserver suite has a task of its own (test:e2e): it needs binaries built first.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: { include: ['.projenrc.ts', 'bench/**/*.ts'] },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'example', 'bench', 'projenrc', '.projenrc.ts'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  gitignore: ['cdk.out/', '/example/cdk.out/'],
  // `npx cdk-eks-oidc explain`: why a token is refused, from a synthesized template
  bin: { 'cdk-eks-oidc': 'lib/cli/index.js' },
});

// Develop and test against the newest aws-cdk-lib; users only need the floor (peer dependency).
project.addDevDeps(`aws-cdk-lib@${CDK_DEV}`, 'constructs@10.5.1',
  // kubectl for the owned aws-eks (v1) clusters of the tests
  `@aws-cdk/lambda-layer-kubectl-v32@${KUBECTL_LAYER}`,
  // property-based tests, AWS Solutions rules, integration test and its snapshot runner
  'fast-check@^4.11.0', 'jest-environment-node@^30', 'cdk-nag@^3.0.2', '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0', '@aws-cdk/integ-runner@^2.197.10',
  // tests parse the kubeconfigs the library renders itself (and the README's CI YAML)
  'yaml@^2.8.0');

project.addPackageIgnore('/example/');

// The example is a CDK app: `cd example && npx cdk synth`, with the feature flags that `cdk init`
// gives a new app of this aws-cdk-lib.
project.addDevDeps(`aws-cdk@${CDK_CLI}`);

// `npx projen test` is jest, then eslint; `test:unit` is jest alone, for the ci step that runs
// while the jsii build runs (eslint waits for lib/: bench imports it).
const unitTests = project.addTask('test:unit', {
  description: 'jest: unit, property, CLI, doctor and cdk-nag tests (without eslint)',
  exec: 'jest --passWithNoTests --ci',
  receiveArgs: true,
});
project.testTask.reset();
project.testTask.spawn(unitTests);
project.testTask.spawn(project.tasks.tryFind('eslint')!);
new JsonFile(project, 'example/cdk.json', {
  obj: {
    app: 'npx ts-node --project ../tsconfig.dev.json app.ts',
    requireApproval: 'broadening',
    watch: { include: ['**'], exclude: ['cdk.json', 'cdk.out', '**/*.d.ts', '**/*.js'] },
    context: JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')),
  },
});

project.addTask('example', {
  description: 'Synthesize the example app offline with the CDK CLI and print the AWS::EKS::IdentityProviderConfig it produced',
  steps: [
    { exec: 'cdk synth --quiet --no-notices', cwd: 'example' },
    { exec: 'ts-node --project tsconfig.dev.json example/show.ts' },
  ],
});

// One jsii-pacmak run builds every package (npm, Python, Java, Go), instead of one run per target:
// the assembly is read and the npm tarball packed once. Maven keeps its downloads in its own cache
// (~/.m2) instead of a new temporary folder every run. The Go build (jsii-pacmak runs go build on
// the module) and the Go suite share one cache of modules and builds under ~/.cache: aws-cdk-go is
// large (about 800 MB and 2 minutes cold).
// (projen evaluates an env value of the form `$(command)` in a shell, and takes others literally.)
const GO_ENV = {
  GOMODCACHE: '$(echo $HOME/.cache/cdk-eks-oidc-go/mod)',
  GOCACHE: '$(echo $HOME/.cache/cdk-eks-oidc-go/build)',
  GOTOOLCHAIN: 'local',
  GOFLAGS: '-mod=mod',
};
const MAVEN_CACHE = '--maven-local-repository="$HOME/.m2/repository"';
project.tasks.tryFind('package:java')!.reset(`jsii-pacmak -v --target java ${MAVEN_CACHE}`);
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset(`jsii-pacmak -v --target js --target python --target java --target go ${MAVEN_CACHE}`);
for (const task of [packageAll, project.tasks.tryFind('package:go')!]) {
  for (const [name, value] of Object.entries(GO_ENV)) task.env(name, value);
}

// Modules the README's examples import beyond our dependencies; jsii-rosetta installs them
// into its compilation folder.
project.package.addField('jsiiRosetta', { exampleDependencies: { '@aws-cdk/lambda-layer-kubectl-v32': KUBECTL_LAYER } });
// Translations are kept in a tablet under ~/.cache, and a snippet is compiled again only when it or
// a type it uses has changed (jsii-rosetta's own cache check).
project.addTask('rosetta', {
  description: 'Compile every TypeScript example of the README and the API docs (jsii-rosetta, strict)',
  exec: 'mkdir -p "$HOME/.cache/cdk-eks-oidc" && jsii-rosetta extract --strict --cache "$HOME/.cache/cdk-eks-oidc/rosetta.tabl.json"',
});
// The type-check of tests, the example and bench (ts-jest only transpiles), incremental: the
// build info lives under ~/.cache, one file per clone folder.
project.addTask('typecheck', {
  description: 'Type-check the tests, the example app and the benchmark (tsconfig.dev.json)',
  exec: 'mkdir -p "$HOME/.cache/cdk-eks-oidc/tsc" && tsc --noEmit -p tsconfig.dev.json --incremental '
    + '--tsBuildInfoFile "$HOME/.cache/cdk-eks-oidc/tsc/$(pwd | sha256sum | cut -c1-12).tsbuildinfo"',
});
project.gitignore.exclude('.jsii.tabl.json');

project.addTask('test:python', {
  description: 'pytest suite against the wheel in dist/python, installed anew into a virtual environment cached per requirements.txt',
  exec: 'bash test/python/run.sh',
});
project.addTask('test:java', {
  description: 'JUnit 5 suite against the jar in dist/java',
  exec: 'bash test/java/run.sh',
});
project.gitignore.exclude('/test/java/target/');

project.gitignore.exclude('/test/go/readme-*/');
project.addTask('test:go', {
  description: 'go test suite against the module in dist/go, with aws-cdk-go from the Go module proxy',
  env: GO_ENV,
  exec: 'bash test/go/run.sh',
});

project.addTask('test:e2e', {
  description: 'OIDC login and RBAC on a real kube-apiserver and etcd, and RBAC bindings across deploys through aws-cdk-lib\'s kubectl handler with real kubectl; the binaries are built from the Go module proxy on first use',
  env: { JEST_JUNIT_OUTPUT_NAME: 'e2e.xml' },
  exec: 'K8S_BIN="$(bash test/e2e/build-kubernetes.sh)" && K8S_BIN="$K8S_BIN" jest --ci '
    + '--testPathIgnorePatterns=/node_modules/ --runInBand test/e2e',
});

project.addTask('bench', {
  description: 'Synth time, memory, deploy cost and load time of the library against baselines; writes bench/results.json',
  steps: [
    { spawn: 'compile' },
    { exec: 'ts-node --project tsconfig.dev.json bench/bench.ts' },
  ],
});
project.addPackageIgnore('/bench/');
project.addTask('ci:cost', {
  description: 'What the test command costs: `bash .ci/run` on a fresh clone with an empty HOME (cold), again warm, and `npx projen test`; the time of every step, into bench/ci-cost.json (30 minutes or more)',
  exec: 'bash bench/ci-cost.sh',
  receiveArgs: true,
});

project.addTask('integ', {
  description: 'Compare the integration tests (test/integ.*.ts) with their committed snapshots, with integ-runner; no deploy',
  exec: 'bash test/integ/run.sh',
});
project.addTask('integ:update', {
  description: 'Rewrite the integration tests\' snapshots (no deploy)',
  exec: 'bash test/integ/run.sh --update',
});
project.addTask('test:floor', {
  description: 'Unit and property tests against the floors of our peer dependencies (aws-cdk-lib and constructs as package.json\'s peerDependencies state them), installed once under ~/.cache',
  exec: 'bash test/floor/run.sh',
});
project.addTask('test:release', {
  description: 'Release checks that need no registry account: actionlint on the workflows, twine on dist/python, the npm tarball, the POM and the wheel metadata',
  exec: 'bash test/release/run.sh',
});
project.addTask('test:cfn-lint', {
  description: 'cfn-lint (from PyPI) on the example app as `npx projen example` synthesized it, the integ snapshot and generated configurations',
  exec: 'bash test/cfn-lint/run.sh',
});

// The whole check. test/ci/run.ts runs its steps (test/ci/steps.ts) at once where they do not need
// each other, and reports how long each took (test-reports/ci-times.json).
project.addTask('ci', {
  // ts-node (the example app, cfn-lint's and the release checks' scripts, the summary) only
  // transpiles: the typecheck step checks the types of every one of those files once.
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  description: 'The whole check: jsii build, API.md, README examples, unit and property tests (also on the peer dependencies\' floors), cdk-nag, eslint, integ snapshot, release checks, the Python, Java and Go suites, kube-apiserver end to end with the deploy simulator, the example through the CDK CLI, cfn-lint, and no uncommitted generated file',
  steps: [
    { spawn: 'default' },
    { name: 'every step of test/ci/steps.ts, at once where they allow', exec: 'ts-node --project tsconfig.dev.json test/ci/run.ts' },
    {
      name: 'generated files (API.md, projen outputs, snapshots) are committed as regenerated',
      exec: 'git diff --ignore-space-at-eol --exit-code',
      condition: 'node -e "if (!process.env.CI) process.exit(1)"',
    },
    { name: 'one line per language suite', exec: 'ts-node --project tsconfig.dev.json test/summary.ts' },
  ],
});

project.synth();
