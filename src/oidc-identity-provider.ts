import { Annotations, Arn, ArnFormat, CfnOutput, Fn, IResource, Names, Resource, ResourceProps, Token } from 'aws-cdk-lib';
import {
  CfnIdentityProviderConfig,
  IClusterRef,
  IdentityProviderConfigReference,
  IIdentityProviderConfigRef,
} from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { KubeconfigOptions } from './kubeconfig';
import { OidcSettings } from './oidc-settings';
import { enrol } from './private/cluster-providers';
import { check, EksOidcError, invalid, Problem, shown } from './private/errors';
import { waitForFargateProfiles } from './private/fargate-sequencing';
import { sharedIssuerWarning } from './private/issuer-rules';
import { typeProblems } from './private/js-types';
import { kubeconfigOf, kubeconfigOutputDescription } from './private/kubeconfig-yaml';
import { groupsPrefixOf, usernamePrefixOf } from './private/kubernetes-names';
import { resolveOidc, ResolvedOidc } from './private/resolved-oidc';
import { prefixResemblesSystem, tagsProblems, textProblems } from './private/validation';
import { ClusterRoleBinding, ClusterRoleBindingOptions, RoleBinding, RoleBindingOptions } from './rbac-binding';
import { TokenExplanation } from './token-explanation';
import { ExplainOptions, TokenJudge } from './token-judge';

/** The only identity provider type EKS supports. */
const OIDC = 'oidc';
/** EKS's limit for generated names: letters, digits and hyphens. */
const MAX_GENERATED_NAME_LENGTH = 63;
/** The construct under a provider that holds the bindings made with its `add…Binding()` methods. */
const BINDINGS_ID = 'RbacBindings';

/**
 * An OpenID Connect identity provider associated with an EKS cluster: one defined in this app
 * (`OidcIdentityProvider`), or an import. An import made with the provider's settings behaves
 * exactly like a definition; one made by name alone has only the attributes.
 */
export interface IOidcIdentityProvider extends IResource, IIdentityProviderConfigRef {
  /**
   * The name of the identity provider configuration.
   * @attribute
   */
  readonly identityProviderConfigName: string;

  /**
   * The ARN of the identity provider configuration.
   * @attribute
   */
  readonly identityProviderConfigArn: string;

  /**
   * The name of the cluster the provider is associated with.
   * @attribute
   */
  readonly clusterName: string;

  /**
   * The cluster the provider is associated with, for RBAC bindings and kubeconfigs.
   *
   * @default - unknown: an import given no cluster
   */
  readonly cluster?: IClusterRef;

  /**
   * The Kubernetes user name the API server gives a token whose username claim has this value:
   * the username prefix (`<issuerUrl>#` by default, nothing for the `email` claim or with the
   * prefix `-`) followed by the value. Use it as the `name` of a `User` subject.
   *
   * @param claimValue the value of the username claim, e.g. a `sub` or an e-mail address
   */
  usernameFor(claimValue: string): string;

  /**
   * The Kubernetes group name the API server gives a value of the groups claim: the groups
   * prefix followed by the value. Use it as the `name` of a `Group` subject.
   *
   * @param claimValue one value of the groups claim, e.g. `engineering`
   */
  groupFor(claimValue: string): string;

  /**
   * Grants a ClusterRole to identities of this provider in every namespace: a
   * `ClusterRoleBinding` under this provider.
   *
   * @param id unique among this provider's bindings
   */
  addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): ClusterRoleBinding;

  /**
   * Grants a Role or ClusterRole to identities of this provider in one namespace: a
   * `RoleBinding` under this provider.
   *
   * @param id unique among this provider's bindings
   */
  addRoleBinding(id: string, options: RoleBindingOptions): RoleBinding;

  /**
   * A kubeconfig (YAML) that logs in to the cluster with this provider's tokens: through
   * kubelogin for people, or as `login` says (a token file, GitHub Actions). It may hold
   * deploy-time values.
   */
  kubeconfig(options?: KubeconfigOptions): string;

  /**
   * Puts `kubeconfig()` into a stack output.
   *
   * @param id the output's construct id, under this provider
   */
  addKubeconfigOutput(id: string, options?: KubeconfigOptions): CfnOutput;

  /**
   * What the cluster makes of a token (an encoded JWT): the user and groups it logs in as, or
   * why it is refused. The signature is checked only with the issuer's keys (`options.jwks`).
   * `TokenJudge` does the same without a construct.
   *
   * @param token the ID token, as kubectl sends it
   * @param options the issuer's keys, to check the signature with
   */
  explainToken(token: string, options?: ExplainOptions): TokenExplanation;
}

/**
 * Properties of an `OidcIdentityProvider`: the OIDC settings, the cluster, and the configuration's
 * name and tags.
 *
 * Every property but `tags` is create-only: changing any of them replaces the association,
 * and CloudFormation deletes the old one before it creates the new one. Users of this
 * provider cannot log in to the cluster until the new association finishes, which takes
 * EKS 15 to 40 minutes.
 */
export interface OidcIdentityProviderProps extends OidcSettings {
  /**
   * The cluster to associate the provider with: an aws-eks or aws-eks-v2 `Cluster`, an
   * imported cluster, or a `CfnCluster`. RBAC bindings need one with kubectl access.
   */
  readonly cluster: IClusterRef;

  /**
   * The name of the identity provider configuration, unique within the cluster.
   *
   * @default - a name generated from the construct path: letters, digits and hyphens,
   * at most 63 characters, unique in the app
   */
  readonly identityProviderConfigName?: string;

  /**
   * Tags for the identity provider configuration. Tags added with `Tags.of()` apply too.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Attributes of an existing identity provider configuration, for
 * `OidcIdentityProvider.fromOidcIdentityProviderAttributes()`.
 */
export interface OidcIdentityProviderAttributes {
  /** The name of the cluster the provider is associated with. */
  readonly clusterName: string;

  /** The name of the identity provider configuration. */
  readonly identityProviderConfigName: string;

  /**
   * The ARN of the identity provider configuration, as `aws eks
   * describe-identity-provider-config` shows it.
   */
  readonly identityProviderConfigArn: string;

  /**
   * The cluster, for RBAC bindings (an aws-eks or aws-eks-v2 cluster with kubectl access) and
   * kubeconfigs (its endpoint and certificate authority).
   *
   * @default - no bindings, and kubeconfigs only with an endpoint and CA given to `kubeconfig()`
   */
  readonly cluster?: IClusterRef;

  /**
   * The provider's OIDC settings, exactly as it was defined with them (the same issuer, client ID,
   * claims and prefixes). With them the import spells user and group names, binds, renders
   * kubeconfigs and judges tokens exactly like the definition.
   *
   * @default - the import knows the names alone, and can do none of that
   */
  readonly settings?: OidcSettings;
}

/**
 * What a provider defined here and an import with settings share. Not exported: jsii erases it,
 * and each public class shows its members as its own.
 */
abstract class ProviderBase extends Resource implements IOidcIdentityProvider {
  public abstract readonly identityProviderConfigName: string;
  public abstract readonly identityProviderConfigArn: string;
  public abstract readonly clusterName: string;
  public readonly cluster?: IClusterRef;
  private readonly settings?: OidcSettings;
  /** The settings, resolved once. @internal */
  protected readonly _oidc?: ResolvedOidc;

  /** @param problems those of the subclass's own properties, thrown with those of the settings */
  constructor(scope: Construct, id: string, props: ResourceProps, settings: OidcSettings | undefined, cluster: IClusterRef | undefined,
    problems: Problem[]) {
    super(scope, id, props);
    this.settings = settings;
    check(settings === undefined ? problems : [], this);
    this._oidc = settings === undefined ? undefined : resolveOidc(settings, this, problems);
    this.cluster = cluster;
  }

  public usernameFor(claimValue: string): string {
    check(typeProblems({ claimValue: [claimValue, 'string'] }), this);
    return usernamePrefixOf(this.oidc('spell user names')) + claimValue;
  }

  public groupFor(claimValue: string): string {
    check(typeProblems({ claimValue: [claimValue, 'string'] }), this);
    const oidc = this.oidc('spell group names');
    if (oidc.groupsClaim === undefined) {
      check([invalid('groupsClaim', undefined, `the provider has no groups claim, so tokens carry no groups and no group ${shown(claimValue)} can ever match`,
        'Set groupsClaim (e.g. "groups") to the claim in which your identity provider lists the user\'s groups')], this);
    }
    return groupsPrefixOf(oidc) + claimValue;
  }

  /**
   * Grants a ClusterRole to identities of this provider in every namespace: a
   * `ClusterRoleBinding` at `<provider>/RbacBindings/<id>`. To make something wait for every
   * binding of the provider, depend on the provider.
   *
   * @param id unique among this provider's bindings
   */
  public addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): ClusterRoleBinding {
    return new ClusterRoleBinding(this.bindingsScope(), id, { ...options, provider: this });
  }

  /**
   * Grants a Role or ClusterRole to identities of this provider in one namespace: a
   * `RoleBinding` at `<provider>/RbacBindings/<id>`. To make something wait for every binding
   * of the provider, depend on the provider.
   *
   * @param id unique among this provider's bindings
   */
  public addRoleBinding(id: string, options: RoleBindingOptions): RoleBinding {
    return new RoleBinding(this.bindingsScope(), id, { ...options, provider: this });
  }

  /**
   * A kubeconfig (YAML) that logs in to the cluster with this provider's tokens: one cluster,
   * one user, one context, and `current-context`. People log in through kubelogin
   * (`kubectl oidc-login get-token`, with the provider's issuer URL, client ID and scopes, and
   * kubelogin's options); `login` chooses otherwise for CI jobs: `KubeconfigLogin.tokenFile()`
   * sends a job's identity token from a file, `KubeconfigLogin.gitHubActions()` asks the GitHub
   * Actions runner for a fresh one each time. No client secret is ever written: register a
   * public client (kubelogin uses PKCE).
   *
   * The cluster's endpoint and CA are deploy-time values for a cluster of the app: put the
   * result in a `CfnOutput` (see `addKubeconfigOutput()`), an SSM parameter or a file asset.
   */
  public kubeconfig(options: KubeconfigOptions = {}): string {
    return kubeconfigOf(this, this.oidc('render a kubeconfig'), options);
  }

  /**
   * Puts `kubeconfig()` into a stack output, with a description that says how to use it (and,
   * for kubelogin, which redirect URIs to register with the identity provider).
   * Outputs are readable by anyone who may describe the stack: the kubeconfig holds no secret.
   *
   * @param id the output's construct id, under this provider
   */
  public addKubeconfigOutput(id: string, options: KubeconfigOptions = {}): CfnOutput {
    return new CfnOutput(this, id, { value: this.kubeconfig(options), description: kubeconfigOutputDescription(this, options) });
  }

  /**
   * What the cluster makes of a token, as `TokenJudge` says with this provider's settings: the
   * Kubernetes user and groups it logs in as, or why it is refused. The signature is checked
   * only with the issuer's keys (`options.jwks`). Deploy-time values in the settings cannot be
   * judged: resolve them first.
   *
   * @param token the ID token, as kubectl sends it (kubelogin's `get-token` prints it)
   * @param options the issuer's keys, to check the signature with
   */
  public explainToken(token: string, options?: ExplainOptions): TokenExplanation {
    this.oidc('judge tokens');
    try {
      return new TokenJudge(this.settings!).explain(token, options);
    } catch (error) {
      throw error instanceof EksOidcError ? new EksOidcError(error.problems, this) : error;
    }
  }

  /**
   * A reference to this identity provider configuration, for aws-cdk-lib APIs that take an
   * `IIdentityProviderConfigRef`.
   */
  public get identityProviderConfigRef(): IdentityProviderConfigReference {
    return {
      identityProviderConfigName: this.identityProviderConfigName,
      identityProviderConfigArn: this.identityProviderConfigArn,
      clusterName: this.clusterName,
      type: OIDC,
    };
  }

  /** The resolved settings; an import by name alone has none, and says what to pass. */
  private oidc(to: string): ResolvedOidc {
    if (this._oidc === undefined) {
      throw new EksOidcError([{
        id: 'cdk-eks-oidc:importWithoutSettings',
        message: `The provider was imported by name alone, so it cannot ${to}. Import it with fromOidcIdentityProviderAttributes() `
          + 'and settings: the issuer, clientId, claims and prefixes it was defined with',
      }], this);
    }
    return this._oidc;
  }

  private bindingsScope(): Construct {
    return (this.node.tryFindChild(BINDINGS_ID) as Construct | undefined) ?? new Construct(this, BINDINGS_ID);
  }
}

/**
 * Associates an OpenID Connect identity provider with an EKS cluster, so people log in to
 * the cluster with tokens from their own identity provider (Okta, Entra ID, Keycloak,
 * Dex, ...). What they may do then is plain Kubernetes RBAC: `addClusterRoleBinding()` and
 * `addRoleBinding()` grant roles, `usernameFor()` and `groupFor()` spell subject names.
 *
 * Providers of one cluster are associated one at a time, in construct order, each after
 * the cluster's Fargate profiles in the same stack: EKS fails any concurrent update of a
 * cluster.
 *
 * @resource AWS::EKS::IdentityProviderConfig
 */
export class OidcIdentityProvider extends ProviderBase {
  /**
   * Imports an identity provider configuration from its attributes: by name alone, or with the
   * settings it was defined with.
   */
  public static fromOidcIdentityProviderAttributes(scope: Construct, id: string,
    attrs: OidcIdentityProviderAttributes): IOidcIdentityProvider {
    return new Import(scope, id, attrs);
  }

  /**
   * Imports an identity provider configuration by name alone, from its ARN,
   * `arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid>`.
   * The cluster and configuration names are read from the ARN; for an ARN that is a token
   * they are CloudFormation functions over it.
   */
  public static fromIdentityProviderConfigArn(scope: Construct, id: string, identityProviderConfigArn: string): IOidcIdentityProvider {
    check(typeProblems({ identityProviderConfigArn: [identityProviderConfigArn, 'string'] }));
    // The resource part is `identityproviderconfig/<cluster>/oidc/<name>/<uuid>`, so `/`
    // splits the whole ARN into [prefix, cluster, 'oidc', name, uuid].
    if (Token.isUnresolved(identityProviderConfigArn)) {
      const parts = Fn.split('/', identityProviderConfigArn);
      return new Import(scope, id, { identityProviderConfigArn, clusterName: Fn.select(1, parts), identityProviderConfigName: Fn.select(3, parts) });
    }
    const parts = identityProviderConfigArn.split('/');
    const arn = parts.length === 5 ? Arn.split(identityProviderConfigArn, ArnFormat.SLASH_RESOURCE_NAME) : undefined;
    if (arn?.service !== 'eks' || arn.resource !== 'identityproviderconfig' || parts[2] !== OIDC || parts.some(p => p === '')) {
      check([invalid('identityProviderConfigArn', identityProviderConfigArn, 'it is not the ARN of an EKS OIDC identity provider configuration',
        'Pass the identityProviderConfigArn that `aws eks describe-identity-provider-config` shows: '
          + 'arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid>')]);
    }
    return new Import(scope, id, { identityProviderConfigArn, clusterName: parts[1], identityProviderConfigName: parts[3] });
  }

  public readonly identityProviderConfigName: string;
  public readonly identityProviderConfigArn: string;
  public readonly clusterName: string;
  /** The issuer URL of the identity provider: the `iss` of its tokens. */
  public readonly issuerUrl: string;
  /** The token claim whose value becomes the Kubernetes user name. */
  public readonly usernameClaim: string;
  /**
   * The token claim that lists the user's groups.
   * @default - no groups claim
   */
  public readonly groupsClaim?: string;

  constructor(scope: Construct, id: string, props: OidcIdentityProviderProps) {
    super(scope, id, { physicalName: stringOrUndefined(props?.identityProviderConfigName) }, props, props?.cluster, propsProblems(props));
    const oidc = this._oidc!;
    const name = props.identityProviderConfigName ?? Names.uniqueResourceName(this, {
      maxLength: MAX_GENERATED_NAME_LENGTH,
      separator: '-',
      allowedSpecialCharacters: '-',
    });

    const requiredClaims = Object.entries(oidc.requiredClaims).map(([key, value]) => ({ key, value }));
    const oidcConfig: CfnIdentityProviderConfig.OidcIdentityProviderConfigProperty = {
      issuerUrl: oidc.issuerUrl,
      clientId: oidc.clientId,
      usernameClaim: oidc.usernameClaim,
      usernamePrefix: oidc.usernamePrefix,
      groupsClaim: oidc.groupsClaim,
      groupsPrefix: oidc.groupsPrefix,
      requiredClaims: requiredClaims.length > 0 ? requiredClaims : undefined,
    };
    const resource = new CfnIdentityProviderConfig(this, 'Resource', {
      clusterName: props.cluster.clusterRef.clusterName,
      type: OIDC,
      identityProviderConfigName: name,
      oidc: oidcConfig,
      tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    // Tags.of() reaches the resource after construction: check the final set.
    this.node.addValidation({ validate: () => tagsProblems(resource.tags.tagValues()).map(p => `${p.message} [${p.id}]`) });

    this.identityProviderConfigName = name;
    this.identityProviderConfigArn = resource.attrIdentityProviderConfigArn;
    this.clusterName = props.cluster.clusterRef.clusterName;
    this.issuerUrl = oidc.issuerUrl;
    this.usernameClaim = oidc.usernameClaim;
    this.groupsClaim = oidc.groupsClaim;
    this.warn(oidc);

    enrol(props.cluster, { construct: this, association: resource, identityProviderConfigName: name, issuerUrl: oidc.issuerUrl, oidc: oidcConfig });
    waitForFargateProfiles(resource, this.clusterName);
  }

  /** Advice that is not an error: settings that work, but probably not as meant. */
  private warn(oidc: ResolvedOidc): void {
    const warn = (id: string, message: string | undefined) => message && Annotations.of(this).addWarningV2(`cdk-eks-oidc:${id}`, message);
    const shared = sharedIssuerWarning(oidc.issuerUrl, oidc.requiredClaims);
    if (shared) warn(shared.id, shared.message);
    warn('usernamePrefixResemblesSystem', prefixResemblesSystem('usernamePrefix', oidc.usernamePrefix));
    warn('groupsPrefixResemblesSystem', prefixResemblesSystem('groupsPrefix', oidc.groupsPrefix));
    if (oidc.groupsPrefix !== undefined && oidc.groupsClaim === undefined) {
      warn('groupsPrefixIgnored', `The groupsPrefix ${shown(oidc.groupsPrefix)} has no effect: without a groups claim, tokens carry no groups. `
        + 'Set groupsClaim too, or remove groupsPrefix');
    }
  }
}

/** An identity provider configuration defined outside this app. */
class Import extends ProviderBase {
  public readonly identityProviderConfigName: string;
  public readonly identityProviderConfigArn: string;
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, attrs: OidcIdentityProviderAttributes) {
    super(scope, id, { environmentFromArn: stringOrUndefined(attrs?.identityProviderConfigArn) }, attrs?.settings, attrs?.cluster, [
      ...typeProblems({
        clusterName: [attrs?.clusterName, 'string'],
        identityProviderConfigName: [attrs?.identityProviderConfigName, 'string'],
        identityProviderConfigArn: [attrs?.identityProviderConfigArn, 'string'],
      }),
      ...clusterTypeProblems(attrs?.cluster, true),
    ]);
    this.identityProviderConfigName = attrs.identityProviderConfigName;
    this.identityProviderConfigArn = attrs.identityProviderConfigArn;
    this.clusterName = attrs.clusterName;
  }
}

/** The problems of a definition's own properties (the settings' are the base's to find): all are thrown at once. */
function propsProblems(props: OidcIdentityProviderProps | undefined): Problem[] {
  const types = [
    ...clusterTypeProblems(props?.cluster, false),
    ...typeProblems({ identityProviderConfigName: [props?.identityProviderConfigName, 'string?'], tags: [props?.tags, 'string map?'] }),
  ];
  if (types.length > 0 || props === undefined) return types;
  return [
    ...textProblems('identityProviderConfigName', props.identityProviderConfigName, 'Leave the property out to get a generated name'),
    ...tagsProblems(props.tags ?? {}),
  ];
}

/** A JavaScript caller's cluster of the wrong type (an optional one may be left out). */
function clusterTypeProblems(cluster: IClusterRef | undefined, optional: boolean): Problem[] {
  if (typeof cluster?.clusterRef?.clusterName === 'string' || (optional && cluster === undefined)) return [];
  return [invalid('cluster', cluster === undefined ? undefined : '(not a cluster)', 'expected an EKS cluster',
    'Pass an aws-eks or aws-eks-v2 Cluster, an imported cluster, or a CfnCluster', 'wrongType')];
}

/** A value for aws-cdk-lib's `Resource`, which would fail with a bare `TypeError` on a non-string: ours checks it after. */
const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);
