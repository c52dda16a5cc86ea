export * from './oidc-identity-provider';
