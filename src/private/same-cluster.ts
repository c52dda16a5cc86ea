import { Stack, Token } from 'aws-cdk-lib';
import { IClusterRef } from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';

/**
 * The one definition of "the same cluster", for every rule that spans constructs (providers of a
 * cluster, binding names, Fargate sequencing): the same literal name in the same account and
 * region, or, for a name known only at deploy time, the same value in the same stack.
 */
export function clusterKeyOf(scope: IConstruct, clusterName: string): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(clusterName)) return `deploy-time:${stack.node.path}:${JSON.stringify(stack.resolve(clusterName))}`;
  return `name:${stack.account}/${stack.region}/${clusterName}`;
}

/** The key of a cluster construct: its name, resolved in its own stack. */
export function clusterKey(cluster: IClusterRef): string {
  return clusterKeyOf(cluster, cluster.clusterRef.clusterName);
}

/**
 * State kept once per app (per root construct), for rules that span every construct of an app:
 * two apps in one process (tests, several synths) never see each other's.
 */
export class PerApp<T> {
  private readonly states = new WeakMap<IConstruct, T>();

  constructor(private readonly create: () => T) {}

  public of(scope: IConstruct): T {
    const root = scope.node.root;
    let state = this.states.get(root);
    if (state === undefined) {
      state = this.create();
      this.states.set(root, state);
    }
    return state;
  }
}
