package io.github.cdkeksoidc.tests;

import static io.github.cdkeksoidc.tests.Fixtures.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkeksoidc.ClusterRoleBindingOptions;
import io.github.cdkeksoidc.OidcIdentityProvider;
import io.github.cdkeksoidc.RoleBindingOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** RBAC bindings through the Java API: one manifest per provider, subjects spelled by the provider. */
class RbacTest {
    private static final String MANIFEST = "Custom::AWSCDK-EKS-KubernetesResource";

    private final Stack stack = Fixtures.stack();
    private final OidcIdentityProvider okta = OidcIdentityProvider.Builder.create(stack, "Okta")
            .cluster(Fixtures.cluster(stack)).issuerUrl(ISSUER).clientId("kubernetes")
            .groupsClaim("groups").groupsPrefix("okta:").build();

    /** The Kubernetes objects of the stack's one bindings manifest. */
    private JsonNode manifestObjects() throws Exception {
        Map<String, Map<String, Object>> manifests = Template.fromStack(stack).findResources(MANIFEST);
        assertEquals(1, manifests.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) manifests.values().iterator().next().get("Properties");
        return new ObjectMapper().readTree((String) properties.get("Manifest"));
    }

    @Test
    void bindingsShareOneManifestWithSpelledSubjects() throws Exception {
        okta.addClusterRoleBinding("Viewers", ClusterRoleBindingOptions.builder()
                .clusterRole("view").groups(List.of("engineering")).name("engineering-view").build());
        okta.addRoleBinding("OnCall", RoleBindingOptions.builder()
                .namespace("payments").clusterRole("admin").users(List.of("00u1a2b3")).name("on-call").build());

        JsonNode objects = manifestObjects();
        assertEquals(2, objects.size());
        JsonNode view = objects.get(0);
        assertEquals("ClusterRoleBinding", view.get("kind").asText());
        assertEquals("engineering-view", view.at("/metadata/name").asText());
        assertEquals("view", view.at("/roleRef/name").asText());
        assertEquals("Group", view.at("/subjects/0/kind").asText());
        assertEquals(okta.groupFor("engineering"), view.at("/subjects/0/name").asText());
        assertEquals("okta:engineering", view.at("/subjects/0/name").asText());

        JsonNode onCall = objects.get(1);
        assertEquals("RoleBinding", onCall.get("kind").asText());
        assertEquals("payments", onCall.at("/metadata/namespace").asText());
        assertEquals("ClusterRole", onCall.at("/roleRef/kind").asText());
        assertEquals("User", onCall.at("/subjects/0/kind").asText());
        assertEquals(ISSUER + "#00u1a2b3", onCall.at("/subjects/0/name").asText());
        assertSame(okta, okta.getBindingsManifest().getNode().getScope());
    }

    @Test
    void aRoleBindingNeedsExactlyOneRole() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> okta.addRoleBinding("Both",
                RoleBindingOptions.builder().namespace("payments").role("deployer").clusterRole("edit")
                        .users(List.of("alice")).build()));
        assertTrue(error.getMessage().contains("Invalid role \"deployer\": a RoleBinding grants exactly one role"),
                error.getMessage());
    }
}
