#!/usr/bin/env bash
# The Java suite: JUnit 5 tests against the jar in dist/java, with aws-cdk-lib and constructs
# from Maven Central, cached in Maven's own ~/.m2.
set -euo pipefail
cd "$(dirname "$0")"

version="$(node -p "require('../../package.json').version")"
[[ -f "../../dist/java/io/github/cdkeksoidc/cdk-eks-oidc/$version/cdk-eks-oidc-$version.jar" ]] \
  || { echo "no jar in dist/java: run 'npx projen package:java' first" >&2; exit 1; }
# Maven never downloads a release version twice: drop the copy of our jar that an earlier run
# cached, so the tests use the jar just built.
rm -rf "${HOME}/.m2/repository/io/github/cdkeksoidc/cdk-eks-oidc"
# Maven's JVM and the test JVM live for seconds: the C1 compiler alone and the serial collector
# spend less CPU than C2's compiling and a parallel collector would save (on 2 cores, the JVMs'
# CPU time went from 47 to 21 s; the Node.js processes of the jsii runtime are unchanged).
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
mvn --batch-mode --no-transfer-progress -Dcdk-eks-oidc.version="$version" clean test "$@"
