// The identity providers of a synthesized template, as `explain` and `doctor` read them: each
// AWS::EKS::IdentityProviderConfig, its names, and its OIDC settings when the template gives them
// literally. One selection rule for every command. A template is JSON from anywhere: nothing in it is trusted to have the right shape.
import { shownArgument, UsageError } from './arguments';
import { describe } from '../private/js-types';

/** A provider's OIDC settings, literal strings from its template. */
export interface LiteralSettings {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly usernameClaim?: string;
  readonly usernamePrefix?: string;
  readonly groupsClaim?: string;
  readonly groupsPrefix?: string;
  readonly requiredClaims: { [claim: string]: string };
}

/** A provider of the template: its names, and its settings or why they cannot be judged. */
export interface TemplateProvider {
  readonly logicalId: string;
  readonly identityProviderConfigName?: string;
  /** The construct path (aws:cdk:path metadata). */
  readonly path?: string;
  readonly settings?: LiteralSettings;
  /** Why it cannot be judged: a deploy-time value, or a template of the wrong shape. */
  readonly notJudged?: string;
  /**
   * Its Oidc.IssuerUrl as the template gives it: a string, a CloudFormation function resolved at
   * deploy time, or anything else (a template is JSON from anywhere). `doctor` reads it alone,
   * whatever the other settings are.
   */
  readonly issuerUrlValue?: unknown;
}

const TYPE = 'AWS::EKS::IdentityProviderConfig';
/** The most logical ids or problems a message lists. */
const MAX_LISTED = 20;

/**
 * The providers of the template, or only the one of the name given (its logical id,
 * configuration name or construct path). A usage error when the template is not one, has no
 * provider, or none of that name.
 *
 * @param file the template's file, for messages: "the template" when there is none
 */
export function providersOf(template: unknown, file: string | undefined, provider?: string): TemplateProvider[] {
  const named = file === undefined ? 'the template' : `the template ${shownArgument(file)}`;
  if (!isObject(template)) throw new UsageError(`${named} is ${describe(template)}, not a template (a JSON object)`);
  const resources = template.Resources;
  if (resources !== undefined && !isObject(resources)) {
    throw new UsageError(`${named} has Resources that are ${describe(resources)}, not an object of resources`);
  }
  const configs = Object.entries(resources ?? {}).filter(([, resource]) => isObject(resource) && resource.Type === TYPE)
    .map(([logicalId, resource]) => configOf(logicalId, resource as Record<string, unknown>));
  if (configs.length === 0) throw new UsageError(`${named} has no ${TYPE}`);
  const chosen = configs.filter(c => provider === undefined || [c.logicalId, c.identityProviderConfigName, c.path].includes(provider)
    || c.path === `${provider}/Resource`);
  if (chosen.length === 0) {
    const ids = configs.map(c => (c.logicalId === '' ? '""' : c.logicalId));
    throw new UsageError(`no provider ${shownArgument(provider ?? '')} in ${file === undefined ? 'the template' : shownArgument(file)}; it has ${listed(ids, ', ')}`);
  }
  return chosen.map(({ properties, ...names }) => ({ ...names, ...settingsOf(properties), issuerUrlValue: issuerUrlOf(properties) }));
}

/** The names of an IdentityProviderConfig (those that are strings), and its properties. */
function configOf(logicalId: string, resource: Record<string, unknown>) {
  const { Properties: properties, Metadata: metadata } = resource;
  const name = isObject(properties) ? properties.IdentityProviderConfigName : undefined;
  const path = isObject(metadata) ? metadata['aws:cdk:path'] : undefined;
  return { logicalId, identityProviderConfigName: typeof name === 'string' ? name : undefined, path: typeof path === 'string' ? path : undefined, properties };
}

/** The settings of an IdentityProviderConfig's properties, or why they cannot be judged. */
function settingsOf(properties: unknown): { settings: LiteralSettings } | { notJudged: string } {
  if (properties === undefined) return { notJudged: 'it has no Properties' };
  if (!isObject(properties)) return { notJudged: `its Properties are ${describe(properties)}, not an object` };
  const oidc = properties.Oidc;
  if (isIntrinsic(oidc)) return { notJudged: 'Oidc is resolved by CloudFormation at deploy time' };
  if (oidc === undefined) return { notJudged: 'it has no Properties.Oidc (is its Type "oidc"?)' };
  if (!isObject(oidc)) return { notJudged: `its Properties.Oidc is ${describe(oidc)}, not an object` };

  const malformed: string[] = [];
  const deployTime: string[] = [];
  const text = (property: string, setting: string, required: boolean): string | undefined => {
    const value = oidc[property];
    if (typeof value === 'string') return value;
    if (isIntrinsic(value)) deployTime.push(setting);
    else if (value === undefined && required) malformed.push(`Oidc.${property} is missing`);
    else if (value !== undefined) malformed.push(`Oidc.${property} is ${describe(value)}, not a string`);
    return undefined;
  };
  const issuerUrl = text('IssuerUrl', 'issuerUrl', true);
  const clientId = text('ClientId', 'clientId', true);
  const usernameClaim = text('UsernameClaim', 'usernameClaim', false);
  const usernamePrefix = text('UsernamePrefix', 'usernamePrefix', false);
  const groupsClaim = text('GroupsClaim', 'groupsClaim', false);
  const groupsPrefix = text('GroupsPrefix', 'groupsPrefix', false);

  // A list of { Key, Value }, as CloudFormation writes a map; a list of entries, so that a key
  // such as "__proto__" stays a key.
  const requiredClaims: [string, string][] = [];
  const keys = new Set<string>();
  const list = oidc.RequiredClaims;
  if (isIntrinsic(list)) {
    deployTime.push('requiredClaims');
  } else if (Array.isArray(list)) {
    list.forEach((entry: unknown, i) => {
      const at = `Oidc.RequiredClaims[${i}]`;
      if (isIntrinsic(entry)) return deployTime.push(`requiredClaims[${i}]`);
      if (!isObject(entry)) return malformed.push(`${at} is ${describe(entry)}, not an object with Key and Value`);
      const { Key: key, Value: value } = entry;
      if (isIntrinsic(key)) return deployTime.push(`requiredClaims[${i}]`);
      if (typeof key !== 'string') return malformed.push(key === undefined ? `${at} has no Key` : `${at}.Key is ${describe(key)}, not a string`);
      if (isIntrinsic(value)) return deployTime.push(`requiredClaims[${JSON.stringify(key)}]`);
      if (typeof value !== 'string') return malformed.push(value === undefined ? `${at} has no Value` : `${at}.Value is ${describe(value)}, not a string`);
      if (keys.has(key)) return malformed.push(`${at}.Key ${JSON.stringify(key)} is given twice`);
      keys.add(key);
      return requiredClaims.push([key, value]);
    });
  } else if (list !== undefined) {
    malformed.push(`Oidc.RequiredClaims is ${describe(list)}, not a list of objects with Key and Value`);
  }

  if (malformed.length > 0) return { notJudged: `the template's settings are not of the right shape: ${listed(malformed, '; ')}` };
  if (deployTime.length > 0 || issuerUrl === undefined || clientId === undefined) {
    return { notJudged: `${listed(deployTime, ', ')} ${deployTime.length === 1 ? 'is' : 'are'} resolved by CloudFormation at deploy time` };
  }
  return {
    settings: {
      issuerUrl,
      clientId,
      usernameClaim,
      usernamePrefix,
      groupsClaim,
      groupsPrefix,
      requiredClaims: Object.fromEntries(requiredClaims),
    },
  };
}

/** Properties.Oidc.IssuerUrl, whatever it is; undefined when the properties have none. */
function issuerUrlOf(properties: unknown): unknown {
  const oidc = isObject(properties) ? properties.Oidc : undefined;
  return isObject(oidc) ? oidc.IssuerUrl : undefined;
}

/** The first items of a list, and how many more there are: a template may hold millions. */
function listed(items: string[], separator: string): string {
  return `${items.slice(0, MAX_LISTED).join(separator)}${items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CloudFormation function or a parameter: `{ "Ref": ... }`, `{ "Fn::GetAtt": ... }`, known at deploy time. */
function isIntrinsic(value: unknown): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
