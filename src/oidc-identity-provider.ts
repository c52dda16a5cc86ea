import { Annotations, Arn, ArnFormat, CfnOutput, Fn, IResource, Names, Resource, Token } from 'aws-cdk-lib';
import {
  CfnIdentityProviderConfig,
  IClusterRef,
  IdentityProviderConfigReference,
  IIdentityProviderConfigRef,
} from 'aws-cdk-lib/aws-eks';
import { Construct, IConstruct } from 'constructs';
import { KubeconfigOptions } from './kubeconfig';
import { OidcIssuer } from './oidc-issuer';
import { clusterConnection } from './private/cluster-connection';
import { enrol } from './private/cluster-providers';
import { invalid } from './private/errors';
import { waitForFargateProfiles } from './private/fargate-sequencing';
import { entraIssuerProblems, sharedIssuerWarning } from './private/issuer-rules';
import { renderKubeconfig } from './private/kubeconfig-yaml';
import { DEFAULT_USERNAME_CLAIM, groupsPrefixOf, OidcNaming, usernamePrefixOf } from './private/kubernetes-names';
import { RbacBindings } from './private/rbac-bindings';
import { explainToken } from './private/token-rules';
import {
  issuerUrlProblems,
  prefixProblems,
  prefixResemblesSystem,
  requiredClaimsProblems,
  tagsProblems,
  textProblems,
} from './private/validation';
import { ClusterRoleBindingOptions, RoleBindingOptions } from './rbac-binding-options';
import { TokenExplanation } from './token-explanation';

/** The only identity provider type EKS supports. */
const OIDC = 'oidc';
/** EKS's limit for generated names: letters, digits and hyphens. */
const MAX_GENERATED_NAME_LENGTH = 63;

/**
 * An OpenID Connect identity provider associated with an EKS cluster.
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
   * The Kubernetes user name the API server gives a token whose username claim has this value.
   *
   * @param claimValue the value of the username claim, e.g. a `sub` or an e-mail address
   */
  usernameFor(claimValue: string): string;

  /**
   * The Kubernetes group name the API server gives a value of the groups claim.
   *
   * @param claimValue one value of the groups claim, e.g. `engineering`
   */
  groupFor(claimValue: string): string;

  /**
   * Grants a ClusterRole to identities of this provider in every namespace.
   *
   * @param id unique among this provider's bindings
   * @returns the `KubernetesManifest` that applies the binding, for dependencies
   */
  addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): IConstruct;

  /**
   * A kubeconfig (YAML) that logs in to the cluster with this provider's tokens: through
   * kubelogin for people, or from a token file for CI jobs. It may hold deploy-time values.
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
   * why it is refused. The signature is not checked.
   *
   * @param token the ID token, as kubectl sends it
   */
  explainToken(token: string): TokenExplanation;

  /**
   * Grants a Role or ClusterRole to identities of this provider in one namespace.
   *
   * @param id unique among this provider's bindings
   * @returns the `KubernetesManifest` that applies the binding, for dependencies
   */
  addRoleBinding(id: string, options: RoleBindingOptions): IConstruct;
}

/**
 * Properties of an `OidcIdentityProvider`.
 *
 * Every property but `tags` is create-only: changing any of them replaces the association,
 * and CloudFormation deletes the old one before it creates the new one. Users of this
 * provider cannot log in to the cluster until the new association finishes, which takes
 * EKS 15 to 40 minutes.
 */
export interface OidcIdentityProviderProps {
  /**
   * The cluster to associate the provider with: an aws-eks or aws-eks-v2 `Cluster`, an
   * imported cluster, or a `CfnCluster`.
   */
  readonly cluster: IClusterRef;

  /**
   * The identity provider, by name, with the settings its tokens need (issuer URL, username and
   * groups claims, required claims), e.g. `OidcIssuer.entraId({ tenantId })` or
   * `OidcIssuer.gitHubActions({ owner })`. Every prop given here wins over the preset's value;
   * required claims are merged, a key given here winning. Give this or `issuerUrl`.
   *
   * @default - `issuerUrl` is given
   */
  readonly issuer?: OidcIssuer;

  /**
   * The issuer URL of the identity provider: the `iss` claim of its tokens, byte for byte
   * (a trailing `/` matters). It must start with `https://`, may have a path, and must not
   * have a query string, a fragment or the `/.well-known/openid-configuration` suffix.
   * It must not be the cluster's own service-account (IRSA) issuer. Give this or `issuer`.
   *
   * @example 'https://example.okta.com/oauth2/default'
   * @default - the URL of `issuer`
   */
  readonly issuerUrl?: string;

  /**
   * The client ID of the application registered with the identity provider. Tokens are
   * accepted only when their `aud` claim contains it.
   */
  readonly clientId: string;

  /**
   * The name of the identity provider configuration, unique within the cluster.
   *
   * @default - a name generated from the construct path: letters, digits and hyphens,
   * at most 63 characters, unique in the app
   */
  readonly identityProviderConfigName?: string;

  /**
   * The token claim whose value becomes the Kubernetes user name.
   *
   * @default - the `issuer` preset's claim, or 'sub'
   */
  readonly usernameClaim?: string;

  /**
   * The prefix put before the username claim value. `-` means no prefix. Must not contain
   * `system:`.
   *
   * @default - no prefix for the `email` claim, `<issuerUrl>#` for any other claim
   */
  readonly usernamePrefix?: string;

  /**
   * The token claim that lists the user's groups.
   *
   * @default - the `issuer` preset's claim, or none: no groups come from the token (every user
   * still has `system:authenticated`)
   */
  readonly groupsClaim?: string;

  /**
   * The prefix put before each group name from the groups claim. Ignored without a
   * `groupsClaim`. Must not contain `system:`.
   *
   * @default - no prefix
   */
  readonly groupsPrefix?: string;

  /**
   * Claims that every token must carry with exactly these values. Keys are 1 to 63
   * characters, values 1 to 253. Merged with the `issuer` preset's, a key given here winning.
   *
   * @default - the `issuer` preset's required claims, or none
   */
  readonly requiredClaims?: { [claim: string]: string };

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
   * The cluster, for RBAC bindings: an aws-eks or aws-eks-v2 cluster with kubectl access.
   *
   * @default - the provider cannot add bindings
   */
  readonly cluster?: IClusterRef;

  /**
   * The provider's issuer URL, for `usernameFor()` and user bindings.
   *
   * @default - user names cannot be spelled, unless `usernamePrefix` is given or `usernameClaim` is `email`
   */
  readonly issuerUrl?: string;

  /**
   * The provider's client ID, for `kubeconfig()`.
   *
   * @default - no kubeconfig
   */
  readonly clientId?: string;

  /**
   * The provider's required claims, for `explainToken()`.
   *
   * @default - none
   */
  readonly requiredClaims?: { [claim: string]: string };

  /**
   * The provider's username claim.
   *
   * @default 'sub'
   */
  readonly usernameClaim?: string;

  /**
   * The provider's username prefix.
   *
   * @default - no prefix for the `email` claim, `<issuerUrl>#` for any other claim
   */
  readonly usernamePrefix?: string;

  /**
   * The provider's groups claim, for `groupFor()` and group bindings.
   *
   * @default - no groups claim: groups cannot be bound
   */
  readonly groupsClaim?: string;

  /**
   * The provider's groups prefix.
   *
   * @default - no prefix
   */
  readonly groupsPrefix?: string;
}

/**
 * What every OIDC identity provider, defined here or imported, has in common.
 */
export abstract class OidcIdentityProviderBase extends Resource implements IOidcIdentityProvider {
  public abstract readonly identityProviderConfigName: string;
  public abstract readonly identityProviderConfigArn: string;
  public abstract readonly clusterName: string;

  /** How the API server names this provider's users and groups; set by each subclass. @internal */
  protected abstract readonly _naming: OidcNaming;
  /** The cluster for RBAC bindings, when known. @internal */
  protected abstract readonly _cluster?: IClusterRef;
  /** The client ID, when known. @internal */
  protected abstract readonly _clientId?: string;
  /** The scopes of the provider's `OidcIssuer` preset. @internal */
  protected abstract readonly _kubeconfigScopes: string[];
  /** The required claims, as configured. @internal */
  protected abstract readonly _requiredClaims: { [claim: string]: string };
  private rbac?: RbacBindings;

  /**
   * The Kubernetes user name the API server gives a token whose username claim has this
   * value: the username prefix (`<issuerUrl>#` by default, nothing for the `email` claim
   * or with the prefix `-`) followed by the value. Use it as the `name` of a `User`
   * subject in RBAC bindings.
   *
   * @param claimValue the value of the username claim, e.g. a `sub` or an e-mail address
   */
  public usernameFor(claimValue: string): string {
    const prefix = usernamePrefixOf(this._naming);
    if (prefix === undefined) {
      throw new Error(invalid('issuerUrl', undefined, `the provider ${this.node.path} was imported without it, and user names of the `
        + `"${this._naming.usernameClaim ?? DEFAULT_USERNAME_CLAIM}" claim start with it`,
      'Pass issuerUrl, and the claims and prefixes the provider is configured with, to fromOidcIdentityProviderAttributes()'));
    }
    return prefix + claimValue;
  }

  /**
   * The Kubernetes group name the API server gives a group listed in the groups claim of
   * a token: the groups prefix followed by the value. Use it as the `name` of a `Group`
   * subject in RBAC bindings.
   *
   * @param claimValue one value of the groups claim, e.g. `engineering`
   */
  public groupFor(claimValue: string): string {
    if (this._naming.groupsClaim === undefined) {
      throw new Error(invalid('groupsClaim', undefined, `the provider ${this.node.path} has no groups claim, so tokens carry no groups and no group `
        + `"${claimValue}" can ever match`, 'Set groupsClaim (e.g. "groups") to the claim in which your identity provider lists the user\'s groups'));
    }
    return groupsPrefixOf(this._naming) + claimValue;
  }

  /**
   * Grants a ClusterRole to identities of this provider in every namespace. Users and groups
   * are given as the identity provider issues them and spelled with `usernameFor()` and
   * `groupFor()`.
   *
   * Each binding is a `KubernetesManifest` of its own, under this provider: removing it from
   * code deletes it from the cluster; changing its subjects updates it in place; changing its
   * role or name replaces it (the new binding is created, then the old one deleted). To make
   * something wait for every binding of the provider, depend on the provider.
   *
   * @param id unique among this provider's bindings
   * @returns the `KubernetesManifest` that applies the binding, for dependencies
   */
  public addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): IConstruct {
    return this.bindings().addClusterRoleBinding(id, options);
  }

  /**
   * Grants a Role or ClusterRole to identities of this provider in one namespace. Users and
   * groups are given as the identity provider issues them and spelled with `usernameFor()`
   * and `groupFor()`.
   *
   * Each binding is a `KubernetesManifest` of its own, under this provider: removing it from
   * code deletes it from the cluster; changing its subjects updates it in place; changing its
   * namespace, role or name replaces it (the new binding is created, then the old one deleted).
   * To make something wait for every binding of the provider, depend on the provider.
   *
   * @param id unique among this provider's bindings
   * @returns the `KubernetesManifest` that applies the binding, for dependencies
   */
  public addRoleBinding(id: string, options: RoleBindingOptions): IConstruct {
    return this.bindings().addRoleBinding(id, options);
  }

  /**
   * A kubeconfig (YAML) that logs in to the cluster with this provider's tokens: one cluster,
   * one user, one context, and `current-context`. People log in through kubelogin
   * (`kubectl oidc-login get-token`, with the provider's issuer URL, client ID and scopes); with
   * `tokenFile`, a CI job's identity token is sent from that file instead. No client secret is
   * ever written: register a public client (kubelogin uses PKCE), or add
   * `--oidc-client-secret=...` to the exec args in your local copy.
   *
   * The cluster's endpoint and CA are deploy-time values for a cluster of the app: put the
   * result in a `CfnOutput` (see `addKubeconfigOutput()`), an SSM parameter or a file asset.
   */
  public kubeconfig(options: KubeconfigOptions = {}): string {
    const { issuerUrl, clientId } = this.issuerAndClient('a kubeconfig names it');
    const connection = clusterConnection(this._cluster);
    const clusterEndpoint = options.clusterEndpoint ?? connection.endpoint;
    const certificateAuthorityData = options.certificateAuthorityData ?? connection.certificateAuthorityData;
    for (const [option, value, attribute] of [
      ['clusterEndpoint', clusterEndpoint, 'clusterEndpoint'],
      ['certificateAuthorityData', certificateAuthorityData, 'clusterCertificateAuthorityData'],
    ] as const) {
      if (value === undefined) {
        throw new Error(invalid(option, value, `the cluster of ${this.node.path} does not know it (an import without ${attribute}, or no cluster)`,
          `Pass ${option} to kubeconfig(), or import the cluster with ${attribute}`));
      }
    }
    const emailScope = (this._naming.usernameClaim ?? DEFAULT_USERNAME_CLAIM) === 'email' ? ['email'] : [];
    return renderKubeconfig({
      contextName: options.contextName ?? `${this.clusterName}-${this.identityProviderConfigName}`,
      clusterEndpoint: clusterEndpoint!,
      certificateAuthorityData: certificateAuthorityData!,
      issuerUrl,
      clientId,
      extraScopes: [...new Set(options.extraScopes ?? [...emailScope, ...this._kubeconfigScopes])],
      tokenFile: options.tokenFile,
    });
  }

  /**
   * Puts `kubeconfig()` into a stack output, with a description that says how to use it.
   * Outputs are readable by anyone who may describe the stack: the kubeconfig holds no secret.
   *
   * @param id the output's construct id, under this provider
   */
  public addKubeconfigOutput(id: string, options: KubeconfigOptions = {}): CfnOutput {
    // CloudFormation wants a literal description: no deploy-time value goes into it.
    const how = options.tokenFile === undefined ? 'needs kubelogin (kubectl oidc-login) installed'
      : `kubectl sends the identity token in ${Token.isUnresolved(options.tokenFile) ? 'its token file' : options.tokenFile}`;
    return new CfnOutput(this, id, {
      value: this.kubeconfig(options),
      description: `kubeconfig for OIDC login to EKS with the identity provider ${this.node.path}: `
        + `save it to a file and run kubectl --kubeconfig <file> auth whoami (${how})`,
    });
  }

  /**
   * What the cluster makes of a token: the Kubernetes user and groups it logs in as, or why it
   * is refused, each problem naming the claim, the value found, the value expected and the fix.
   * It applies this provider's settings as kube-apiserver's OIDC authenticator does (EKS
   * configures exactly that authenticator): `iss` byte for byte, `aud`, `exp` (no leeway) and
   * `nbf` (a minute), the username claim and `email_verified`, required claims, the groups claim,
   * and the prefixes, as of the current time.
   *
   * The signature is not checked: there are no keys at synth time, and a token the cluster did
   * not get from its issuer is refused however it reads. Deploy-time values (tokens) in the
   * settings cannot be judged: resolve them first.
   *
   * @param token the ID token, as kubectl sends it (kubelogin's `get-token` prints it)
   */
  public explainToken(token: string): TokenExplanation {
    const settings = { ...this._naming, ...this.issuerAndClient('tokens are judged against it'), requiredClaims: this._requiredClaims };
    const unresolved = Object.entries({ ...settings, ...settings.requiredClaims }).filter(([, value]) => typeof value === 'string' && Token.isUnresolved(value));
    if (unresolved.length > 0) {
      throw new Error(invalid(unresolved[0][0], unresolved[0][1], 'it is a deploy-time value, and a token cannot be judged against it at synth time',
        'Explain the token against the deployed settings: import the provider with their values, or run `npx cdk-eks-oidc explain` on a template with literal settings'));
    }
    return explainToken(settings, token, Date.now());
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

  /** The issuer URL and client ID, which an import may lack. */
  private issuerAndClient(use: string): { issuerUrl: string; clientId: string } {
    const { issuerUrl } = this._naming;
    const clientId = this._clientId;
    if (issuerUrl === undefined || clientId === undefined) {
      const missing = [...(issuerUrl === undefined ? ['issuerUrl'] : []), ...(clientId === undefined ? ['clientId'] : [])].join(' and ');
      throw new Error(invalid(missing, undefined, `the provider ${this.node.path} was imported without it, and ${use}`,
        `Pass ${missing}, and the claims and prefixes the provider is configured with, to fromOidcIdentityProviderAttributes()`));
    }
    return { issuerUrl, clientId };
  }

  private bindings(): RbacBindings {
    this.rbac ??= new RbacBindings({
      scope: this,
      cluster: this._cluster,
      usernameFor: value => this.usernameFor(value),
      groupFor: value => this.groupFor(value),
    });
    return this.rbac;
  }
}

/**
 * Associates an OpenID Connect identity provider with an EKS cluster, so people log in to
 * the cluster with tokens from their own identity provider (Okta, Entra ID, Keycloak,
 * Dex, ...). What they may do then is plain Kubernetes RBAC: `usernameFor()` and
 * `groupFor()` spell the subject names for bindings.
 *
 * Providers of one cluster are associated one at a time, in construct order, each after
 * the cluster's Fargate profiles in the same stack: EKS fails any concurrent update of a
 * cluster.
 *
 * @resource AWS::EKS::IdentityProviderConfig
 */
export class OidcIdentityProvider extends OidcIdentityProviderBase {
  /**
   * Imports an identity provider configuration from its attributes.
   */
  public static fromOidcIdentityProviderAttributes(scope: Construct, id: string,
    attrs: OidcIdentityProviderAttributes): IOidcIdentityProvider {
    return new ImportedOidcIdentityProvider(scope, id, attrs);
  }

  /**
   * Imports an identity provider configuration from its ARN,
   * `arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid>`.
   * The cluster and configuration names are read from the ARN; for an ARN that is a token
   * they are CloudFormation functions over it.
   */
  public static fromIdentityProviderConfigArn(scope: Construct, id: string, identityProviderConfigArn: string): IOidcIdentityProvider {
    // The resource part is `identityproviderconfig/<cluster>/oidc/<name>/<uuid>`, so `/`
    // splits the whole ARN into [prefix, cluster, 'oidc', name, uuid].
    if (Token.isUnresolved(identityProviderConfigArn)) {
      const parts = Fn.split('/', identityProviderConfigArn);
      return new ImportedOidcIdentityProvider(scope, id, {
        identityProviderConfigArn,
        clusterName: Fn.select(1, parts),
        identityProviderConfigName: Fn.select(3, parts),
      });
    }
    const parts = identityProviderConfigArn.split('/');
    const arn = parts.length === 5 ? Arn.split(identityProviderConfigArn, ArnFormat.SLASH_RESOURCE_NAME) : undefined;
    if (arn?.service !== 'eks' || arn.resource !== 'identityproviderconfig' || parts[2] !== OIDC || parts.some(p => p === '')) {
      throw new Error(invalid('identityProviderConfigArn', identityProviderConfigArn, 'it is not the ARN of an EKS OIDC identity provider configuration',
        'Pass the identityProviderConfigArn that `aws eks describe-identity-provider-config` shows: '
          + 'arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid>'));
    }
    return new ImportedOidcIdentityProvider(scope, id, {
      identityProviderConfigArn,
      clusterName: parts[1],
      identityProviderConfigName: parts[3],
    });
  }

  public readonly identityProviderConfigName: string;
  public readonly identityProviderConfigArn: string;
  public readonly clusterName: string;
  /** The issuer URL of the identity provider. */
  public readonly issuerUrl: string;
  /** The token claim whose value becomes the Kubernetes user name. */
  public readonly usernameClaim: string;
  /**
   * The token claim that lists the user's groups.
   * @default - no groups claim
   */
  public readonly groupsClaim?: string;

  /** @internal */
  protected readonly _naming: OidcNaming;
  /** @internal */
  protected readonly _cluster: IClusterRef;
  /** @internal */
  protected readonly _clientId: string;
  /** @internal */
  protected readonly _kubeconfigScopes: string[];
  /** @internal */
  protected readonly _requiredClaims: { [claim: string]: string };
  private readonly resource: CfnIdentityProviderConfig;

  constructor(scope: Construct, id: string, givenProps: OidcIdentityProviderProps) {
    super(scope, id, { physicalName: givenProps.identityProviderConfigName });
    const name = givenProps.identityProviderConfigName ?? Names.uniqueResourceName(this, {
      maxLength: MAX_GENERATED_NAME_LENGTH,
      separator: '-',
      allowedSpecialCharacters: '-',
    });
    const props = effectiveProps(givenProps);
    this.check(props);

    // Sorted by claim so that the template does not depend on the map's iteration order: a
    // Java Map.of or HashMap iterates differently from one run to the next, and any change of
    // this list replaces the association, a 15-40 minute cluster update.
    const requiredClaims = Object.entries(props.requiredClaims ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1)) // keys of a map are never equal
      .map(([key, value]) => ({ key, value }));
    const oidc: CfnIdentityProviderConfig.OidcIdentityProviderConfigProperty = {
      issuerUrl: props.issuerUrl,
      clientId: props.clientId,
      usernameClaim: props.usernameClaim,
      usernamePrefix: props.usernamePrefix,
      groupsClaim: props.groupsClaim,
      groupsPrefix: props.groupsPrefix,
      requiredClaims: requiredClaims.length > 0 ? requiredClaims : undefined,
    };
    this.resource = new CfnIdentityProviderConfig(this, 'Resource', {
      clusterName: props.cluster.clusterRef.clusterName,
      type: OIDC,
      identityProviderConfigName: name,
      oidc,
      tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    // Tags.of() reaches the resource after construction: check the final set.
    this.node.addValidation({ validate: () => tagsProblems(this.resource.tags.tagValues()) });

    this.identityProviderConfigName = name;
    this.identityProviderConfigArn = this.resource.attrIdentityProviderConfigArn;
    this.clusterName = props.cluster.clusterRef.clusterName;
    this.issuerUrl = props.issuerUrl;
    this.usernameClaim = props.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
    this.groupsClaim = props.groupsClaim;
    this._cluster = props.cluster;
    this._clientId = props.clientId;
    this._kubeconfigScopes = props.issuer?.kubeconfigScopes ?? [];
    this._requiredClaims = props.requiredClaims ?? {};
    // The effective props hold the naming settings as they are; the defaults are applied where names are spelled.
    this._naming = props;

    enrol(props.cluster, { construct: this, association: this.resource, identityProviderConfigName: name, issuerUrl: props.issuerUrl, oidc });
    waitForFargateProfiles(this.resource, this.clusterName);
  }

  private check(props: EffectiveProps): void {
    const omit = 'Leave the property out to get the default';
    const problems = [
      ...issuerUrlProblems(props.issuerUrl),
      ...entraIssuerProblems(props.issuerUrl),
      ...textProblems('clientId', props.clientId, 'Use the client ID of the application registered with your identity provider'),
      ...textProblems('identityProviderConfigName', props.identityProviderConfigName, omit),
      ...textProblems('usernameClaim', props.usernameClaim, omit),
      ...textProblems('usernamePrefix', props.usernamePrefix, `${omit}, or use "-" for no prefix`),
      ...textProblems('groupsClaim', props.groupsClaim, omit),
      ...textProblems('groupsPrefix', props.groupsPrefix, omit),
      ...prefixProblems('usernamePrefix', props.usernamePrefix),
      ...prefixProblems('groupsPrefix', props.groupsPrefix),
      ...requiredClaimsProblems(props.requiredClaims ?? {}),
      ...tagsProblems(props.tags ?? {}),
    ];
    if (problems.length > 0) {
      throw new Error(problems.join('\n'));
    }
    const unpinned = sharedIssuerWarning(props.issuerUrl, props.requiredClaims ?? {});
    if (unpinned) Annotations.of(this).addWarningV2('cdk-eks-oidc:sharedIssuerNotPinned', unpinned);
    for (const prefix of ['usernamePrefix', 'groupsPrefix'] as const) {
      const warning = prefixResemblesSystem(prefix, props[prefix]);
      if (warning) Annotations.of(this).addWarningV2(`cdk-eks-oidc:${prefix}ResemblesSystem`, warning);
    }
    if (props.groupsPrefix !== undefined && props.groupsClaim === undefined) {
      Annotations.of(this).addWarningV2('cdk-eks-oidc:groupsPrefixIgnored', invalid('groupsPrefix', props.groupsPrefix,
        'it is ignored without a groupsClaim, as tokens then carry no groups', 'Set groupsClaim too, or remove groupsPrefix'));
    }
  }
}

/** The props with the `issuer` preset applied: what the provider is configured with. */
type EffectiveProps = OidcIdentityProviderProps & { readonly issuerUrl: string };

function effectiveProps(props: OidcIdentityProviderProps): EffectiveProps {
  const { issuer, issuerUrl } = props;
  if ((issuer === undefined) === (issuerUrl === undefined)) {
    throw new Error(invalid('issuerUrl', issuerUrl, `give exactly one of issuer and issuerUrl, but issuer is ${issuer === undefined ? 'missing too' : 'given too'}`,
      'Pass issuer (a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)) or issuerUrl alone'));
  }
  if (issuer === undefined) return { ...props, issuerUrl: issuerUrl! };
  const requiredClaims = { ...issuer.requiredClaims, ...props.requiredClaims };
  return {
    ...props,
    issuerUrl: issuer.issuerUrl,
    usernameClaim: props.usernameClaim ?? issuer.usernameClaim,
    groupsClaim: props.groupsClaim ?? issuer.groupsClaim,
    requiredClaims: Object.keys(requiredClaims).length > 0 ? requiredClaims : undefined,
  };
}

/** An identity provider configuration defined outside this app. */
class ImportedOidcIdentityProvider extends OidcIdentityProviderBase {
  public readonly identityProviderConfigName: string;
  public readonly identityProviderConfigArn: string;
  public readonly clusterName: string;
  /** @internal */
  protected readonly _naming: OidcNaming;
  /** @internal */
  protected readonly _cluster?: IClusterRef;
  /** @internal */
  protected readonly _clientId?: string;
  /** @internal */
  protected readonly _kubeconfigScopes: string[] = [];
  /** @internal */
  protected readonly _requiredClaims: { [claim: string]: string };

  constructor(scope: Construct, id: string, attrs: OidcIdentityProviderAttributes) {
    super(scope, id, { environmentFromArn: attrs.identityProviderConfigArn });
    this.identityProviderConfigName = attrs.identityProviderConfigName;
    this.identityProviderConfigArn = attrs.identityProviderConfigArn;
    this.clusterName = attrs.clusterName;
    this._cluster = attrs.cluster;
    this._clientId = attrs.clientId;
    this._requiredClaims = attrs.requiredClaims ?? {};
    this._naming = attrs;
  }
}
