// Generated props made into real providers: tokens become deploy-time imports, and every
// provider gets an imported cluster of its own with kubectl access, so that it can bind.
import { App, Fn, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { GeneratedProps, isToken, Value } from './eks-oidc-rules';
import { OidcIdentityProvider, OidcIssuer } from '../../src';

/** The value as the construct gets it: a literal, or a deploy-time import. */
const resolve = (value: Value) => (isToken(value) ? Fn.importValue(value.token) : value);
const optional = (value: Value | undefined) => (value === undefined ? undefined : resolve(value));
const map = (values: Record<string, Value> | undefined) =>
  values && Object.fromEntries(Object.entries(values).map(([key, value]) => [key, resolve(value)]));

export function newStackIn(app: App, id: string): Stack {
  return new Stack(app, id, { env: { account: '111111111111', region: 'eu-west-1' } });
}

/** A provider of the props on cluster `cluster-<id>`; its issuer is `OidcIssuer.fromUrl(props.issuerUrl)`. */
export function providerFrom(stack: Stack, id: string, props: GeneratedProps): OidcIdentityProvider {
  const cluster = eks.Cluster.fromClusterAttributes(stack, `${id}Cluster`, {
    clusterName: `cluster-${id}`,
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, `${id}Kubectl`, {
      serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl',
    }),
  });
  return new OidcIdentityProvider(stack, id, {
    cluster,
    issuer: OidcIssuer.fromUrl(resolve(props.issuerUrl)),
    clientId: resolve(props.clientId),
    identityProviderConfigName: optional(props.identityProviderConfigName),
    usernameClaim: optional(props.usernameClaim),
    usernamePrefix: optional(props.usernamePrefix),
    groupsClaim: optional(props.groupsClaim),
    groupsPrefix: optional(props.groupsPrefix),
    requiredClaims: map(props.requiredClaims),
    tags: map(props.tags),
  });
}
