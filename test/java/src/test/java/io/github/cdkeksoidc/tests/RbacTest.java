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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** RBAC bindings through the Java API: one manifest per binding, subjects spelled by the provider. */
class RbacTest {
    private static final String MANIFEST = "Custom::AWSCDK-EKS-KubernetesResource";

    private final Stack stack = Fixtures.stack();
    private final OidcIdentityProvider okta = OidcIdentityProvider.Builder.create(stack, "Okta")
            .cluster(Fixtures.cluster(stack)).issuerUrl(ISSUER).clientId("kubernetes")
            .groupsClaim("groups").groupsPrefix("okta:").build();

    /** The one Kubernetes object of each bindings manifest of the stack, by kind. */
    private Map<String, JsonNode> manifestObjects() throws Exception {
        Map<String, JsonNode> objects = new HashMap<>();
        for (Map<String, Object> manifest : Template.fromStack(stack).findResources(MANIFEST).values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) manifest.get("Properties");
            JsonNode manifestObjects = new ObjectMapper().readTree((String) properties.get("Manifest"));
            assertEquals(1, manifestObjects.size());
            objects.put(manifestObjects.get(0).get("kind").asText(), manifestObjects.get(0));
        }
        return objects;
    }

    @Test
    void eachBindingIsAManifestWithSpelledSubjects() throws Exception {
        IConstruct viewers = okta.addClusterRoleBinding("Viewers", ClusterRoleBindingOptions.builder()
                .clusterRole("view").groups(List.of("engineering")).name("engineering-view").build());
        okta.addRoleBinding("OnCall", RoleBindingOptions.builder()
                .namespace("payments").clusterRole("admin").users(List.of("00u1a2b3")).name("on-call").build());

        Map<String, JsonNode> objects = manifestObjects();
        assertEquals(2, objects.size());
        JsonNode view = objects.get("ClusterRoleBinding");
        assertEquals("engineering-view", view.at("/metadata/name").asText());
        assertEquals("view", view.at("/roleRef/name").asText());
        assertEquals("Group", view.at("/subjects/0/kind").asText());
        assertEquals(okta.groupFor("engineering"), view.at("/subjects/0/name").asText());
        assertEquals("okta:engineering", view.at("/subjects/0/name").asText());

        JsonNode onCall = objects.get("RoleBinding");
        assertEquals("payments", onCall.at("/metadata/namespace").asText());
        assertEquals("ClusterRole", onCall.at("/roleRef/kind").asText());
        assertEquals("User", onCall.at("/subjects/0/kind").asText());
        assertEquals(ISSUER + "#00u1a2b3", onCall.at("/subjects/0/name").asText());
        // The binding's construct, for dependencies, lives under the provider.
        assertSame(okta, viewers.getNode().getScope().getNode().getScope());
        assertTrue(viewers.getNode().getId().startsWith("Viewers-"), viewers.getNode().getId());
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
