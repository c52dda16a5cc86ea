"""RBAC bindings through the Python API: one manifest per binding, subjects spelled by the provider."""
import json

import pytest
from aws_cdk.assertions import Template
from cdk_eks_oidc import OidcIdentityProvider

from conftest import ISSUER

MANIFEST = "Custom::AWSCDK-EKS-KubernetesResource"
RBAC = "rbac.authorization.k8s.io"


def manifest_objects(stack):
    """The one Kubernetes object of each bindings manifest, in template order."""
    objects = []
    for resource in Template.from_stack(stack).find_resources(MANIFEST).values():
        [obj] = json.loads(resource["Properties"]["Manifest"])
        objects.append(obj)
    return objects


def subject(kind, name):
    return {"kind": kind, "apiGroup": RBAC, "name": name}


def test_each_binding_is_a_manifest_with_spelled_subjects(stack, cluster):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes",
                                    groups_claim="groups", groups_prefix="okta:")
    viewers = provider.add_cluster_role_binding("Viewers", cluster_role="view", groups=["engineering"],
                                                name="engineering-view")
    provider.add_role_binding("OnCall", namespace="payments", cluster_role="admin", users=["00u1a2b3"],
                              name="on-call")

    objects = manifest_objects(stack)
    assert [(o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")) for o in objects] == [
        ("ClusterRoleBinding", "engineering-view", None),
        ("RoleBinding", "on-call", "payments"),
    ]
    assert objects[0]["roleRef"] == {"apiGroup": RBAC, "kind": "ClusterRole", "name": "view"}
    assert objects[0]["subjects"] == [subject("Group", provider.group_for("engineering"))]
    assert objects[1]["subjects"] == [subject("User", f"{ISSUER}#00u1a2b3")]
    # The binding's construct, for dependencies, lives under the provider.
    assert viewers.node.scope.node.scope == provider
    assert viewers.node.id.startswith("Viewers-")


def test_a_role_binding_needs_exactly_one_role(stack, cluster):
    provider = OidcIdentityProvider(stack, "Okta", cluster=cluster, issuer_url=ISSUER, client_id="kubernetes")
    # Errors thrown by the construct reach Python as RuntimeError, as aws-cdk-lib's own do.
    with pytest.raises(RuntimeError, match='Invalid role "deployer": a RoleBinding grants exactly one role'):
        provider.add_role_binding("Both", namespace="payments", role="deployer", cluster_role="edit", users=["alice"])
