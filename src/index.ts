export * from './oidc-identity-provider';
export * from './rbac-binding-options';
