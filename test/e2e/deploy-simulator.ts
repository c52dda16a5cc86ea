// A stand-in for CloudFormation and the kubectl Lambda, around the real parts: from consecutive
// synthesized templates it computes the events CloudFormation sends each
// `Custom::AWSCDK-EKS-KubernetesResource`, and runs each one through aws-cdk-lib's own
// `apply_handler` (the code the kubectl Lambda runs), with python3 and the kubectl built for the
// suite, against the real kube-apiserver. Simulated: CloudFormation's ordering and the Lambda
// runtime. Real: the handler, kubectl, kube-apiserver.
import { execFileSync, spawn } from 'child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

const KUBERNETES_RESOURCE = 'Custom::AWSCDK-EKS-KubernetesResource';

/** The handler of each module: aws-eks and aws-eks-v2 ship one each (v2's has no kubectl role). */
export type EksModule = 'aws-eks' | 'aws-eks-v2';

export function handlerDir(module: EksModule): string {
  return join(dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resource-handlers', 'dist', module, 'kubectl-handler');
}

/** One CloudFormation event, as the custom resource provider hands it to the handler. */
interface HandlerEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly ResourceProperties: Record<string, string>;
  readonly OldResourceProperties?: Record<string, string>;
}

export interface DeploySimulatorOptions {
  readonly module: EksModule;
  /** Holds kubectl: put first on PATH, as the kubectl layer is in the Lambda. */
  readonly binDir: string;
  /** The admin kubeconfig of the API server, which the stand-in `aws eks update-kubeconfig` hands out. */
  readonly kubeconfig: string;
  /** The cluster name every resource must name. */
  readonly clusterName: string;
  /** The kubectl role every aws-eks resource must name. */
  readonly roleArn?: string;
  /** A folder of the simulator's own. */
  readonly workDir: string;
}

/** The stand-in for the AWS CLI in the kubectl layer: only `aws eks update-kubeconfig`, checked. */
const AWS_STAND_IN = `#!/usr/bin/env bash
set -euo pipefail
[[ "$1 $2" == "eks update-kubeconfig" ]] || { echo "aws stand-in: unexpected: aws $*" >&2; exit 1; }
shift 2
role=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name=$2 ;; --kubeconfig) out=$2 ;; --role-arn) role=$2 ;;
    *) echo "aws stand-in: unexpected option $1" >&2; exit 1 ;;
  esac
  shift 2
done
[[ "$name" == "$SIM_CLUSTER_NAME" ]] || { echo "aws stand-in: cluster $name, expected $SIM_CLUSTER_NAME" >&2; exit 1; }
[[ "$role" == "$SIM_ROLE_ARN" ]] || { echo "aws stand-in: role '$role', expected '$SIM_ROLE_ARN'" >&2; exit 1; }
cp "$SIM_KUBECONFIG" "$out"
`;

/** Runs one event through the handler, as the Lambda's Python runtime would. */
const RUN_HANDLER = `
import json, sys
sys.path.insert(0, sys.argv[1])
from apply import apply_handler
apply_handler(json.load(sys.stdin), None)
`;

export class DeploySimulator {
  /** The kubectl resources of the last deployed template, by logical id. */
  private deployed = new Map<string, Record<string, string>>();
  private readonly env: NodeJS.ProcessEnv;

  /**
   * The Python interpreter itself: a version manager's `python3` shim puts its own folder (which
   * may hold a real AWS CLI) in front of PATH.
   */
  private readonly python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

  constructor(private readonly options: DeploySimulatorOptions) {
    // The handler puts the Lambda layers' folders first on PATH: here they must not exist.
    for (const layer of ['/opt/kubectl', '/opt/awscli']) {
      if (existsSync(layer)) throw new Error(`${layer} exists: the handler would run its kubectl or aws instead of the suite's`);
    }
    const standIns = join(options.workDir, 'stand-ins');
    mkdirSync(standIns, { recursive: true });
    writeFileSync(join(standIns, 'aws'), AWS_STAND_IN);
    chmodSync(join(standIns, 'aws'), 0o755);
    this.env = {
      ...process.env,
      PATH: `${options.binDir}:${standIns}:${process.env.PATH}`,
      // The handler writes its kubeconfig and manifest here instead of /tmp.
      TEST_OUTDIR: options.workDir,
      SIM_KUBECONFIG: options.kubeconfig,
      SIM_CLUSTER_NAME: options.clusterName,
      SIM_ROLE_ARN: options.roleArn ?? '',
    };
  }

  /**
   * Deploys a template over the last one (`undefined`: deletes the stack), and returns the events
   * it sent, as `<RequestType> <LogicalResourceId>`. Creates and updates go first, in template
   * order, then deletes, as CloudFormation's cleanup phase runs them after every create and update.
   */
  async deploy(template: any | undefined): Promise<string[]> {
    const next = kubernetesResources(template);
    const events: HandlerEvent[] = [];
    const event = (RequestType: HandlerEvent['RequestType'], LogicalResourceId: string, ResourceProperties: Record<string, string>,
      OldResourceProperties?: Record<string, string>) => events.push({
      RequestType, ResourceType: KUBERNETES_RESOURCE, LogicalResourceId, ResourceProperties, OldResourceProperties,
    });
    for (const [id, properties] of next) {
      const old = this.deployed.get(id);
      if (old === undefined) event('Create', id, properties);
      else if (JSON.stringify(old) !== JSON.stringify(properties)) event('Update', id, properties, old);
    }
    for (const [id, properties] of this.deployed) {
      if (!next.has(id)) event('Delete', id, properties);
    }
    for (const e of events) await this.handle(e);
    this.deployed = next;
    return events.map(e => `${e.RequestType} ${e.LogicalResourceId}`);
  }

  private handle(event: HandlerEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.python, ['-c', RUN_HANDLER, handlerDir(this.options.module)], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
      child.on('error', reject).on('exit', code => (code === 0 ? resolve()
        : reject(new Error(`${event.RequestType} ${event.LogicalResourceId}: the handler failed (exit ${code})\n${output}`))));
      child.stdin.end(JSON.stringify(event));
    });
  }
}

/**
 * The template's kubectl resources by logical id, with their properties as the handler receives
 * them: CloudFormation hands a custom resource every scalar as a string. Properties must be
 * literal: the simulator resolves no CloudFormation functions.
 */
function kubernetesResources(template: any | undefined): Map<string, Record<string, string>> {
  const resources = new Map<string, Record<string, string>>();
  for (const [id, resource] of Object.entries<any>(template?.Resources ?? {})) {
    if (resource.Type !== KUBERNETES_RESOURCE) continue;
    const properties: Record<string, string> = {};
    for (const [key, value] of Object.entries(resource.Properties)) {
      if (!['string', 'boolean', 'number'].includes(typeof value)) {
        throw new Error(`${id}.${key} is ${JSON.stringify(value)}: the simulator resolves no CloudFormation functions`);
      }
      properties[key] = String(value);
    }
    resources.set(id, properties);
  }
  return resources;
}
