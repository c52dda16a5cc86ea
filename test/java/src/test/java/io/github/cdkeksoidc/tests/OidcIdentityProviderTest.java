package io.github.cdkeksoidc.tests;

import static io.github.cdkeksoidc.tests.Fixtures.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkeksoidc.GitHubActionsIssuerOptions;
import io.github.cdkeksoidc.IOidcIdentityProvider;
import io.github.cdkeksoidc.OidcIdentityProvider;
import io.github.cdkeksoidc.OidcIdentityProviderAttributes;
import io.github.cdkeksoidc.OidcIssuer;
import io.github.cdkeksoidc.OktaIssuerOptions;
import io.github.cdkeksoidc.TokenExplanation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.eks_v2.ICluster;

/** OidcIdentityProvider through the Java API: props, names, errors, warnings and imports. */
class OidcIdentityProviderTest {
    private static final String IDP_CONFIG = "AWS::EKS::IdentityProviderConfig";

    private final Stack stack = Fixtures.stack();
    private final ICluster cluster = Fixtures.cluster(stack);

    private OidcIdentityProvider.Builder okta() {
        return OidcIdentityProvider.Builder.create(stack, "Okta").cluster(cluster).issuerUrl(ISSUER).clientId("kubernetes");
    }

    @Test
    void propsLandInTheTemplate() {
        okta().identityProviderConfigName("okta")
                .usernameClaim("email").usernamePrefix("okta:")
                .groupsClaim("groups").groupsPrefix("okta:")
                .requiredClaims(Map.of("hd", "example.com", "tenant", "platform"))
                .tags(Map.of("team", "platform"))
                .build();
        Template.fromStack(stack).hasResourceProperties(IDP_CONFIG, Map.of(
                "ClusterName", "prod",
                "IdentityProviderConfigName", "okta",
                "Type", "oidc",
                "Oidc", Map.of(
                        "IssuerUrl", ISSUER,
                        "ClientId", "kubernetes",
                        "UsernameClaim", "email",
                        "UsernamePrefix", "okta:",
                        "GroupsClaim", "groups",
                        "GroupsPrefix", "okta:",
                        "RequiredClaims", Match.arrayWith(List.of(
                                Map.of("Key", "hd", "Value", "example.com"),
                                Map.of("Key", "tenant", "Value", "platform")))),
                "Tags", List.of(Map.of("Key", "team", "Value", "platform"))));
    }

    @Test
    void tagsOfReachesTheProvider() {
        okta().build();
        Tags.of(stack).add("cost-center", "42");
        Template.fromStack(stack).hasResourceProperties(IDP_CONFIG,
                Map.of("Tags", List.of(Map.of("Key", "cost-center", "Value", "42"))));
    }

    @Test
    void usernameForAndGroupForFollowThePrefixRules() {
        OidcIdentityProvider byDefault = okta().groupsClaim("groups").build();
        assertEquals(ISSUER + "#0a1b2c", byDefault.usernameFor("0a1b2c"));
        assertEquals("engineering", byDefault.groupFor("engineering"));

        OidcIdentityProvider email = OidcIdentityProvider.Builder.create(stack, "Email").cluster(cluster)
                .issuerUrl("https://login.example.com").clientId("kubernetes").usernameClaim("email").build();
        assertEquals("alice@example.com", email.usernameFor("alice@example.com"));

        OidcIdentityProvider prefixed = OidcIdentityProvider.Builder.create(stack, "Prefixed").cluster(cluster)
                .issuerUrl("https://dex.example.com").clientId("kubernetes")
                .usernamePrefix("oidc:").groupsClaim("groups").groupsPrefix("oidc:").build();
        assertEquals("oidc:0a1b2c", prefixed.usernameFor("0a1b2c"));
        assertEquals("oidc:engineering", prefixed.groupFor("engineering"));
    }

    @Test
    void aBadPropIsAJavaExceptionWithOurMessage() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> okta().issuerUrl("http://idp.example.com").build());
        // jsii appends the JavaScript stack trace after the message's first line.
        assertEquals("Invalid issuerUrl \"http://idp.example.com\": EKS only accepts an issuer URL that starts with "
                + "\"https://\". Use the HTTPS URL that your identity provider puts in the \"iss\" claim of its tokens, "
                + "e.g. \"https://example.okta.com/oauth2/default\"", error.getMessage().lines().findFirst().orElse(""));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWarningCanBeAcknowledged(boolean acknowledged) {
        OidcIdentityProvider provider = okta().groupsClaim("groups").groupsPrefix("sys").build();
        if (acknowledged) {
            Annotations.of(provider).acknowledgeWarning("cdk-eks-oidc:groupsPrefixResemblesSystem", "our IdP says sys");
        }
        List<?> warnings = software.amazon.awscdk.assertions.Annotations.fromStack(stack)
                .findWarning("*", Match.stringLikeRegexp("^Invalid groupsPrefix \"sys\""));
        assertEquals(acknowledged ? 0 : 1, warnings.size());
    }

    @Test
    void importFromArn() {
        String arn = "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3";
        IOidcIdentityProvider provider = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, "Existing", arn);
        assertEquals("prod", provider.getClusterName());
        assertEquals("okta", provider.getIdentityProviderConfigName());
        assertEquals(arn, provider.getIdentityProviderConfigArn());
    }

    @Test
    void importFromAttributesSpellsNamesFromTheGivenSettings() {
        IOidcIdentityProvider provider = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, "Existing",
                OidcIdentityProviderAttributes.builder()
                        .clusterName("prod").identityProviderConfigName("okta")
                        .identityProviderConfigArn("arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3")
                        .cluster(cluster).issuerUrl(ISSUER).groupsClaim("groups").groupsPrefix("okta:")
                        .build());
        assertEquals(ISSUER + "#0a1b2c", provider.usernameFor("0a1b2c"));
        assertEquals("okta:engineering", provider.groupFor("engineering"));
        assertTrue(provider.getIdentityProviderConfigArn().endsWith("/okta/0ab1c2d3"));
    }

    @Test
    void presetsSetTheIssuerAndClaimsAndExplicitPropsWin() {
        OidcIdentityProvider gitHub = OidcIdentityProvider.Builder.create(stack, "GitHub").cluster(cluster).clientId("kubernetes")
                .issuer(OidcIssuer.gitHubActions(GitHubActionsIssuerOptions.builder().owner("octo-org").build()))
                .requiredClaims(Map.of("environment", "production"))
                .build();
        assertEquals("https://token.actions.githubusercontent.com", gitHub.getIssuerUrl());
        assertEquals("https://token.actions.githubusercontent.com#repo:octo-org/infra:environment:production",
                gitHub.usernameFor("repo:octo-org/infra:environment:production"));
        Template.fromStack(stack).hasResourceProperties(IDP_CONFIG, Map.of("Oidc", Map.of(
                "IssuerUrl", "https://token.actions.githubusercontent.com",
                "UsernameClaim", "sub",
                "RequiredClaims", List.of(
                        Map.of("Key", "environment", "Value", "production"),
                        Map.of("Key", "repository_owner", "Value", "octo-org")))));
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> OidcIssuer.okta(OktaIssuerOptions.builder().domain("https://example.okta.com").build()));
        assertTrue(error.getMessage().contains("Invalid domain \"https://example.okta.com\": it must be a domain name alone"), error.getMessage());
    }

    /** An encoded JWT (unsigned: explainToken does not check signatures) with valid times. */
    private static String jwt(String claims) {
        long now = System.currentTimeMillis() / 1000;
        java.util.function.Function<String, String> part = json -> java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return part.apply("{\"alg\":\"RS256\"}") + "." + part.apply("{\"exp\":" + (now + 600) + "," + claims + "}") + ".c2ln";
    }

    @Test
    void explainTokenSaysWhoATokenIsOrWhyItIsRefused() {
        OidcIdentityProvider provider = okta().groupsClaim("groups").groupsPrefix("okta:").build();
        TokenExplanation accepted = provider.explainToken(jwt("\"iss\":\"" + ISSUER + "\",\"aud\":[\"kubernetes\"],\"sub\":\"0a1b\",\"groups\":\"eng\""));
        assertTrue(accepted.getAccepted());
        assertEquals(ISSUER + "#0a1b", accepted.getUsername());
        assertEquals(List.of("okta:eng"), accepted.getGroups());
        TokenExplanation refused = provider.explainToken(jwt("\"iss\":\"" + ISSUER + "\",\"aud\":\"kubernetes\""));
        assertEquals(false, refused.getAccepted());
        assertTrue(refused.getProblems().get(0).startsWith("sub: found nothing, expected a string (the username claim)"), refused.getProblems().toString());
    }
}
