package io.github.cdkeksoidc.tests;

import static io.github.cdkeksoidc.tests.Fixtures.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkeksoidc.ClusterRoleBinding;
import io.github.cdkeksoidc.ClusterRoleBindingOptions;
import io.github.cdkeksoidc.IOidcIdentityProvider;
import io.github.cdkeksoidc.OidcIdentityProvider;
import io.github.cdkeksoidc.OidcIdentityProviderAttributes;
import io.github.cdkeksoidc.OidcIssuer;
import io.github.cdkeksoidc.OidcSettings;
import io.github.cdkeksoidc.RoleBinding;
import io.github.cdkeksoidc.RoleBindingOptions;
import io.github.cdkeksoidc.RoleRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;

/** RBAC bindings through the Java API: binding constructs with names, one manifest per binding, RoleRef. */
class RbacTest {
    private static final String MANIFEST = "Custom::AWSCDK-EKS-KubernetesResource";

    private final Stack stack = Fixtures.stack();
    private final ICluster cluster = Fixtures.cluster(stack);
    private final OidcIdentityProvider okta = OidcIdentityProvider.Builder.create(stack, "Okta")
            .cluster(cluster).issuer(OidcIssuer.fromUrl(ISSUER)).clientId("kubernetes")
            .groupsClaim("groups").groupsPrefix("okta:").build();

    /** The one Kubernetes object of each binding manifest of the stack, in template order. */
    private List<JsonNode> manifestObjects() throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        for (Map<String, Object> manifest : Template.fromStack(stack).findResources(MANIFEST).values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) manifest.get("Properties");
            JsonNode manifestObjects = new ObjectMapper().readTree((String) properties.get("Manifest"));
            assertEquals(1, manifestObjects.size());
            objects.add(manifestObjects.get(0));
        }
        return objects;
    }

    @Test
    void eachBindingIsAConstructWithItsNameAndAManifest() throws Exception {
        // The issue's "done when": the bindings' own types, without a cast.
        ClusterRoleBinding viewers = okta.addClusterRoleBinding("Viewers", ClusterRoleBindingOptions.builder()
                .clusterRole("view").groups(List.of("engineering")).name("engineering-view").build());
        RoleBinding onCall = okta.addRoleBinding("OnCall", RoleBindingOptions.builder()
                .namespace("payments").role(RoleRef.clusterRole("admin")).users(List.of("00u1a2b3")).name("on-call").build());
        assertEquals("engineering-view", viewers.getBindingName());
        assertEquals("ClusterRoleBinding", viewers.getKind());
        assertEquals("view", viewers.getClusterRole());
        assertEquals("on-call", onCall.getBindingName());
        assertEquals("RoleBinding", onCall.getKind());
        assertEquals("payments", onCall.getNamespace());
        assertEquals("ClusterRole", onCall.getRole().getKind());
        assertEquals("admin", onCall.getRole().getName());

        List<JsonNode> objects = manifestObjects();
        assertEquals(2, objects.size());
        JsonNode view = objects.get(0);
        assertEquals("ClusterRoleBinding", view.get("kind").asText());
        assertEquals("engineering-view", view.at("/metadata/name").asText());
        assertEquals("view", view.at("/roleRef/name").asText());
        assertEquals("Group", view.at("/subjects/0/kind").asText());
        assertEquals(okta.groupFor("engineering"), view.at("/subjects/0/name").asText());
        assertEquals("okta:engineering", view.at("/subjects/0/name").asText());

        JsonNode onCallObject = objects.get(1);
        assertEquals("payments", onCallObject.at("/metadata/namespace").asText());
        assertEquals("ClusterRole", onCallObject.at("/roleRef/kind").asText());
        assertEquals("User", onCallObject.at("/subjects/0/kind").asText());
        assertEquals(ISSUER + "#00u1a2b3", onCallObject.at("/subjects/0/name").asText());

        // <provider>/RbacBindings/<id>, and the manifest under it: Manifest-<8 hex digits>.
        assertEquals("Stack/Okta/RbacBindings/Viewers", viewers.getNode().getPath());
        assertSame(okta, viewers.getNode().getScope().getNode().getScope());
        assertTrue(viewers.getManifest().getNode().getId().matches("Manifest-[0-9a-f]{8}"), viewers.getManifest().getNode().getId());
        // The manifest is declared a Construct: it is a KubernetesManifest, but Java needs a cast to use it as one.
        assertInstanceOf(KubernetesManifest.class, viewers.getManifest());
    }

    @Test
    void theDefaultNameIsDerivedFromThePathAndTheRole() {
        RoleBinding edit = okta.addRoleBinding("Deploy", RoleBindingOptions.builder()
                .namespace("apps").role(RoleRef.clusterRole("edit")).groups(List.of("ci")).build());
        RoleBinding role = okta.addRoleBinding("Deployer", RoleBindingOptions.builder()
                .namespace("apps").role(RoleRef.role("edit")).groups(List.of("ci")).build());
        assertTrue(edit.getBindingName().matches("stack-okta-rbacbindings-deploy-[0-9a-f]{8}-[0-9a-f]{8}"), edit.getBindingName());
        assertTrue(role.getBindingName().matches("stack-okta-rbacbindings-deployer-[0-9a-f]{8}-[0-9a-f]{8}"), role.getBindingName());
        // The role's fingerprint ends the name: a ClusterRole and a Role of one name differ.
        assertNotEquals(edit.getBindingName().substring(edit.getBindingName().length() - 8),
                role.getBindingName().substring(role.getBindingName().length() - 8));
        assertEquals("Role", role.getRole().getKind());
    }

    @Test
    void aBindingCanBeMadeWithItsOwnBuilder() throws Exception {
        ClusterRoleBinding auditors = ClusterRoleBinding.Builder.create(stack, "Auditors")
                .provider(okta).clusterRole("view").users(List.of("00u9")).build();
        RoleBinding payments = RoleBinding.Builder.create(stack, "Payments")
                .provider(okta).namespace("payments").role(RoleRef.role("deployer")).groups(List.of("payments")).build();
        assertEquals("Stack/Auditors", auditors.getNode().getPath());
        assertEquals("deployer", payments.getRole().getName());
        List<JsonNode> objects = manifestObjects();
        assertEquals(ISSUER + "#00u9", objects.get(0).at("/subjects/0/name").asText());
        assertEquals("Role", objects.get(1).at("/roleRef/kind").asText());
        assertEquals("okta:payments", objects.get(1).at("/subjects/0/name").asText());
    }

    @Test
    void anImportWithSettingsBindsWithoutACast() throws Exception {
        IOidcIdentityProvider imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, "Existing",
                OidcIdentityProviderAttributes.builder()
                        .clusterName("prod").identityProviderConfigName("okta")
                        .identityProviderConfigArn("arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3")
                        .cluster(cluster)
                        .settings(OidcSettings.builder().issuer(OidcIssuer.fromUrl(ISSUER)).clientId("kubernetes").groupsClaim("groups").build())
                        .build());
        ClusterRoleBinding binding = imported.addClusterRoleBinding("Viewers", ClusterRoleBindingOptions.builder()
                .clusterRole("view").groups(List.of("engineering")).build());
        assertTrue(binding.getBindingName().startsWith("stack-existing-rbacbindings-viewers-"), binding.getBindingName());
        assertEquals("engineering", manifestObjects().get(0).at("/subjects/0/name").asText());
    }

    @Test
    void roleRefIsMadeByItsStaticFactories() {
        assertEquals("ClusterRole", RoleRef.clusterRole("view").getKind());
        assertEquals("view", RoleRef.clusterRole("view").getName());
        assertEquals("Role", RoleRef.role("deployer").getKind());
        RuntimeException error = assertThrows(RuntimeException.class, () -> RoleRef.role("team/deployer"));
        assertEquals("Invalid role \"team/deployer\": a Kubernetes role name must not be empty, \".\", \"..\", or contain "
                + "\"/\" or \"%\". Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it "
                + "[cdk-eks-oidc:invalidRole]", OidcIdentityProviderTest.ourMessage(error));
        // A RoleBinding without a role stops at the builder.
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> RoleBindingOptions.builder().namespace("payments").users(List.of("alice")).build());
        assertTrue(missing.getMessage().contains("role is required"), missing.getMessage());
    }

    @Test
    void bindingErrorsCarryTheirIdAndTheBindingPath() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> okta.addClusterRoleBinding("Nobody",
                ClusterRoleBindingOptions.builder().clusterRole("view").build()));
        assertEquals(List.of(
                "Invalid users (missing): a binding needs at least one subject, but has no users and no groups. "
                        + "Give users (values of the username claim), groups (values of the groups claim), or both "
                        + "[cdk-eks-oidc:invalidUsers]",
                "  at Stack/Okta/RbacBindings/Nobody"),
                OidcIdentityProviderTest.ourMessage(error).lines().toList());
    }
}
