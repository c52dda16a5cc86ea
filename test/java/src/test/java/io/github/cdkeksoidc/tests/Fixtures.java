package io.github.cdkeksoidc.tests;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterAttributes;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.IKubectlProvider;
import software.amazon.awscdk.services.eks_v2.KubectlProvider;
import software.amazon.awscdk.services.eks_v2.KubectlProviderAttributes;

/** Stacks and clusters cheap enough to synthesize in every test. */
final class Fixtures {
    static final String ISSUER = "https://idp.example.com";

    private Fixtures() {
    }

    static Stack stack() {
        return new Stack(new App(), "Stack", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build())
                .build());
    }

    /** An imported aws-eks-v2 cluster with kubectl access: bindings work, nothing to bundle. */
    static ICluster cluster(Stack stack) {
        IKubectlProvider kubectl = KubectlProvider.fromKubectlProviderAttributes(stack, "Kubectl",
                KubectlProviderAttributes.builder()
                        .serviceToken("arn:aws:lambda:eu-west-1:111111111111:function:kubectl")
                        .build());
        return Cluster.fromClusterAttributes(stack, "Cluster", ClusterAttributes.builder()
                .clusterName("prod")
                .kubectlProvider(kubectl)
                .build());
    }
}
