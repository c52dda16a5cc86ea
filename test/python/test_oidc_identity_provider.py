"""OidcIdentityProvider through the Python API: props, names, errors, warnings and imports."""
import base64
import json
import re
import time

import pytest
from aws_cdk import Annotations as CoreAnnotations, Tags
from aws_cdk.assertions import Annotations, Match, Template
from cdk_eks_oidc import OidcIdentityProvider, OidcIssuer

from conftest import ISSUER

IDP_CONFIG = "AWS::EKS::IdentityProviderConfig"


def test_props_land_in_the_template(stack, cluster):
    OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes",
                         identity_provider_config_name="okta", username_claim="email",
                         username_prefix="okta:", groups_claim="groups", groups_prefix="okta:",
                         required_claims={"hd": "example.com", "tenant": "platform"},
                         tags={"team": "platform"})
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
            "RequiredClaims": Match.array_with([
                {"Key": "hd", "Value": "example.com"},
                {"Key": "tenant", "Value": "platform"},
            ]),
        },
        "Tags": [{"Key": "team", "Value": "platform"}],
    })


def test_tags_of_reaches_the_provider(stack, cluster):
    OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes")
    Tags.of(stack).add("cost-center", "42")
    Template.from_stack(stack).has_resource_properties(IDP_CONFIG, {
        "Tags": [{"Key": "cost-center", "Value": "42"}],
    })


def test_default_name_is_a_valid_config_name(stack, cluster):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes")
    name = Template.from_stack(stack).to_json()["Resources"]
    [config] = [r for r in name.values() if r["Type"] == IDP_CONFIG]
    assert re.fullmatch(r"[A-Za-z0-9-]{1,63}", config["Properties"]["IdentityProviderConfigName"])
    assert stack.resolve(provider.cluster_name) == "prod"


@pytest.mark.parametrize("props, user, group", [
    ({}, f"{ISSUER}#0a1b2c", "engineering"),
    ({"username_claim": "email"}, "0a1b2c", "engineering"),
    ({"username_prefix": "-"}, "0a1b2c", "engineering"),
    ({"username_prefix": "oidc:", "groups_prefix": "oidc:"}, "oidc:0a1b2c", "oidc:engineering"),
])
def test_username_for_and_group_for(stack, cluster, props, user, group):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes",
                                    groups_claim="groups", **props)
    assert provider.username_for("0a1b2c") == user
    assert provider.group_for("engineering") == group


def test_a_bad_prop_is_a_python_exception_with_our_message(stack, cluster):
    with pytest.raises(RuntimeError) as error:
        OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url="http://idp.example.com", client_id="kubernetes")
    assert str(error.value) == ('Invalid issuerUrl "http://idp.example.com": EKS only accepts an issuer URL '
                                'that starts with "https://". Use the HTTPS URL that your identity provider puts in '
                                'the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"')


@pytest.mark.parametrize("acknowledged", [False, True])
def test_a_warning_can_be_acknowledged(stack, cluster, acknowledged):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes",
                                    groups_claim="groups", groups_prefix="sys")
    if acknowledged:
        CoreAnnotations.of(provider).acknowledge_warning("cdk-eks-oidc:groupsPrefixResemblesSystem", "our IdP says sys")
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp('^Invalid groupsPrefix "sys"'))
    assert len(warnings) == (0 if acknowledged else 1)


def test_import_from_arn(stack):
    arn = "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3"
    provider = OidcIdentityProvider.from_identity_provider_config_arn(stack, "Existing", arn)
    assert provider.cluster_name == "prod"
    assert provider.identity_provider_config_name == "okta"
    assert provider.identity_provider_config_arn == arn


def test_import_from_attributes_spells_names_from_the_given_settings(stack, cluster):
    provider = OidcIdentityProvider.from_oidc_identity_provider_attributes(
        stack, "Existing", cluster_name="prod", identity_provider_config_name="okta",
        identity_provider_config_arn="arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3",
        cluster=cluster, issuer_url=ISSUER, groups_claim="groups", groups_prefix="okta:")
    assert provider.username_for("0a1b2c") == f"{ISSUER}#0a1b2c"
    assert provider.group_for("engineering") == "okta:engineering"


def test_presets_set_the_issuer_and_claims_and_explicit_props_win(stack, cluster):
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    entra = OidcIdentityProvider(stack, "Entra", cluster=cluster, client_id="kubernetes",
                                 issuer=OidcIssuer.entra_id(tenant_id=tenant), groups_prefix="entra:")
    assert (entra.issuer_url, entra.username_claim, entra.groups_claim) == (
        f"https://login.microsoftonline.com/{tenant}/v2.0", "oid", "groups")
    assert entra.group_for("0f9c8e52") == "entra:0f9c8e52"
    assert OidcIssuer.entra_id(tenant_id=tenant).kubeconfig_scopes == ["profile"]
    with pytest.raises(RuntimeError, match='Invalid tenantId "common": "common" is an alias of sign-in URLs'):
        OidcIssuer.entra_id(tenant_id="common")


def test_an_unpinned_shared_issuer_is_a_warning(stack, cluster):
    OidcIdentityProvider(stack, "GitHub", cluster=cluster, client_id="kubernetes",
                         issuer=OidcIssuer.from_url("https://token.actions.githubusercontent.com"))
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("sharedIssuerNotPinned"))
    assert len(warnings) == 1
    assert "Require one of repository_owner, repository_owner_id, repository, repository_id" in warnings[0].entry.data


def _jwt(**claims):
    """An encoded JWT (unsigned: explain_token does not check signatures) with valid times."""
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return f'{part({"alg": "RS256"})}.{part({"exp": now + 600, "iat": now, **claims})}.c2ln'


def test_explain_token_says_who_a_token_is_or_why_it_is_refused(stack, cluster):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes",
                                    username_claim="email", groups_claim="groups", groups_prefix="okta:")
    accepted = provider.explain_token(_jwt(iss=ISSUER, aud="kubernetes", email="alice@example.com", groups=["eng"]))
    assert (accepted.accepted, accepted.username, accepted.groups, accepted.problems) == (
        True, "alice@example.com", ["okta:eng"], [])
    refused = provider.explain_token(_jwt(iss=ISSUER + "/", aud="other", email="alice@example.com"))
    assert not refused.accepted and refused.username is None
    assert [p.split(":")[0] for p in refused.problems] == ["iss", "aud"]
    assert "differ only in a trailing \"/\"" in refused.problems[0]
