"""Fixtures of the Python suite: stacks and clusters cheap enough to synthesize in every test."""
import atexit
import json
import os
import shutil
import tempfile

# Construct-library strict mode, as in the TypeScript suite: template validation findings fail
# synthesis. Set before aws_cdk starts its jsii kernel, which inherits this environment.
os.environ["CDK_CONTEXT_JSON"] = json.dumps({"@aws-cdk/core:strictCfnValidateErrors": True})
# Every App synthesizes into one folder, removed at the end; aws-cdk-lib would otherwise leave
# a new cdk.out folder (57 MB with the kubectl layer) in the temp folder for each App.
os.environ["CDK_OUTDIR"] = tempfile.mkdtemp(prefix="cdk-eks-oidc-pytest-")
atexit.register(shutil.rmtree, os.environ["CDK_OUTDIR"], True)

import pytest  # noqa: E402
from aws_cdk import App, Environment, Stack  # noqa: E402
from aws_cdk import aws_eks_v2 as eks  # noqa: E402

ISSUER = "https://idp.example.com"


@pytest.fixture
def stack() -> Stack:
    return Stack(App(), "Stack", env=Environment(account="111111111111", region="eu-west-1"))


@pytest.fixture
def cluster(stack: Stack) -> eks.ICluster:
    """An imported aws-eks-v2 cluster with kubectl access: bindings work, nothing to bundle."""
    kubectl = eks.KubectlProvider.from_kubectl_provider_attributes(
        stack, "Kubectl", service_token="arn:aws:lambda:eu-west-1:111111111111:function:kubectl")
    return eks.Cluster.from_cluster_attributes(stack, "Cluster", cluster_name="prod", kubectl_provider=kubectl)


# jsii passes an error thrown by a method or static method on as `String(error)`, which starts
# with the error's name; one thrown by a constructor keeps its message alone.
ERROR_NAME = "EksOidcError: "


def ours(error: pytest.ExceptionInfo) -> str:
    """Our message, as the library wrote it: without the error's name that jsii may put before it."""
    message = str(error.value)
    return message[len(ERROR_NAME):] if message.startswith(ERROR_NAME) else message
