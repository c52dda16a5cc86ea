"""OidcIdentityProvider through the Python API: props, names, errors, warnings, imports and tokens.

What is Python's own is tested here: keyword arguments, dicts and lists, enums, exceptions, proxies
of interface-typed values. The rules themselves are proven once, by the TypeScript suite. Tests that
were here and only re-tested a rule, and the TypeScript tests that cover them:
- the default username claim is written: test/oidc-identity-provider.test.ts, "props required props
  render a minimal config, optional ones stay out of the template but the username claim";
- a generated name is a valid config name: test/oidc-identity-provider.test.ts, "generated names";
- username_for / group_for with each claim and prefix: test/oidc-identity-provider.test.ts,
  "Kubernetes names", and test/property/props.test.ts, "any props";
- an unpinned shared issuer warns: test/property/presets.test.ts, "the guard, for every combination";
- which problems explain_token names, and the trailing "/" hint: test/token-explanation.test.ts,
  "refused tokens";
- the tenant alias "common": test/oidc-issuer.test.ts, "the Entra tenant alias %s".
"""
import base64
import json
import re
import time

import pytest
from aws_cdk import Annotations as CoreAnnotations, Tags, Token
from aws_cdk.assertions import Annotations, Match, Template
from cdk_eks_oidc import (GitHubActionsSubject, KubeconfigLogin, KubeloginTokenCacheStorage, OidcIdentityProvider,
                          OidcIssuer, OidcSettings, TokenJudge)

from conftest import ERROR_NAME, ISSUER, ours

IDP_CONFIG = "AWS::EKS::IdentityProviderConfig"
ARN = "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3"


def okta(stack, cluster, **props):
    """A provider of the issuer ISSUER, given as `OidcIssuer.from_url`, the one required issuer."""
    return OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer=OidcIssuer.from_url(ISSUER),
                                client_id="kubernetes", **props)


def oidc_of(stack):
    [config] = Template.from_stack(stack).find_resources(IDP_CONFIG).values()
    return config["Properties"]["Oidc"]


def test_props_land_in_the_template(stack, cluster):
    okta(stack, cluster, identity_provider_config_name="okta", username_claim="email",
         username_prefix="okta:", groups_claim="groups", groups_prefix="okta:",
         required_claims={"hd": "example.com", "tenant": "platform"}, tags={"team": "platform"})
    Template.from_stack(stack).has_resource_properties(IDP_CONFIG, {
        "ClusterName": "prod",
        "IdentityProviderConfigName": "okta",
        "Type": "oidc",
        "Oidc": {
            "IssuerUrl": ISSUER,
            "ClientId": "kubernetes",
            "UsernameClaim": "email",
            "UsernamePrefix": "okta:",
            "GroupsClaim": "groups",
            "GroupsPrefix": "okta:",
            "RequiredClaims": [
                {"Key": "hd", "Value": "example.com"},
                {"Key": "tenant", "Value": "platform"},
            ],
        },
        "Tags": [{"Key": "team", "Value": "platform"}],
    })



def test_required_claims_do_not_depend_on_the_order_of_the_dict(cluster, stack):
    # A dict keeps insertion order: the template lists the claims by key whatever that order.
    okta(stack, cluster, required_claims={"tier": "prod", "hd": "example.com", "aud2": "x"})
    assert oidc_of(stack)["RequiredClaims"] == [
        {"Key": "aud2", "Value": "x"}, {"Key": "hd", "Value": "example.com"}, {"Key": "tier", "Value": "prod"},
    ]


def test_the_issuer_options_and_the_props_combine(stack, cluster):
    issuer = OidcIssuer.from_url(ISSUER, username_claim="email", groups_claim="roles",
                                 required_claims={"tenant": "a", "hd": "example.com"})
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer=issuer, client_id="kubernetes",
                                    groups_claim="groups", required_claims={"tenant": "b"})
    assert (provider.issuer_url, provider.username_claim, provider.groups_claim) == (ISSUER, "email", "groups")
    assert oidc_of(stack)["RequiredClaims"] == [{"Key": "hd", "Value": "example.com"}, {"Key": "tenant", "Value": "b"}]
    assert (issuer.issuer_url, issuer.username_claim, issuer.required_claims) == (
        ISSUER, "email", {"tenant": "a", "hd": "example.com"})


def test_tags_of_reaches_the_provider(stack, cluster):
    okta(stack, cluster)
    Tags.of(stack).add("cost-center", "42")
    Template.from_stack(stack).has_resource_properties(IDP_CONFIG, {
        "Tags": [{"Key": "cost-center", "Value": "42"}],
    })


def test_the_cluster_comes_back_as_a_proxy_of_the_same_construct(stack, cluster):
    provider = okta(stack, cluster)
    assert stack.resolve(provider.cluster_name) == "prod"
    # jsii gives Python a new proxy for an interface-typed value: the same cluster, not the same object.
    assert provider.cluster.node.path == cluster.node.path == "Stack/Cluster"



def test_an_issuer_error_is_a_python_exception_with_our_message_and_id():
    # OidcIssuer checks its URL when it is made, before any construct exists: no "at" line.
    with pytest.raises(RuntimeError) as error:
        OidcIssuer.from_url("http://idp.example.com")
    assert ours(error) == ('Invalid issuerUrl "http://idp.example.com": EKS only accepts an issuer URL '
                        'that starts with "https://". Use the HTTPS URL that your identity provider puts in '
                        'the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default" '
                        '[cdk-eks-oidc:invalidIssuerUrl]')


def test_jsii_names_the_error_of_a_method_but_not_of_a_constructor(stack, cluster):
    with pytest.raises(RuntimeError) as from_static_method:
        OidcIssuer.from_url("http://idp.example.com")
    assert str(from_static_method.value).startswith(ERROR_NAME + 'Invalid issuerUrl "http://idp.example.com"')
    with pytest.raises(RuntimeError) as from_method:
        okta(stack, cluster).group_for("engineering")
    assert str(from_method.value).startswith(ERROR_NAME + "Invalid groupsClaim (missing): the provider has no groups claim")
    assert str(from_method.value).endswith("[cdk-eks-oidc:invalidGroupsClaim]\n  at Stack/Okta")
    with pytest.raises(RuntimeError) as from_constructor:
        OidcIdentityProvider(stack, "Other", cluster=cluster, issuer=OidcIssuer.from_url(ISSUER), client_id="")
    assert str(from_constructor.value).startswith('Invalid clientId "": it must not be empty')


def test_a_construct_error_names_every_problem_and_the_construct_path(stack, cluster):
    with pytest.raises(RuntimeError) as error:
        OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer=OidcIssuer.from_url(ISSUER),
                             client_id=" kubernetes", groups_prefix="system:")
    lines = ours(error).split("\n")
    assert [re.search(r"\[(cdk-eks-oidc:\w+)\]$", line).group(1) for line in lines[:-1]] == [
        "cdk-eks-oidc:invalidClientId", "cdk-eks-oidc:invalidGroupsPrefix"]
    assert lines[0].startswith('Invalid clientId " kubernetes": it starts or ends with whitespace')
    assert lines[-1] == "  at Stack/Okta"


def test_issuer_options_are_checked_when_the_issuer_is_made():
    with pytest.raises(RuntimeError) as error:
        OidcIssuer.from_url(ISSUER, required_claims={"hd": ""})
    assert ours(error) == ('Invalid requiredClaims["hd"] value "": it must be 1 to 253 characters long, but has 0. '
                        'Use the exact value the claim must have [cdk-eks-oidc:invalidRequiredClaimsValue]')


def test_python_type_checks_come_before_ours(stack, cluster):
    # jsii's generated Python checks argument types itself: a wrong type never reaches the library.
    with pytest.raises(TypeError):
        OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer="https://idp.example.com", client_id="kubernetes")


@pytest.mark.parametrize("acknowledged", [False, True])
def test_a_warning_can_be_acknowledged(stack, cluster, acknowledged):
    provider = okta(stack, cluster, groups_claim="groups", groups_prefix="sys")
    if acknowledged:
        CoreAnnotations.of(provider).acknowledge_warning("cdk-eks-oidc:groupsPrefixResemblesSystem", "our IdP says sys")
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp('^The groupsPrefix "sys" is a leading part of "system:"'))
    assert len(warnings) == (0 if acknowledged else 1)
    if not acknowledged:
        assert warnings[0].entry.data.endswith("[ack: cdk-eks-oidc:groupsPrefixResemblesSystem]")


def test_import_from_arn_knows_its_names_alone(stack):
    provider = OidcIdentityProvider.from_identity_provider_config_arn(stack, "Existing", ARN)
    assert provider.cluster_name == "prod"
    assert provider.identity_provider_config_name == "okta"
    assert provider.identity_provider_config_arn == ARN
    assert provider.cluster is None
    with pytest.raises(RuntimeError) as error:
        provider.username_for("0a1b2c")
    assert ours(error) == (
        "The provider was imported by name alone, so it cannot spell user names. Import it with "
        "fromOidcIdentityProviderAttributes() and settings: the issuer, clientId, claims and prefixes it was "
        "defined with [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Existing")


def test_import_with_settings_behaves_like_the_definition(stack, cluster):
    settings = OidcSettings(issuer=OidcIssuer.from_url(ISSUER), client_id="kubernetes",
                            groups_claim="groups", groups_prefix="okta:")
    provider = OidcIdentityProvider.from_oidc_identity_provider_attributes(
        stack, "Existing", cluster_name="prod", identity_provider_config_name="okta",
        identity_provider_config_arn=ARN, cluster=cluster, settings=settings)
    assert provider.username_for("0a1b2c") == f"{ISSUER}#0a1b2c"
    assert provider.group_for("engineering") == "okta:engineering"
    assert provider.cluster.node.path == "Stack/Cluster"
    kubeconfig = provider.kubeconfig(cluster_endpoint="https://ABC.gr7.eu-west-1.eks.amazonaws.com",
                                     certificate_authority_data="Q0E=")
    assert f'- "--oidc-issuer-url={ISSUER}"' in kubeconfig
    assert provider.explain_token(_jwt(iss=ISSUER, aud="kubernetes", sub="0a1b2c", groups=["eng"])).groups == ["okta:eng"]


def test_presets_set_the_issuer_and_claims_and_explicit_props_win(stack, cluster):
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    entra = OidcIdentityProvider(stack, "Entra", cluster=cluster, client_id="kubernetes",
                                 issuer=OidcIssuer.entra_id(tenant_id=tenant), groups_prefix="entra:")
    assert (entra.issuer_url, entra.username_claim, entra.groups_claim) == (
        f"https://login.microsoftonline.com/{tenant}/v2.0", "oid", "groups")
    assert entra.group_for("0f9c8e52") == "entra:0f9c8e52"
    assert OidcIssuer.entra_id(tenant_id=tenant).kubeconfig_scopes == ["profile"]
    # The presets of issuers whose username claim is `email` no longer carry scopes of their own.
    assert OidcIssuer.okta(domain="example.okta.com").kubeconfig_scopes is None



def _jwt(**claims):
    """An encoded JWT (unsigned: token explanations do not check signatures) with valid times."""
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return f'{part({"alg": "RS256"})}.{part({"exp": now + 600, "iat": now, **claims})}.c2ln'



def test_token_judge_needs_no_construct():
    # The struct parameter of the constructor is keyword arguments in Python.
    judge = TokenJudge(issuer=OidcIssuer.git_hub_actions(owner_id="1234567", owner="octo-org"), client_id="sts.amazonaws.com")
    accepted = judge.explain(_jwt(iss="https://token.actions.githubusercontent.com", aud="sts.amazonaws.com",
                                  sub="repo:octo-org/infra:ref:refs/heads/main", repository_owner="octo-org",
                                  repository_owner_id="1234567"))
    assert accepted.accepted
    assert accepted.username == "https://token.actions.githubusercontent.com#repo:octo-org/infra:ref:refs/heads/main"
    assert accepted.issuer == "https://token.actions.githubusercontent.com"
    refused = judge.explain(_jwt(iss="https://token.actions.githubusercontent.com", aud="sts.amazonaws.com",
                                 sub="repo:evil/infra:ref:refs/heads/main", repository_owner="evil",
                                 repository_owner_id="6666"))
    assert not refused.accepted
    assert [p.split(":")[0] for p in refused.problems] == ["repository_owner", "repository_owner_id"]


def test_token_judge_refuses_deploy_time_settings():
    with pytest.raises(RuntimeError) as error:
        TokenJudge(issuer=OidcIssuer.from_url(ISSUER), client_id=Token.as_string({"Ref": "ClientId"}))
    assert ours(error).startswith("Invalid clientId \"(a deploy-time value)\": a token cannot be judged")
    assert ours(error).endswith("[cdk-eks-oidc:deployTimeSettings]")


def test_kubeconfig_login_through_kubelogin_takes_enum_and_list_options(stack, cluster):
    provider = okta(stack, cluster, identity_provider_config_name="okta")
    connection = dict(cluster_endpoint="https://ABC.gr7.eu-west-1.eks.amazonaws.com", certificate_authority_data="Q0E=")
    # A jsii enum is a Python enum member; a list option is a Python list.
    people = provider.kubeconfig(**connection, login=KubeconfigLogin.kubelogin(
        token_cache_storage=KubeloginTokenCacheStorage.KEYRING, listen_addresses=["127.0.0.1:9000"]))
    assert '- "--token-cache-storage=keyring"' in people
    assert '- "--listen-address=127.0.0.1:9000"' in people
    ci = provider.kubeconfig(**connection, login=KubeconfigLogin.token_file("/tmp/token"))
    assert 'tokenFile: "/tmp/token"' in ci and "oidc-login" not in ci
    # A string where the enum belongs: the bindings' type check refuses it before the library sees it.
    with pytest.raises(TypeError):
        KubeconfigLogin.kubelogin(token_cache_storage="keyring")


def test_git_hub_actions_subject_returns_both_forms_as_a_list():
    subjects = GitHubActionsSubject.for_branch(owner="octo-org", owner_id="1234567", repository="infra",
                                               repository_id="7654321", branch="main")
    assert subjects == ["repo:octo-org/infra:ref:refs/heads/main", "repo:octo-org@1234567/infra@7654321:ref:refs/heads/main"]
    assert GitHubActionsSubject.for_pull_request(owner="octo-org", owner_id="1234567", repository="infra",
                                                 repository_id="7654321")[1] == "repo:octo-org@1234567/infra@7654321:pull_request"
