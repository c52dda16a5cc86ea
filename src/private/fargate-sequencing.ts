import { Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { v1FargateProfileClusterName } from './aws-cdk-internals';
import { clusterKeyOf } from './same-cluster';

const FARGATE_PROFILE = 'AWS::EKS::FargateProfile';
/** The resource type of an aws-eks (v1) `FargateProfile`, a custom resource. */
const V1_FARGATE_PROFILE = 'Custom::AWSCDK-EKS-FargateProfile';

interface Waiter {
  readonly construct: IConstruct;
  readonly clusterName: string;
}

/**
 * Makes every provider in a stack wait for the Fargate profiles of its cluster in the same
 * stack: creating both at once fails, as both are cluster updates. As an aspect it also
 * sees profiles added after the provider, and it walks the stack once however many
 * providers there are.
 */
class FargateSequencer implements IAspect {
  private readonly waiters: Waiter[] = [];

  constructor(private readonly stack: Stack) {}

  public add(waiter: Waiter): void {
    this.waiters.push(waiter);
  }

  public visit(node: IConstruct): void {
    const clusterName = fargateProfileClusterName(node);
    if (clusterName === undefined) return;
    const profileCluster = clusterKeyOf(this.stack, clusterName);
    for (const waiter of this.waiters) {
      if (clusterKeyOf(this.stack, waiter.clusterName) === profileCluster) {
        waiter.construct.node.addDependency(node);
      }
    }
  }
}

/**
 * The cluster name of a Fargate profile resource: an `AWS::EKS::FargateProfile` (made by
 * aws-eks-v2's `FargateProfile`, or a `CfnFargateProfile` of either module: each module
 * has its own copy of that class, so the type name is checked, not the class), or the
 * custom resource of aws-eks's `FargateProfile`, whose cluster is not public but is in its
 * properties, `Config.clusterName`.
 */
function fargateProfileClusterName(node: IConstruct): string | undefined {
  if (!CfnResource.isCfnResource(node)) return undefined;
  if (node.cfnResourceType === FARGATE_PROFILE) {
    return (node as unknown as { clusterName?: string }).clusterName;
  }
  if (node.cfnResourceType === V1_FARGATE_PROFILE) {
    return v1FargateProfileClusterName(node);
  }
  return undefined;
}

const sequencers = new WeakMap<Stack, FargateSequencer>();

/** The association will wait for every Fargate profile of `clusterName` in its own stack. */
export function waitForFargateProfiles(association: IConstruct, clusterName: string): void {
  const stack = Stack.of(association);
  let sequencer = sequencers.get(stack);
  if (sequencer === undefined) {
    sequencer = new FargateSequencer(stack);
    sequencers.set(stack, sequencer);
    Aspects.of(stack).add(sequencer);
  }
  sequencer.add({ construct: association, clusterName });
}
