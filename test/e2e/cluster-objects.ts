// Objects the e2e suites create in a fresh cluster before the bindings under test: a namespace,
// and a ClusterRole that grants exactly reading ConfigMaps, so that an access check tells whether
// a binding to it holds.
export const NAMESPACE = 'team-a';

export const NAMESPACE_OBJECT = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };

export const CONFIGMAP_READER = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'e2e-configmap-reader' },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
};
