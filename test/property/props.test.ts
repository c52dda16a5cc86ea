// Property-based tests of OidcIdentityProvider's props against an independent statement of the
// rules (eks-oidc-rules.ts).
//
// Run counts (see runs.ts): RUNS prop sets for each test (the token test a tenth of them), RUNS
// being 10000 in CI (CI=true), FC_RUNS when set, and 100 otherwise (a local `npx projen test`).
// FC_SEED changes the seed.
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ClusterRoleBinding, OidcIdentityProvider } from '../../src';
import { newStack } from '../util';
import { providerFrom } from './apps';
import { anyProps, claimValueOfToken, validProps } from './arbitraries';
import { expectedGroup, expectedUsername, GeneratedProps, invalidIssuer, invalidProps, isToken, Value } from './eks-oidc-rules';
import { RUNS, SEED } from './runs';

const settings = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED, endOnFailure: true });
jest.setTimeout(600_000);

/** The value as the template shows it. */
const rendered = (value: Value) => (isToken(value) ? { 'Fn::ImportValue': value.token } : value);

/** The props an error message names: `Invalid requiredClaims["k"] value ...` names requiredClaims. */
function namedProps(message: string): Set<string> {
  // The last line is the construct's path, when there is one.
  return new Set(message.split('\n').filter(line => !line.startsWith('  at ')).map(line => {
    const name = /^Invalid ([A-Za-z]+)/.exec(line)?.[1] ?? `unexpected line: ${line}`;
    return name === 'tag' ? 'tags' : name;
  }));
}

/** Naming settings when every one of them is a literal. */
function literalNaming(props: GeneratedProps) {
  const fields = [props.issuerUrl, props.usernameClaim, props.usernamePrefix, props.groupsClaim, props.groupsPrefix];
  if (fields.some(isToken)) return undefined;
  return props as { issuerUrl: string; usernameClaim?: string; usernamePrefix?: string; groupsClaim?: string; groupsPrefix?: string };
}

test(`any props: invalid ones throw our error naming exactly them, valid ones construct and spell names by the rules (${RUNS} runs)`, () => {
  fc.assert(fc.property(anyProps(), claimValueOfToken, (props, value) => {
    // The issuer refuses its URL before the provider exists; the provider names all of its own at once.
    const expected = invalidIssuer(props) ? new Set(['issuerUrl']) : invalidProps(props);
    let provider: OidcIdentityProvider | undefined;
    let error: unknown;
    try {
      provider = providerFrom(newStack(), 'Provider', props);
    } catch (e) {
      error = e;
    }
    if (expected.size > 0) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('EksOidcError');
      expect(namedProps((error as Error).message)).toEqual(expected);
      // The issuer's error has no construct path; the provider's names the provider.
      expect((error as Error).message.endsWith('\n  at Stack/Provider')).toBe(!invalidIssuer(props));
      return;
    }
    expect(error).toBeUndefined();
    const naming = literalNaming(props);
    if (naming === undefined) return;
    expect(provider!.usernameFor(value)).toBe(expectedUsername(naming, value));
    if (naming.groupsClaim !== undefined) expect(provider!.groupFor(value)).toBe(expectedGroup(naming, value));
  }), settings(RUNS));
});

/** The Kubernetes objects of a binding's manifest in a template. */
function objectsOf(stack: Stack, resources: any, binding: ClusterRoleBinding): Array<{ subjects: Array<{ kind: string; name: string }> }> {
  const manifest = binding.manifest.node.findChild('Resource').node.defaultChild as CfnElement;
  return JSON.parse(resources[stack.getLogicalId(manifest)].Properties.Manifest);
}

const keyValues = (values: Record<string, Value> | undefined) => {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : entries.map(([key, value]) => ({ Key: key, Value: rendered(value) }));
};
const optional = (value: Value | undefined) => (value === undefined ? undefined : rendered(value));

/** Tags in a known order: aws-cdk-lib's TagManager chooses its own (a locale-aware sort). */
function byTagKey(properties: any) {
  const order = (a: { Key: string }, b: { Key: string }) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);
  return properties.Tags ? { ...properties, Tags: [...properties.Tags].sort(order) } : properties;
}

/** What the template must hold for the props: every field unchanged, maps as sorted key/value lists. */
function expectedConfig(id: string, props: GeneratedProps) {
  // Leaves out what is undefined, as the template does.
  const compact = (value: any): any => (value?.constructor !== Object ? value
    : Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compact(v)])));
  return compact({
    ClusterName: `cluster-${id}`,
    Type: 'oidc',
    // Without a name, a generated one: letters, digits and hyphens, at most 63.
    IdentityProviderConfigName: optional(props.identityProviderConfigName) ?? expect.stringMatching(/^[A-Za-z0-9-]{1,63}$/),
    Oidc: {
      IssuerUrl: rendered(props.issuerUrl),
      ClientId: rendered(props.clientId),
      // Always written: the default is sub.
      UsernameClaim: optional(props.usernameClaim) ?? 'sub',
      UsernamePrefix: optional(props.usernamePrefix),
      GroupsClaim: optional(props.groupsClaim),
      GroupsPrefix: optional(props.groupsPrefix),
      RequiredClaims: keyValues(props.requiredClaims),
    },
    Tags: keyValues(props.tags),
  });
}

const BATCH = 20;
/** Kubernetes reserves system: names; the library refuses to bind them (tested in rbac.test.ts). */
const bindable = (name: string) => !name.startsWith('system:');

test(`valid props synthesize, land in the template unchanged, and bind the subjects usernameFor/groupFor spell (${RUNS} prop sets)`, () => {
  const batch = fc.array(fc.tuple(validProps(false), claimValueOfToken, claimValueOfToken), { minLength: BATCH, maxLength: BATCH });
  fc.assert(fc.property(batch, (cases) => {
    const stack = newStack();
    const built = cases.map(([props, user, group], i) => {
      expect(invalidProps(props)).toEqual(new Set());
      const naming = literalNaming(props)!;
      const provider = providerFrom(stack, `P${i}`, props);
      const users = [user].filter(u => bindable(expectedUsername(naming, u)));
      const groups = naming.groupsClaim === undefined ? [] : [group].filter(g => bindable(expectedGroup(naming, g)));
      const subjects = [
        ...users.map(u => ({ kind: 'User', name: expectedUsername(naming, u) })),
        ...groups.map(g => ({ kind: 'Group', name: expectedGroup(naming, g) })),
      ];
      const binding = subjects.length > 0 ? provider.addClusterRoleBinding('Binding', { clusterRole: 'view', users, groups }) : undefined;
      return { provider, props, subjects, binding };
    });
    const resources = Template.fromStack(stack).toJSON().Resources;
    built.forEach(({ provider, props, subjects, binding }, i) => {
      expect(byTagKey(resources[stack.getLogicalId(provider.node.defaultChild as CfnElement)].Properties)).toEqual(expectedConfig(`P${i}`, props));
      if (binding === undefined) return;
      const [object] = objectsOf(stack, resources, binding);
      expect(object.subjects.map(({ kind, name }) => ({ kind, name }))).toEqual(subjects);
    });
  }), settings(Math.ceil(RUNS / BATCH)));
});

test(`a deploy-time token in any field is never rejected, and lands in the template as it is (${RUNS / 10} prop sets)`, () => {
  const values = (props: GeneratedProps): unknown[] => Object.values(props).flatMap(
    (v: Value | Record<string, Value> | undefined) => (v === undefined || typeof v === 'string' || isToken(v) ? [v] : Object.values(v)));
  const withToken = validProps(true).filter(props => values(props).some(isToken));
  const batch = fc.array(withToken, { minLength: BATCH / 2, maxLength: BATCH / 2 });
  fc.assert(fc.property(batch, (cases) => {
    const stack = newStack();
    const providers = cases.map((props, i) => providerFrom(stack, `P${i}`, props));
    const resources = Template.fromStack(stack).toJSON().Resources;
    providers.forEach((provider, i) => {
      expect(byTagKey(resources[stack.getLogicalId(provider.node.defaultChild as CfnElement)].Properties)).toEqual(expectedConfig(`P${i}`, cases[i]));
    });
  }), settings(Math.ceil(RUNS / 10 / (BATCH / 2))));
});
