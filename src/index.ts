export * from './kubeconfig';
export * from './oidc-identity-provider';
export * from './oidc-issuer';
export * from './oidc-settings';
export * from './rbac-binding';
export * from './role-ref';
export * from './token-explanation';
export * from './token-judge';
