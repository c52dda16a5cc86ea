import { Token } from 'aws-cdk-lib';
import { IClusterRef } from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';
import { clusterKey } from './cluster-providers';
import { invalid } from './errors';

/** What Kubernetes identifies a binding by. */
export interface BindingName {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** For each app, for each cluster: which binding holds each (kind, namespace, name). */
const registries = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records that the binding at `path` is the object `binding` of `cluster`, or throws when another
 * binding of any provider in the app already is: with two `KubernetesManifest`s for one object,
 * each deploy would take it from the other, and deleting either would delete it. Names that are
 * tokens are not judged.
 */
export function claimBindingName(cluster: IClusterRef, binding: BindingName, path: string): void {
  const { kind, namespace, name } = binding;
  if (Token.isUnresolved(name) || Token.isUnresolved(namespace ?? '')) return;
  const root = cluster.node.root;
  const registry = registries.get(root) ?? new Map<string, string>();
  registries.set(root, registry);
  const key = JSON.stringify([clusterKey(cluster), kind, namespace ?? '', name]);
  const holder = registry.get(key);
  if (holder !== undefined) {
    throw new Error(invalid('name', name, `${holder} and ${path} would both be the ${kind} of this name`
      + `${namespace !== undefined ? ` in namespace ${namespace}` : ''} on cluster ${cluster.node.path}`,
    'Give each binding its own name, or leave name out to get one derived from the provider and the id'));
  }
  registry.set(key, path);
}
