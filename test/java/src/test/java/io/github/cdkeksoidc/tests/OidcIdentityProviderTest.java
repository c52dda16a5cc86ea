package io.github.cdkeksoidc.tests;

import static io.github.cdkeksoidc.tests.Fixtures.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkeksoidc.GitHubActionsBranchSubjectOptions;
import io.github.cdkeksoidc.GitHubActionsIssuerOptions;
import io.github.cdkeksoidc.GitHubActionsRepository;
import io.github.cdkeksoidc.GitHubActionsSubject;
import io.github.cdkeksoidc.IOidcIdentityProvider;
import io.github.cdkeksoidc.KubeconfigLogin;
import io.github.cdkeksoidc.KubeconfigOptions;
import io.github.cdkeksoidc.KubeloginOptions;
import io.github.cdkeksoidc.KubeloginTokenCacheStorage;
import io.github.cdkeksoidc.OidcIdentityProvider;
import io.github.cdkeksoidc.OidcIdentityProviderAttributes;
import io.github.cdkeksoidc.OidcIssuer;
import io.github.cdkeksoidc.OidcIssuerOptions;
import io.github.cdkeksoidc.OidcSettings;
import io.github.cdkeksoidc.OktaIssuerOptions;
import io.github.cdkeksoidc.TokenExplanation;
import io.github.cdkeksoidc.TokenJudge;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.eks_v2.ICluster;

/**
 * OidcIdentityProvider through the Java API: builders, names, errors, warnings, imports and tokens.
 *
 * <p>What is Java's own is tested here: builders, maps of any iteration order, lists, enums,
 * exceptions, object identity. The rules themselves are proven once, by the TypeScript suite. Tests
 * that were here and only re-tested a rule, and the TypeScript tests that cover them: the default
 * username claim is written (test/oidc-identity-provider.test.ts, "props required props render a
 * minimal config, optional ones stay out of the template but the username claim"); usernameFor and
 * groupFor with each claim and prefix (test/oidc-identity-provider.test.ts, "Kubernetes names", and
 * test/property/props.test.ts, "any props").
 */
class OidcIdentityProviderTest {
    private static final String IDP_CONFIG = "AWS::EKS::IdentityProviderConfig";
    private static final String ARN = "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3";

    private final Stack stack = Fixtures.stack();
    private final ICluster cluster = Fixtures.cluster(stack);

    private OidcIdentityProvider.Builder okta() {
        return OidcIdentityProvider.Builder.create(stack, "Okta").cluster(cluster)
                .issuer(OidcIssuer.fromUrl(ISSUER)).clientId("kubernetes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> oidcOf(Stack stack) {
        Map<String, Object> config = Template.fromStack(stack).findResources(IDP_CONFIG).values().iterator().next();
        return (Map<String, Object>) ((Map<String, Object>) config.get("Properties")).get("Oidc");
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
                        "RequiredClaims", List.of(
                                Map.of("Key", "hd", "Value", "example.com"),
                                Map.of("Key", "tenant", "Value", "platform"))),
                "Tags", List.of(Map.of("Key", "team", "Value", "platform"))));
    }

    /** Map.of iterates in an order salted per JVM, HashMap by hash: the template must not care. */
    @Test
    void requiredClaimsDoNotDependOnTheMapsOrder() {
        Map<String, String> hashMap = new HashMap<>();
        Map<String, String> backwards = new LinkedHashMap<>();
        List<String> keys = List.of("tier", "hd", "aud2", "zone", "b", "a");
        for (String key : keys) {
            hashMap.put(key, key + "-value");
        }
        for (int i = keys.size() - 1; i >= 0; i--) {
            backwards.put(keys.get(i), keys.get(i) + "-value");
        }
        Map<String, String> mapOf = Map.of("tier", "tier-value", "hd", "hd-value", "aud2", "aud2-value",
                "zone", "zone-value", "b", "b-value", "a", "a-value");
        List<Object> expected = List.of("a", "aud2", "b", "hd", "tier", "zone").stream()
                .map(key -> (Object) Map.of("Key", key, "Value", key + "-value")).toList();
        for (Map<String, String> claims : List.of(hashMap, backwards, mapOf)) {
            Stack other = Fixtures.stack();
            OidcIdentityProvider.Builder.create(other, "Okta").cluster(Fixtures.cluster(other))
                    .issuer(OidcIssuer.fromUrl(ISSUER)).clientId("kubernetes").requiredClaims(claims).build();
            assertEquals(expected, oidcOf(other).get("RequiredClaims"), claims.getClass().getName());
        }
    }

    @Test
    void theIssuerOptionsAndTheBuilderCombine() {
        OidcIssuer issuer = OidcIssuer.fromUrl(ISSUER, OidcIssuerOptions.builder()
                .usernameClaim("email").groupsClaim("roles").requiredClaims(Map.of("tenant", "a", "hd", "example.com")).build());
        OidcIdentityProvider provider = OidcIdentityProvider.Builder.create(stack, "Okta").cluster(cluster)
                .issuer(issuer).clientId("kubernetes").groupsClaim("groups").requiredClaims(Map.of("tenant", "b")).build();
        assertEquals(List.of(ISSUER, "email", "groups"), List.of(provider.getIssuerUrl(), provider.getUsernameClaim(), provider.getGroupsClaim()));
        assertEquals(List.of(Map.of("Key", "hd", "Value", "example.com"), Map.of("Key", "tenant", "Value", "b")),
                oidcOf(stack).get("RequiredClaims"));
        assertEquals(Map.of("tenant", "a", "hd", "example.com"), issuer.getRequiredClaims());
    }

    @Test
    void tagsOfReachesTheProvider() {
        okta().build();
        Tags.of(stack).add("cost-center", "42");
        Template.fromStack(stack).hasResourceProperties(IDP_CONFIG,
                Map.of("Tags", List.of(Map.of("Key", "cost-center", "Value", "42"))));
    }

    /** A method's string result, and the cluster given back as the very object given. */
    @Test
    void usernameForAndGroupForReturnStringsAndTheClusterIsTheSameObject() {
        OidcIdentityProvider byDefault = okta().groupsClaim("groups").build();
        assertEquals(ISSUER + "#0a1b2c", byDefault.usernameFor("0a1b2c"));
        assertEquals("engineering", byDefault.groupFor("engineering"));
        assertSame(cluster, byDefault.getCluster());
    }

    /**
     * jsii gives the message of an error thrown by a method or static method as {@code String(error)},
     * which starts with the error's name; that of an error thrown by a constructor comes alone.
     */
    static final String ERROR_NAME = "EksOidcError: ";
    /** Where jsii's JavaScript stack trace, appended to the message, starts. */
    private static final java.util.regex.Pattern STACK = java.util.regex.Pattern.compile("\n(@jsii/kernel\\.\\w+: )?\\w+Error: ");

    /** The exception's message without the JavaScript stack trace jsii appends. */
    static String javaMessage(RuntimeException error) {
        java.util.regex.Matcher stack = STACK.matcher(error.getMessage());
        return stack.find() ? error.getMessage().substring(0, stack.start()) : error.getMessage();
    }

    /** Our message, as the library wrote it: without the stack trace and the error's name. */
    static String ourMessage(RuntimeException error) {
        String message = javaMessage(error);
        return message.startsWith(ERROR_NAME) ? message.substring(ERROR_NAME.length()) : message;
    }

    @Test
    void errorsAreRuntimeExceptionsWithOurMessageThenTheJavaScriptStack() {
        RuntimeException fromStaticMethod = assertThrows(RuntimeException.class, () -> OidcIssuer.fromUrl("http://idp.example.com"));
        assertEquals(RuntimeException.class, fromStaticMethod.getClass());
        assertTrue(fromStaticMethod.getMessage().startsWith(ERROR_NAME + "Invalid issuerUrl \"http://idp.example.com\""), fromStaticMethod.getMessage());
        assertTrue(fromStaticMethod.getMessage().contains("\n@jsii/kernel.RuntimeError: EksOidcError: Invalid issuerUrl"), fromStaticMethod.getMessage());
        OidcIdentityProvider provider = okta().build();
        RuntimeException fromMethod = assertThrows(RuntimeException.class, () -> provider.groupFor("engineering"));
        assertTrue(javaMessage(fromMethod).startsWith(ERROR_NAME + "Invalid groupsClaim (missing): the provider has no groups claim"), fromMethod.getMessage());
        assertTrue(javaMessage(fromMethod).endsWith("[cdk-eks-oidc:invalidGroupsClaim]\n  at Stack/Okta"), fromMethod.getMessage());
        RuntimeException fromConstructor = assertThrows(RuntimeException.class,
                () -> OidcIdentityProvider.Builder.create(stack, "Other").cluster(cluster).issuer(OidcIssuer.fromUrl(ISSUER)).clientId("").build());
        assertTrue(javaMessage(fromConstructor).startsWith("Invalid clientId \"\": it must not be empty"), fromConstructor.getMessage());
        assertTrue(fromConstructor.getMessage().contains("\nEksOidcError: Invalid clientId"), fromConstructor.getMessage());
    }

    @Test
    void anIssuerErrorIsAJavaExceptionWithOurMessageAndId() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> OidcIssuer.fromUrl("http://idp.example.com"));
        // Made before any construct: no "at <path>" line.
        assertEquals("Invalid issuerUrl \"http://idp.example.com\": EKS only accepts an issuer URL that starts with "
                + "\"https://\". Use the HTTPS URL that your identity provider puts in the \"iss\" claim of its tokens, "
                + "e.g. \"https://example.okta.com/oauth2/default\" [cdk-eks-oidc:invalidIssuerUrl]", ourMessage(error));
    }

    @Test
    void aConstructErrorNamesEveryProblemAndTheConstructPath() {
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> okta().clientId(" kubernetes").groupsPrefix("system:").build());
        List<String> lines = ourMessage(error).lines().toList();
        assertEquals(3, lines.size(), error.getMessage());
        assertTrue(lines.get(0).startsWith("Invalid clientId \" kubernetes\": it starts or ends with whitespace"), lines.get(0));
        assertTrue(lines.get(0).endsWith(" [cdk-eks-oidc:invalidClientId]"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" [cdk-eks-oidc:invalidGroupsPrefix]"), lines.get(1));
        assertEquals("  at Stack/Okta", lines.get(2));
    }

    @Test
    void aMissingRequiredBuilderValueIsAJavaNullPointerException() {
        // Java's builders check required values themselves: the library never sees the null.
        NullPointerException error = assertThrows(NullPointerException.class,
                () -> OidcIdentityProvider.Builder.create(stack, "Okta").cluster(cluster).clientId("kubernetes").build());
        assertTrue(error.getMessage().contains("issuer is required"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWarningCanBeAcknowledged(boolean acknowledged) {
        OidcIdentityProvider provider = okta().groupsClaim("groups").groupsPrefix("sys").build();
        if (acknowledged) {
            Annotations.of(provider).acknowledgeWarning("cdk-eks-oidc:groupsPrefixResemblesSystem", "our IdP says sys");
        }
        List<?> warnings = software.amazon.awscdk.assertions.Annotations.fromStack(stack)
                .findWarning("*", Match.stringLikeRegexp("^The groupsPrefix \"sys\" is a leading part of \"system:\""));
        assertEquals(acknowledged ? 0 : 1, warnings.size());
    }

    @Test
    void importFromArnKnowsItsNamesAlone() {
        IOidcIdentityProvider provider = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, "Existing", ARN);
        assertEquals("prod", provider.getClusterName());
        assertEquals("okta", provider.getIdentityProviderConfigName());
        assertEquals(ARN, provider.getIdentityProviderConfigArn());
        assertNull(provider.getCluster());
        RuntimeException error = assertThrows(RuntimeException.class, () -> provider.groupFor("engineering"));
        assertEquals("The provider was imported by name alone, so it cannot spell group names. Import it with "
                + "fromOidcIdentityProviderAttributes() and settings: the issuer, clientId, claims and prefixes it was "
                + "defined with [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Existing", ourMessage(error));
    }

    @Test
    void importWithSettingsBehavesLikeTheDefinition() {
        IOidcIdentityProvider provider = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, "Existing",
                OidcIdentityProviderAttributes.builder()
                        .clusterName("prod").identityProviderConfigName("okta").identityProviderConfigArn(ARN)
                        .cluster(cluster)
                        .settings(OidcSettings.builder()
                                .issuer(OidcIssuer.fromUrl(ISSUER)).clientId("kubernetes")
                                .groupsClaim("groups").groupsPrefix("okta:").build())
                        .build());
        assertEquals(ISSUER + "#0a1b2c", provider.usernameFor("0a1b2c"));
        assertEquals("okta:engineering", provider.groupFor("engineering"));
        assertSame(cluster, provider.getCluster());
        String kubeconfig = provider.kubeconfig(KubeconfigOptions.builder()
                .clusterEndpoint("https://ABC.gr7.eu-west-1.eks.amazonaws.com").certificateAuthorityData("Q0E=").build());
        assertTrue(kubeconfig.contains("- \"--oidc-issuer-url=" + ISSUER + "\""), kubeconfig);
        assertEquals(List.of("okta:eng"), provider.explainToken(
                jwt("\"iss\":\"" + ISSUER + "\",\"aud\":\"kubernetes\",\"sub\":\"0a1b\",\"groups\":[\"eng\"]")).getGroups());
    }

    @Test
    void presetsSetTheIssuerAndClaimsAndExplicitPropsWin() {
        OidcIdentityProvider gitHub = OidcIdentityProvider.Builder.create(stack, "GitHub").cluster(cluster).clientId("kubernetes")
                .issuer(OidcIssuer.gitHubActions(GitHubActionsIssuerOptions.builder().ownerId("1234567").owner("octo-org").build()))
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
                        Map.of("Key", "repository_owner", "Value", "octo-org"),
                        Map.of("Key", "repository_owner_id", "Value", "1234567")))));
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> OidcIssuer.okta(OktaIssuerOptions.builder().domain("https://example.okta.com").build()));
        assertTrue(ourMessage(error).startsWith("Invalid domain \"https://example.okta.com\": it must be a domain name alone"), error.getMessage());
        assertTrue(ourMessage(error).endsWith(" [cdk-eks-oidc:invalidDomain]"), error.getMessage());
    }

    /** An encoded JWT (unsigned: token explanations do not check signatures) with valid times. */
    private static String jwt(String claims) {
        long now = System.currentTimeMillis() / 1000;
        java.util.function.Function<String, String> part = json -> Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
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

    @Test
    void tokenJudgeNeedsNoConstruct() {
        TokenJudge judge = new TokenJudge(OidcSettings.builder()
                .issuer(OidcIssuer.gitHubActions(GitHubActionsIssuerOptions.builder().ownerId("1234567").owner("octo-org").build()))
                .clientId("sts.amazonaws.com").build());
        String iss = "\"iss\":\"https://token.actions.githubusercontent.com\",\"aud\":\"sts.amazonaws.com\",";
        TokenExplanation accepted = judge.explain(jwt(iss + "\"sub\":\"repo:octo-org/infra:ref:refs/heads/main\",\"repository_owner\":\"octo-org\",\"repository_owner_id\":\"1234567\""));
        assertTrue(accepted.getAccepted(), accepted.getProblems().toString());
        assertEquals("https://token.actions.githubusercontent.com#repo:octo-org/infra:ref:refs/heads/main", accepted.getUsername());
        TokenExplanation refused = judge.explain(jwt(iss + "\"sub\":\"repo:evil/infra:ref:refs/heads/main\",\"repository_owner\":\"evil\",\"repository_owner_id\":\"6666\""));
        assertFalse(refused.getAccepted());
        assertEquals(2, refused.getProblems().size(), refused.getProblems().toString());
        assertTrue(refused.getProblems().get(0).startsWith("repository_owner:"), refused.getProblems().toString());
        assertTrue(refused.getProblems().get(1).startsWith("repository_owner_id:"), refused.getProblems().toString());

        RuntimeException error = assertThrows(RuntimeException.class, () -> new TokenJudge(OidcSettings.builder()
                .issuer(OidcIssuer.fromUrl(ISSUER)).clientId(Token.asString(Map.of("Ref", "ClientId"))).build()));
        assertTrue(ourMessage(error).endsWith(" [cdk-eks-oidc:deployTimeSettings]"), error.getMessage());
    }

    @Test
    void kubeconfigLoginThroughKubeloginTakesEnumAndListOptions() {
        OidcIdentityProvider provider = okta().identityProviderConfigName("okta").build();
        KubeconfigOptions.Builder connection = KubeconfigOptions.builder()
                .clusterEndpoint("https://ABC.gr7.eu-west-1.eks.amazonaws.com").certificateAuthorityData("Q0E=");
        // The options of a static factory are a builder of their own; an enum is a Java enum.
        String people = provider.kubeconfig(connection.login(KubeconfigLogin.kubelogin(KubeloginOptions.builder()
                .tokenCacheStorage(KubeloginTokenCacheStorage.KEYRING).listenAddresses(List.of("127.0.0.1:9000")).build())).build());
        assertTrue(people.contains("- \"--token-cache-storage=keyring\""), people);
        assertTrue(people.contains("- \"--listen-address=127.0.0.1:9000\""), people);
        // Without options: kubelogin's defaults, no flag.
        String defaults = provider.kubeconfig(connection.login(KubeconfigLogin.kubelogin()).build());
        assertTrue(defaults.contains("oidc-login") && !defaults.contains("--token-cache-storage"), defaults);
        String ci = provider.kubeconfig(connection.login(KubeconfigLogin.tokenFile("/tmp/token")).build());
        assertTrue(ci.contains("tokenFile: \"/tmp/token\"") && !ci.contains("oidc-login"), ci);
    }

    @Test
    void gitHubActionsSubjectReturnsBothFormsAsAList() {
        List<String> subjects = GitHubActionsSubject.forBranch(GitHubActionsBranchSubjectOptions.builder()
                .owner("octo-org").ownerId("1234567").repository("infra").repositoryId("7654321").branch("main").build());
        assertEquals(List.of("repo:octo-org/infra:ref:refs/heads/main", "repo:octo-org@1234567/infra@7654321:ref:refs/heads/main"), subjects);
        // forPullRequest takes the base interface's builder.
        assertEquals("repo:octo-org@1234567/infra@7654321:pull_request", GitHubActionsSubject.forPullRequest(GitHubActionsRepository.builder()
                .owner("octo-org").ownerId("1234567").repository("infra").repositoryId("7654321").build()).get(1));
    }
}
