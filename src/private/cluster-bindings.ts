import { Token } from 'aws-cdk-lib';
import { IClusterRef } from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';
import { check, invalid } from './errors';
import { clusterKey, PerApp } from './same-cluster';

/** What Kubernetes identifies a binding by. */
export interface BindingName {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** For each app: which binding holds each (cluster, kind, namespace, name). */
const holders = new PerApp(() => new Map<string, string>());

/**
 * Records that the binding at `path` is the object `binding` of `cluster`, or throws when another
 * binding of any provider in the app already is: with two `KubernetesManifest`s for one object,
 * each deploy would take it from the other, and deleting either would delete it. Names that are
 * tokens are not judged.
 */
export function claimBindingName(cluster: IClusterRef, binding: BindingName, construct: IConstruct, nameGiven: boolean): void {
  const { kind, namespace, name } = binding;
  if (Token.isUnresolved(name) || Token.isUnresolved(namespace ?? '')) return;
  const registry = holders.of(cluster);
  const path = construct.node.path;
  const key = JSON.stringify([clusterKey(cluster), kind, namespace ?? '', name]);
  const holder = registry.get(key);
  if (holder !== undefined) {
    check([invalid('name', name, `${holder} and ${path} would both be the ${kind} of this name`
      + `${namespace !== undefined ? ` in namespace ${namespace}` : ''} on cluster ${cluster.node.path}`,
    nameGiven ? 'Give each binding its own name, or leave name out to get one derived from the binding\'s construct path'
      : 'Give one of the bindings a name of its own', 'bindingNameTaken')], construct);
  }
  registry.set(key, path);
}
