import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer } from '../src';

export const ISSUER = 'https://idp.example.com';

export function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

/** A cluster outside the app: cheap to synthesize, with a literal name. */
export function importedCluster(stack: Stack, clusterName = 'prod', id = clusterName): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, id, { clusterName });
}

/** A provider on an imported cluster with the given props on top of the required ones. */
export function provider(stack: Stack, props: Partial<OidcIdentityProviderProps> = {}, id = 'Provider'): OidcIdentityProvider {
  return new OidcIdentityProvider(stack, id, {
    cluster: props.cluster ?? importedCluster(stack),
    issuer: OidcIssuer.fromUrl(ISSUER),
    clientId: 'kubernetes',
    ...props,
  });
}

/** The `DependsOn` of the single resource of a type and path-derived logical id prefix. */
export function dependsOn(stack: Stack, logicalIdPrefix: string): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { DependsOn?: string[] }>;
  const ids = Object.keys(resources).filter(id => id.startsWith(logicalIdPrefix));
  if (ids.length !== 1) throw new Error(`expected one resource with logical id ${logicalIdPrefix}*, found ${ids}`);
  return (resources[ids[0]].DependsOn ?? []).slice().sort();
}

/**
 * The message of the error `make` throws, or undefined when it throws none, without the
 * problems' ids and the construct path (tests of those read them whole).
 */
export function errorOf(make: () => unknown): string | undefined {
  try {
    make();
  } catch (e) {
    return withoutIds((e as Error).message);
  }
  return undefined;
}

/** An error message without the ` [cdk-eks-oidc:<id>]` of each problem and the `  at <path>` line. */
export function withoutIds(message: string): string {
  return message.replace(/ \[cdk-eks-oidc:[A-Za-z]+\]$/gm, '').replace(/\n  at .*$/, '');
}
