"""RBAC bindings through the Python API: binding constructs with names, one manifest per binding, RoleRef.

The rules are proven by the TypeScript suite; tests that were here and only re-tested one, and the
TypeScript tests that cover them:
- default binding names from the path and the role: test/rbac.test.ts, "default names: from the
  binding's construct path and the role; valid and distinct";
- binding cluster-admin warns on the binding: test/rbac.test.ts, "binding cluster-admin is an
  acknowledgeable warning, on the binding".
"""
import json
import re

import pytest
from aws_cdk import aws_eks_v2 as eks
from aws_cdk.assertions import Template
from cdk_eks_oidc import (ClusterRoleBinding, OidcIdentityProvider, OidcIssuer, OidcSettings, RoleBinding,
                          RoleRef)

from conftest import ERROR_NAME, ISSUER, ours

MANIFEST = "Custom::AWSCDK-EKS-KubernetesResource"
RBAC = "rbac.authorization.k8s.io"


@pytest.fixture
def provider(stack, cluster):
    return OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer=OidcIssuer.from_url(ISSUER),
                                client_id="kubernetes", groups_claim="groups", groups_prefix="okta:")


def manifest_objects(stack):
    """The one Kubernetes object of each binding manifest, in template order."""
    objects = []
    for resource in Template.from_stack(stack).find_resources(MANIFEST).values():
        [obj] = json.loads(resource["Properties"]["Manifest"])
        objects.append(obj)
    return objects


def subject(kind, name):
    return {"kind": kind, "apiGroup": RBAC, "name": name}


def test_each_binding_is_a_construct_with_its_name_and_a_manifest(stack, provider):
    viewers = provider.add_cluster_role_binding("Viewers", cluster_role="view", groups=["engineering"],
                                                name="engineering-view")
    on_call = provider.add_role_binding("OnCall", namespace="payments", role=RoleRef.cluster_role("admin"),
                                        users=["00u1a2b3"], name="on-call")

    # The binding types come through as they are: no cast to read their name, kind or role.
    assert isinstance(viewers, ClusterRoleBinding) and isinstance(on_call, RoleBinding)
    assert (viewers.binding_name, viewers.kind, viewers.cluster_role) == ("engineering-view", "ClusterRoleBinding", "view")
    assert (on_call.binding_name, on_call.kind, on_call.namespace) == ("on-call", "RoleBinding", "payments")
    assert (on_call.role.kind, on_call.role.name) == ("ClusterRole", "admin")

    objects = manifest_objects(stack)
    assert [(o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")) for o in objects] == [
        ("ClusterRoleBinding", "engineering-view", None),
        ("RoleBinding", "on-call", "payments"),
    ]
    assert objects[0]["roleRef"] == {"apiGroup": RBAC, "kind": "ClusterRole", "name": "view"}
    assert objects[0]["subjects"] == [subject("Group", provider.group_for("engineering"))]
    assert objects[1]["subjects"] == [subject("User", f"{ISSUER}#00u1a2b3")]

    # <provider>/RbacBindings/<id>, and the manifest under it: Manifest-<8 hex digits>.
    assert viewers.node.path == "Stack/Okta/RbacBindings/Viewers"
    assert viewers.node.scope.node.scope == provider
    assert re.fullmatch(r"Manifest-[0-9a-f]{8}", viewers.manifest.node.id)
    # The manifest is declared a Construct; Python gets the object as the class it is.
    assert isinstance(viewers.manifest, eks.KubernetesManifest)


def test_a_binding_can_be_made_as_a_construct_of_its_own(stack, provider):
    binding = ClusterRoleBinding(stack, "Auditors", provider=provider, cluster_role="view", users=["00u9"])
    namespaced = RoleBinding(stack, "Payments", provider=provider, namespace="payments",
                             role=RoleRef.role("deployer"), groups=["payments"])
    assert binding.node.path == "Stack/Auditors" and namespaced.node.path == "Stack/Payments"
    assert [o["subjects"] for o in manifest_objects(stack)] == [
        [subject("User", f"{ISSUER}#00u9")], [subject("Group", "okta:payments")]]
    assert manifest_objects(stack)[1]["roleRef"] == {"apiGroup": RBAC, "kind": "Role", "name": "deployer"}


def test_an_import_with_settings_binds_like_the_definition(stack, cluster):
    imported = OidcIdentityProvider.from_oidc_identity_provider_attributes(
        stack, "Existing", cluster_name="prod", identity_provider_config_name="okta",
        identity_provider_config_arn="arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3",
        cluster=cluster,
        settings=OidcSettings(issuer=OidcIssuer.from_url(ISSUER), client_id="kubernetes", groups_claim="groups"))
    binding = imported.add_cluster_role_binding("Viewers", cluster_role="view", groups=["engineering"])
    assert isinstance(binding, ClusterRoleBinding)
    assert binding.binding_name.startswith("stack-existing-rbacbindings-viewers-")
    assert manifest_objects(stack)[0]["subjects"] == [subject("Group", "engineering")]


def test_role_ref_is_made_by_its_static_factories():
    assert (RoleRef.cluster_role("view").kind, RoleRef.cluster_role("view").name) == ("ClusterRole", "view")
    assert (RoleRef.role("deployer").kind, RoleRef.role("deployer").name) == ("Role", "deployer")
    with pytest.raises(RuntimeError) as error:
        RoleRef.role("team/deployer")
    assert ours(error) == ('Invalid role "team/deployer": a Kubernetes role name must not be empty, ".", "..", '
                        'or contain "/" or "%". Use the name of the role as `kubectl get clusterroles` '
                        '(or `roles`) shows it [cdk-eks-oidc:invalidRole]')


def test_a_role_given_as_a_string_is_a_python_type_error(provider):
    # jsii's generated Python checks the options' types: the library never sees the string.
    with pytest.raises(TypeError, match="role"):
        provider.add_role_binding("Edit", namespace="payments", role="edit", users=["alice"])


def test_binding_errors_carry_their_id_and_the_binding_path(stack, provider):
    with pytest.raises(RuntimeError) as error:
        provider.add_cluster_role_binding("Nobody", cluster_role="view")
    assert ours(error).split("\n") == [
        "Invalid users (missing): a binding needs at least one subject, but has no users and no groups. "
        "Give users (values of the username claim), groups (values of the groups claim), or both [cdk-eks-oidc:invalidUsers]",
        "  at Stack/Okta/RbacBindings/Nobody",
    ]
    with pytest.raises(RuntimeError) as error:
        provider.add_cluster_role_binding("Empty", cluster_role="view", users=[""])
    assert "[cdk-eks-oidc:invalidUsersEntry]" in ours(error)
