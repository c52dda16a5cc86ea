// What the e2e suites read from a synthesized template: kube-apiserver's OIDC flags from the
// AWS::EKS::IdentityProviderConfig, and the Kubernetes objects of the kubectl resources.
import { OidcFlags } from './control-plane';

/** The values of the pseudo parameters a template of the test account and region may use. */
const PSEUDO_PARAMETERS: Record<string, string> = { 'AWS::URLSuffix': 'amazonaws.com', 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws' };

/**
 * A value as CloudFormation resolves it: strings, `Fn::Join`, pseudo parameters, and the
 * deploy-time values the test gives, keyed by their JSON (e.g. `{"Fn::GetAtt":["Eks","Endpoint"]}`).
 */
export function resolve(value: any, deployTime: Record<string, string> = {}): string {
  if (typeof value === 'string') return value;
  if (value?.Ref in PSEUDO_PARAMETERS) return PSEUDO_PARAMETERS[value.Ref];
  if (JSON.stringify(value) in deployTime) return deployTime[JSON.stringify(value)];
  if (Array.isArray(value?.['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part: any) => resolve(part, deployTime)).join(separator);
  }
  throw new Error(`the e2e suites resolve no ${JSON.stringify(value)}`);
}

/** kube-apiserver's OIDC flags, from the template's one AWS::EKS::IdentityProviderConfig. */
export function oidcFlagsOf(template: any): OidcFlags {
  const configs = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EKS::IdentityProviderConfig');
  if (configs.length !== 1) throw new Error(`expected one AWS::EKS::IdentityProviderConfig, found ${configs.length}`);
  const oidc = configs[0].Properties.Oidc;
  const flags: OidcFlags = [['issuer-url', resolve(oidc.IssuerUrl)], ['client-id', resolve(oidc.ClientId)]];
  const optional: Array<[string, string]> = [
    ['username-claim', 'UsernameClaim'], ['username-prefix', 'UsernamePrefix'],
    ['groups-claim', 'GroupsClaim'], ['groups-prefix', 'GroupsPrefix'],
  ];
  for (const [flag, property] of optional) {
    if (oidc[property] !== undefined) flags.push([flag, resolve(oidc[property])]);
  }
  for (const { Key, Value } of oidc.RequiredClaims ?? []) flags.push(['required-claim', `${Key}=${resolve(Value)}`]);
  return flags;
}

/** The Kubernetes objects of every kubectl resource of a template (none for no template). */
export function kubernetesObjectsOf(template: any | undefined): any[] {
  return Object.values<any>(template?.Resources ?? {})
    .filter(r => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource')
    .flatMap(r => JSON.parse(r.Properties.Manifest));
}
