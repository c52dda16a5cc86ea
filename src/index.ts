export * from './kubeconfig';
export * from './oidc-identity-provider';
export * from './oidc-issuer';
export * from './rbac-binding-options';
export * from './token-explanation';
