// Tests of the Go bindings that jsii-pacmak generates into dist/go/cdkeksoidc: what is Go's own
// (pointers and jsii.String, structs with required fields, panics, maps, slices, interfaces). The
// rules themselves are proven once, by the TypeScript suite (test/*.test.ts).
package tests

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-eks-oidc/cdk-eks-oidc-go/cdkeksoidc"
)

const (
	issuer    = "https://idp.example.com"
	idpConfig = "AWS::EKS::IdentityProviderConfig"
	manifest  = "Custom::AWSCDK-EKS-KubernetesResource"
	arn       = "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3"
)

func TestMain(m *testing.M) {
	// Strict template validation, as in the TypeScript suite, comes from run.sh's environment:
	// the jsii runtime captures the environment before TestMain runs.
	// Cloud assemblies of the run go into one temporary folder, removed at the end.
	out, err := os.MkdirTemp("", "cdk-eks-oidc-gotest-")
	if err != nil {
		panic(err)
	}
	os.Setenv("CDK_OUTDIR", out)
	code := m.Run()
	jsii.Close()
	os.RemoveAll(out)
	os.Exit(code)
}

// newStack is a stack and an imported aws-eks-v2 cluster with kubectl access.
func newStack(t *testing.T) (awscdk.App, awscdk.Stack, awseksv2.ICluster) {
	t.Helper()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Stack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-1")},
	})
	kubectl := awseksv2.KubectlProvider_FromKubectlProviderAttributes(stack, jsii.String("Kubectl"),
		&awseksv2.KubectlProviderAttributes{
			ServiceToken: jsii.String("arn:aws:lambda:eu-west-1:111111111111:function:kubectl"),
		})
	cluster := awseksv2.Cluster_FromClusterAttributes(stack, jsii.String("Cluster"), &awseksv2.ClusterAttributes{
		ClusterName:     jsii.String("prod"),
		KubectlProvider: kubectl,
	})
	return app, stack, cluster
}

func TestStrictValidationIsOn(t *testing.T) {
	app, _, _ := newStack(t)
	if v := app.Node().TryGetContext(jsii.String("@aws-cdk/core:strictCfnValidateErrors")); v != true {
		t.Fatalf("strictCfnValidateErrors context = %v, want true", v)
	}
}

// fromUrl is the issuer of the suite's provider, given as the required OidcIssuer.
func fromUrl(url string) cdkeksoidc.OidcIssuer {
	return cdkeksoidc.OidcIssuer_FromUrl(jsii.String(url), nil)
}

// oidcOf is the Oidc property of the stack's one identity provider configuration.
func oidcOf(t *testing.T, stack awscdk.Stack) map[string]interface{} {
	t.Helper()
	resources := *assertions.Template_FromStack(stack, nil).FindResources(jsii.String(idpConfig), nil)
	if len(resources) != 1 {
		t.Fatalf("%d %s resources, want 1", len(resources), idpConfig)
	}
	for _, resource := range resources {
		return (*resource)["Properties"].(map[string]interface{})["Oidc"].(map[string]interface{})
	}
	return nil
}

// rawPanicOf is the message of the error f panics with, as Go gets it; the test fails if f
// does not panic.
func rawPanicOf(t *testing.T, f func()) (message string) {
	t.Helper()
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok {
			t.Fatalf("recovered %#v, want an error", r)
		}
		message = err.Error()
	}()
	f()
	t.Fatal("no panic")
	return ""
}

// errorName is what jsii puts before the message of an error thrown by a method or a static
// method (`String(error)`); the message of one thrown by a constructor comes alone.
const errorName = "EksOidcError: "

// panicOf is our message, as the library wrote it, of the error f panics with.
func panicOf(t *testing.T, f func()) string {
	t.Helper()
	return strings.TrimPrefix(rawPanicOf(t, f), errorName)
}

func TestPanicsCarryOurMessage(t *testing.T) {
	_, stack, cluster := newStack(t)
	fromStaticMethod := rawPanicOf(t, func() { fromUrl("http://x") })
	if !strings.HasPrefix(fromStaticMethod, errorName+`Invalid issuerUrl "http://x": EKS only accepts an issuer URL that starts with "https://"`) ||
		!strings.HasSuffix(fromStaticMethod, " [cdk-eks-oidc:invalidIssuerUrl]") {
		t.Errorf("from a static method: %q", fromStaticMethod)
	}
	fromConstructor := rawPanicOf(t, func() {
		cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Bad"), &cdkeksoidc.OidcIdentityProviderProps{
			Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String(""),
		})
	})
	if !strings.HasPrefix(fromConstructor, `Invalid clientId "": it must not be empty`) || !strings.HasSuffix(fromConstructor, "[cdk-eks-oidc:invalidClientId]\n  at Stack/Bad") {
		t.Errorf("from a constructor: %q", fromConstructor)
	}
}

func TestPropsLandInTheTemplate(t *testing.T) {
	_, stack, cluster := newStack(t)
	cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:                    cluster,
		Issuer:                     fromUrl(issuer),
		ClientId:                   jsii.String("kubernetes"),
		IdentityProviderConfigName: jsii.String("okta"),
		GroupsClaim:                jsii.String("groups"),
		GroupsPrefix:               jsii.String("okta:"),
	})
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String(idpConfig), map[string]interface{}{
		"ClusterName":                "prod",
		"IdentityProviderConfigName": "okta",
		"Type":                       "oidc",
		"Oidc": map[string]interface{}{
			"IssuerUrl":     issuer,
			"ClientId":      "kubernetes",
			"UsernameClaim": "sub", // the default, always written
			"GroupsClaim":   "groups",
			"GroupsPrefix":  "okta:",
		},
	})
}

// Go randomizes the iteration order of maps: the template must list required claims by key anyway.
func TestRequiredClaimsDoNotDependOnTheMapsOrder(t *testing.T) {
	claims := map[string]*string{}
	for _, key := range []string{"tier", "hd", "aud2", "zone", "b", "a", "c", "d"} {
		claims[key] = jsii.String(key + "-value")
	}
	var want []interface{}
	for _, key := range []string{"a", "aud2", "b", "c", "d", "hd", "tier", "zone"} {
		want = append(want, map[string]interface{}{"Key": key, "Value": key + "-value"})
	}
	for i := 0; i < 5; i++ {
		_, stack, cluster := newStack(t)
		cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
			Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String("kubernetes"), RequiredClaims: &claims,
		})
		if got := oidcOf(t, stack)["RequiredClaims"]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("RequiredClaims = %v, want %v", got, want)
		}
	}
}

func TestTheIssuerOptionsAndThePropsCombine(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster,
		Issuer: cdkeksoidc.OidcIssuer_FromUrl(jsii.String(issuer), &cdkeksoidc.OidcIssuerOptions{
			UsernameClaim:  jsii.String("email"),
			GroupsClaim:    jsii.String("roles"),
			RequiredClaims: &map[string]*string{"tenant": jsii.String("a"), "hd": jsii.String("example.com")},
		}),
		ClientId:       jsii.String("kubernetes"),
		GroupsClaim:    jsii.String("groups"),
		RequiredClaims: &map[string]*string{"tenant": jsii.String("b")},
	})
	if got := []string{*provider.IssuerUrl(), *provider.UsernameClaim(), *provider.GroupsClaim()}; fmt.Sprint(got) != fmt.Sprint([]string{issuer, "email", "groups"}) {
		t.Errorf("issuer, username claim, groups claim = %v", got)
	}
	want := []interface{}{map[string]interface{}{"Key": "hd", "Value": "example.com"}, map[string]interface{}{"Key": "tenant", "Value": "b"}}
	if got := oidcOf(t, stack)["RequiredClaims"]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RequiredClaims = %v, want %v", got, want)
	}
}

// oktaWithGroups is a provider with the default username claim and prefixed groups.
func oktaWithGroups(t *testing.T) (awscdk.Stack, cdkeksoidc.OidcIdentityProvider) {
	t.Helper()
	_, stack, cluster := newStack(t)
	return stack, cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:      cluster,
		Issuer:       fromUrl(issuer),
		ClientId:     jsii.String("kubernetes"),
		GroupsClaim:  jsii.String("groups"),
		GroupsPrefix: jsii.String("okta:"),
	})
}

func TestUsernameForAndGroupFor(t *testing.T) {
	_, provider := oktaWithGroups(t)
	if got, want := *provider.UsernameFor(jsii.String("0a1b2c")), issuer+"#0a1b2c"; got != want {
		t.Errorf("UsernameFor = %q, want %q", got, want)
	}
	if got, want := *provider.GroupFor(jsii.String("engineering")), "okta:engineering"; got != want {
		t.Errorf("GroupFor = %q, want %q", got, want)
	}
}

// bindingObjects is the one Kubernetes object of each binding manifest of the stack, by name.
type bindingObject struct {
	Kind     string
	Metadata struct{ Name, Namespace string }
	RoleRef  map[string]string
	Subjects []map[string]string
}

func bindingObjects(t *testing.T, stack awscdk.Stack) map[string]bindingObject {
	t.Helper()
	objects := map[string]bindingObject{}
	for _, resource := range *assertions.Template_FromStack(stack, nil).FindResources(jsii.String(manifest), nil) {
		props := (*resource)["Properties"].(map[string]interface{})
		var manifestObjects []bindingObject
		if err := json.Unmarshal([]byte(props["Manifest"].(string)), &manifestObjects); err != nil {
			t.Fatal(err)
		}
		if len(manifestObjects) != 1 {
			t.Fatalf("%d objects in a manifest, want 1", len(manifestObjects))
		}
		objects[manifestObjects[0].Metadata.Name] = manifestObjects[0]
	}
	return objects
}

// The "done when": a binding of its own type, without a type assertion, and its name.
func TestBindingsAreConstructsWithTheirNames(t *testing.T) {
	stack, provider := oktaWithGroups(t)
	var viewers cdkeksoidc.ClusterRoleBinding = provider.AddClusterRoleBinding(jsii.String("Viewers"), &cdkeksoidc.ClusterRoleBindingOptions{
		ClusterRole: jsii.String("view"),
		Groups:      jsii.Strings("engineering"),
		Name:        jsii.String("engineering-view"),
	})
	var onCall cdkeksoidc.RoleBinding = provider.AddRoleBinding(jsii.String("OnCall"), &cdkeksoidc.RoleBindingOptions{
		Namespace: jsii.String("payments"),
		Role:      cdkeksoidc.RoleRef_ClusterRole(jsii.String("admin")),
		Users:     jsii.Strings("00u1a2b3"),
	})
	if got := []string{*viewers.BindingName(), *viewers.Kind(), *viewers.ClusterRole()}; fmt.Sprint(got) != "[engineering-view ClusterRoleBinding view]" {
		t.Errorf("viewers = %v", got)
	}
	if got := []string{*onCall.Kind(), *onCall.Namespace(), *onCall.Role().Kind(), *onCall.Role().Name()}; fmt.Sprint(got) != "[RoleBinding payments ClusterRole admin]" {
		t.Errorf("on call = %v", got)
	}
	if !regexp.MustCompile(`^stack-okta-rbacbindings-oncall-[0-9a-f]{8}-[0-9a-f]{8}$`).MatchString(*onCall.BindingName()) {
		t.Errorf("default name = %q", *onCall.BindingName())
	}
	if got := *viewers.Node().Path(); got != "Stack/Okta/RbacBindings/Viewers" {
		t.Errorf("path = %q", got)
	}
	if id := *viewers.Manifest().Node().Id(); !regexp.MustCompile(`^Manifest-[0-9a-f]{8}$`).MatchString(id) {
		t.Errorf("manifest id = %q", id)
	}

	objects := bindingObjects(t, stack)
	view, ok := objects["engineering-view"]
	if !ok || view.Kind != "ClusterRoleBinding" || view.RoleRef["name"] != "view" {
		t.Errorf("objects = %+v", objects)
	}
	if len(view.Subjects) != 1 || view.Subjects[0]["kind"] != "Group" || view.Subjects[0]["name"] != "okta:engineering" {
		t.Errorf("subjects = %v, want one Group okta:engineering", view.Subjects)
	}
	admin := objects[*onCall.BindingName()]
	if admin.Metadata.Namespace != "payments" || admin.RoleRef["kind"] != "ClusterRole" || admin.Subjects[0]["name"] != issuer+"#00u1a2b3" {
		t.Errorf("role binding = %+v", admin)
	}
}

func TestABindingCanBeMadeAsAConstructOfItsOwn(t *testing.T) {
	stack, provider := oktaWithGroups(t)
	binding := cdkeksoidc.NewRoleBinding(stack, jsii.String("Payments"), &cdkeksoidc.RoleBindingProps{
		Provider:  provider,
		Namespace: jsii.String("payments"),
		Role:      cdkeksoidc.RoleRef_Role(jsii.String("deployer")),
		Groups:    jsii.Strings("payments"),
		Name:      jsii.String("payments-deployers"),
	})
	cdkeksoidc.NewClusterRoleBinding(stack, jsii.String("Auditors"), &cdkeksoidc.ClusterRoleBindingProps{
		Provider: provider, ClusterRole: jsii.String("view"), Users: jsii.Strings("00u9"), Name: jsii.String("auditors"),
	})
	if got := *binding.Node().Path(); got != "Stack/Payments" {
		t.Errorf("path = %q", got)
	}
	objects := bindingObjects(t, stack)
	if o := objects["payments-deployers"]; o.RoleRef["kind"] != "Role" || o.Subjects[0]["name"] != "okta:payments" {
		t.Errorf("role binding = %+v", o)
	}
	if o := objects["auditors"]; o.Subjects[0]["name"] != issuer+"#00u9" {
		t.Errorf("cluster role binding = %+v", o)
	}
}

func TestRoleRefFactoriesAndTheirErrors(t *testing.T) {
	if ref := cdkeksoidc.RoleRef_Role(jsii.String("deployer")); *ref.Kind() != "Role" || *ref.Name() != "deployer" {
		t.Errorf("RoleRef_Role = %s %s", *ref.Kind(), *ref.Name())
	}
	message := panicOf(t, func() { cdkeksoidc.RoleRef_ClusterRole(jsii.String("team/view")) })
	if want := `Invalid clusterRole "team/view": a Kubernetes role name must not be empty, ".", "..", or contain "/" or "%". ` +
		"Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it [cdk-eks-oidc:invalidClusterRole]"; message != want {
		t.Errorf("message = %q\nwant      %q", message, want)
	}
	// A nil RoleRef passes Go's compiler, and the bindings' runtime type checks stop it.
	_, provider := oktaWithGroups(t)
	if r := recovered(func() {
		provider.AddRoleBinding(jsii.String("NoRole"), &cdkeksoidc.RoleBindingOptions{Namespace: jsii.String("apps"), Users: jsii.Strings("alice")})
	}); r != "Field cdkeksoidc.RoleBindingOptions.Role is required, but has nil value" {
		t.Errorf("recovered %#v", r)
	}
}

// recovered is what f panics with, or nil.
func recovered(f func()) (r interface{}) {
	defer func() { r = recover() }()
	f()
	return nil
}

func TestImportFromArnKnowsItsNamesAlone(t *testing.T) {
	_, stack, _ := newStack(t)
	provider := cdkeksoidc.OidcIdentityProvider_FromIdentityProviderConfigArn(stack, jsii.String("Existing"), jsii.String(arn))
	if got := *provider.ClusterName(); got != "prod" {
		t.Errorf("ClusterName = %q, want prod", got)
	}
	if got := *provider.IdentityProviderConfigName(); got != "okta" {
		t.Errorf("IdentityProviderConfigName = %q, want okta", got)
	}
	if got := *provider.IdentityProviderConfigArn(); got != arn {
		t.Errorf("IdentityProviderConfigArn = %q, want %q", got, arn)
	}
	if provider.Cluster() != nil {
		t.Errorf("Cluster = %v, want nil", provider.Cluster())
	}
	message := panicOf(t, func() { provider.Kubeconfig(nil) })
	if want := "The provider was imported by name alone, so it cannot render a kubeconfig. Import it with fromOidcIdentityProviderAttributes() " +
		"and settings: the issuer, clientId, claims and prefixes it was defined with [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Existing"; message != want {
		t.Errorf("message = %q", message)
	}
}

func TestImportWithSettingsBehavesLikeTheDefinition(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.OidcIdentityProvider_FromOidcIdentityProviderAttributes(stack, jsii.String("Existing"), &cdkeksoidc.OidcIdentityProviderAttributes{
		ClusterName:                jsii.String("prod"),
		IdentityProviderConfigName: jsii.String("okta"),
		IdentityProviderConfigArn:  jsii.String(arn),
		Cluster:                    cluster,
		Settings: &cdkeksoidc.OidcSettings{
			Issuer: fromUrl(issuer), ClientId: jsii.String("kubernetes"), GroupsClaim: jsii.String("groups"), GroupsPrefix: jsii.String("okta:"),
		},
	})
	if got := *provider.GroupFor(jsii.String("engineering")); got != "okta:engineering" {
		t.Errorf("GroupFor = %q", got)
	}
	binding := provider.AddClusterRoleBinding(jsii.String("Viewers"), &cdkeksoidc.ClusterRoleBindingOptions{
		ClusterRole: jsii.String("view"), Groups: jsii.Strings("engineering"),
	})
	if !strings.HasPrefix(*binding.BindingName(), "stack-existing-rbacbindings-viewers-") {
		t.Errorf("BindingName = %q", *binding.BindingName())
	}
}

func TestGitHubActionsPreset(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("GitHub"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:  cluster,
		ClientId: jsii.String("kubernetes"),
		Issuer:   cdkeksoidc.OidcIssuer_GitHubActions(&cdkeksoidc.GitHubActionsIssuerOptions{OwnerId: jsii.String("1234567"), Owner: jsii.String("octo-org")}),
	})
	if got := *provider.IssuerUrl(); got != "https://token.actions.githubusercontent.com" {
		t.Errorf("IssuerUrl = %q", got)
	}
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String(idpConfig), map[string]interface{}{
		"Oidc": map[string]interface{}{
			"IssuerUrl":     "https://token.actions.githubusercontent.com",
			"UsernameClaim": "sub",
			"RequiredClaims": []interface{}{
				map[string]interface{}{"Key": "repository_owner", "Value": "octo-org"},
				map[string]interface{}{"Key": "repository_owner_id", "Value": "1234567"},
			},
		},
	})
}

func TestAConstructErrorNamesEveryProblemAndThePath(t *testing.T) {
	_, stack, cluster := newStack(t)
	message := panicOf(t, func() {
		cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Bad"), &cdkeksoidc.OidcIdentityProviderProps{
			Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String(" kubernetes"), GroupsPrefix: jsii.String("system:"),
		})
	})
	lines := strings.Split(message, "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "[cdk-eks-oidc:invalidClientId]") ||
		!strings.HasSuffix(lines[1], "[cdk-eks-oidc:invalidGroupsPrefix]") || lines[2] != "  at Stack/Bad" {
		t.Errorf("message = %q", message)
	}
	// A nil issuer passes Go's compiler; the bindings' runtime type checks panic with a string.
	if r := recovered(func() {
		cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("NoIssuer"), &cdkeksoidc.OidcIdentityProviderProps{Cluster: cluster, ClientId: jsii.String("kubernetes")})
	}); r != "Field cdkeksoidc.OidcIdentityProviderProps.Issuer is required, but has nil value" {
		t.Errorf("recovered %#v", r)
	}
}

func TestKubeconfigForPeopleAndCi(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String("kubernetes"),
		IdentityProviderConfigName: jsii.String("okta"), UsernameClaim: jsii.String("email"),
	})
	connection := &cdkeksoidc.KubeconfigOptions{
		ClusterEndpoint: jsii.String("https://ABC.gr7.eu-west-1.eks.amazonaws.com"), CertificateAuthorityData: jsii.String("Q0E="),
	}
	people := *provider.Kubeconfig(connection)
	for _, want := range []string{`- "--oidc-issuer-url=` + issuer + `"`, `- "--oidc-client-id=kubernetes"`, `- "--oidc-extra-scope=email"`,
		"interactiveMode: Never", `current-context: "prod-okta"`} {
		if !strings.Contains(people, want) {
			t.Errorf("people's kubeconfig lacks %s:\n%s", want, people)
		}
	}
	connection.Login = cdkeksoidc.KubeconfigLogin_TokenFile(jsii.String("/tmp/token"))
	if ci := *provider.Kubeconfig(connection); !strings.Contains(ci, `tokenFile: "/tmp/token"`) || strings.Contains(ci, "oidc-login") {
		t.Errorf("CI kubeconfig:\n%s", ci)
	}
}

func TestKubeconfigLoginThroughKubeloginTakesEnumAndListOptions(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String("kubernetes"), IdentityProviderConfigName: jsii.String("okta"),
	})
	// An enum is a typed string constant of the package; an optional struct parameter is a pointer, nil for none.
	people := *provider.Kubeconfig(&cdkeksoidc.KubeconfigOptions{
		ClusterEndpoint: jsii.String("https://ABC.gr7.eu-west-1.eks.amazonaws.com"), CertificateAuthorityData: jsii.String("Q0E="),
		Login: cdkeksoidc.KubeconfigLogin_Kubelogin(&cdkeksoidc.KubeloginOptions{
			TokenCacheStorage: cdkeksoidc.KubeloginTokenCacheStorage_KEYRING,
			ListenAddresses:   jsii.Strings("127.0.0.1:9000"),
		}),
	})
	for _, want := range []string{`- "--token-cache-storage=keyring"`, `- "--listen-address=127.0.0.1:9000"`} {
		if !strings.Contains(people, want) {
			t.Errorf("kubeconfig lacks %s:\n%s", want, people)
		}
	}
	defaults := *provider.Kubeconfig(&cdkeksoidc.KubeconfigOptions{
		ClusterEndpoint: jsii.String("https://ABC.gr7.eu-west-1.eks.amazonaws.com"), CertificateAuthorityData: jsii.String("Q0E="),
		Login: cdkeksoidc.KubeconfigLogin_Kubelogin(nil),
	})
	if !strings.Contains(defaults, "oidc-login") || strings.Contains(defaults, "--token-cache-storage") {
		t.Errorf("kubeconfig with kubelogin's defaults:\n%s", defaults)
	}
	// A Go enum constant's value is the member's name ("KEYRING"), not kubelogin's spelling: Go's
	// compiler accepts any string converted to the type, and "keyring" panics at run time.
	if string(cdkeksoidc.KubeloginTokenCacheStorage_KEYRING) != "KEYRING" {
		t.Errorf("KEYRING = %q", cdkeksoidc.KubeloginTokenCacheStorage_KEYRING)
	}
	// The jsii kernel refuses it before the library's own check runs: its message, not ours.
	message := rawPanicOf(t, func() {
		cdkeksoidc.KubeconfigLogin_Kubelogin(&cdkeksoidc.KubeloginOptions{TokenCacheStorage: cdkeksoidc.KubeloginTokenCacheStorage("keyring")})
	})
	if !strings.Contains(message, "SerializationError") || !strings.Contains(message, "No such enum member: 'keyring'") {
		t.Errorf("message = %q", message)
	}
}

func TestGitHubActionsSubjectReturnsBothForms(t *testing.T) {
	subjects := *cdkeksoidc.GitHubActionsSubject_ForBranch(&cdkeksoidc.GitHubActionsBranchSubjectOptions{
		Owner: jsii.String("octo-org"), OwnerId: jsii.String("1234567"),
		Repository: jsii.String("infra"), RepositoryId: jsii.String("7654321"), Branch: jsii.String("main"),
	})
	if len(subjects) != 2 || *subjects[0] != "repo:octo-org/infra:ref:refs/heads/main" ||
		*subjects[1] != "repo:octo-org@1234567/infra@7654321:ref:refs/heads/main" {
		got := []string{}
		for _, subject := range subjects {
			got = append(got, *subject)
		}
		t.Errorf("subjects = %q", got)
	}
}

// jwt is an encoded JWT (unsigned: token explanations do not check signatures) valid for ten minutes.
func jwt(claims map[string]interface{}) string {
	part := func(v map[string]interface{}) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	claims["exp"] = time.Now().Add(10 * time.Minute).Unix()
	return part(map[string]interface{}{"alg": "RS256"}) + "." + part(claims) + ".c2ln"
}

func TestExplainToken(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster, Issuer: fromUrl(issuer), ClientId: jsii.String("kubernetes"), UsernamePrefix: jsii.String("oidc:"),
	})
	explanation := provider.ExplainToken(jsii.String(jwt(map[string]interface{}{"iss": issuer, "aud": "kubernetes", "sub": "alice"})), nil)
	if !*explanation.Accepted || *explanation.Username != "oidc:alice" {
		t.Errorf("explanation = %+v, problems %v", explanation, *explanation.Problems)
	}
	refused := provider.ExplainToken(jsii.String("not-a-token"), nil)
	if *refused.Accepted || !strings.HasPrefix(*(*refused.Problems)[0], "token: found \"1 part\"") {
		t.Errorf("refused = %v", *refused.Problems)
	}
}

func TestTokenJudgeNeedsNoConstruct(t *testing.T) {
	judge := cdkeksoidc.NewTokenJudge(&cdkeksoidc.OidcSettings{
		Issuer:   cdkeksoidc.OidcIssuer_GitHubActions(&cdkeksoidc.GitHubActionsIssuerOptions{OwnerId: jsii.String("1234567"), Owner: jsii.String("octo-org")}),
		ClientId: jsii.String("sts.amazonaws.com"),
	})
	gitHub := "https://token.actions.githubusercontent.com"
	accepted := judge.Explain(jsii.String(jwt(map[string]interface{}{
		"iss": gitHub, "aud": "sts.amazonaws.com", "sub": "repo:octo-org/infra:ref:refs/heads/main", "repository_owner": "octo-org",
		"repository_owner_id": "1234567",
	})), nil)
	if !*accepted.Accepted || *accepted.Username != gitHub+"#repo:octo-org/infra:ref:refs/heads/main" {
		t.Errorf("accepted = %+v, problems %v", accepted, *accepted.Problems)
	}
	refused := judge.Explain(jsii.String(jwt(map[string]interface{}{
		"iss": gitHub, "aud": "sts.amazonaws.com", "sub": "repo:evil/infra:ref:refs/heads/main", "repository_owner": "evil",
		"repository_owner_id": "6666",
	})), nil)
	if *refused.Accepted || len(*refused.Problems) != 2 || !strings.HasPrefix(*(*refused.Problems)[0], "repository_owner:") ||
		!strings.HasPrefix(*(*refused.Problems)[1], "repository_owner_id:") {
		t.Errorf("refused = %v", *refused.Problems)
	}
	message := panicOf(t, func() {
		cdkeksoidc.NewTokenJudge(&cdkeksoidc.OidcSettings{Issuer: fromUrl(issuer), ClientId: awscdk.Token_AsString(map[string]string{"Ref": "ClientId"}, nil)})
	})
	if !strings.HasSuffix(message, "[cdk-eks-oidc:deployTimeSettings]") {
		t.Errorf("message = %q", message)
	}
}

// promise is `expression // "value"` on a line of its own: the example promises that the
// expression returns "value". The test makes it a check that panics otherwise.
var promise = regexp.MustCompile(`(?m)^(\t+)([^\s/].*?)\s*// (".*")$`)

// TestDocsGoExamplesRun runs every Go example of docs/examples/go.md as a program of this module.
func TestDocsGoExamplesRun(t *testing.T) {
	examples, err := os.ReadFile("../../docs/examples/go.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```go\n(.*?)^```$").FindAllStringSubmatch(string(examples), -1)
	if len(blocks) < 2 {
		t.Fatalf("docs/examples/go.md has %d Go examples", len(blocks))
	}
	promises := 0
	for _, block := range blocks {
		promises += len(promise.FindAllString(block[1], -1))
	}
	if promises < 3 {
		t.Fatalf("the Go examples promise %d values, want at least 3", promises)
	}
	// The prefix is one .gitignore ignores, should a run stop before the folder is removed.
	dir, err := os.MkdirTemp(".", "readme-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sources := make([]string, len(blocks))
	for i, block := range blocks {
		example := filepath.Join(dir, fmt.Sprintf("example%d", i+1))
		if err := os.MkdirAll(example, 0o755); err != nil {
			t.Fatal(err)
		}
		sources[i] = promise.ReplaceAllString(block[1],
			"${1}if got := *${2}; got != ${3} {\n${1}\tpanic(`${2} returned \"` + got + `\", not ` + `${3}`)\n${1}}")
		if err := os.WriteFile(filepath.Join(example, "main.go"), []byte(sources[i]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// One go build for every example: the packages they share are compiled once, the programs
	// linked at once.
	bin, err := filepath.Abs(filepath.Join(dir, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./"+dir+"/...").CombinedOutput(); err != nil {
		t.Fatalf("docs/examples/go.md: the examples do not build: %v\n%s", err, out)
	}
	for i, source := range sources {
		if out, err := exec.Command(filepath.Join(bin, fmt.Sprintf("example%d", i+1))).CombinedOutput(); err != nil {
			t.Errorf("docs/examples/go.md example %d: %v\n%s\n%s", i+1, err, out, source)
		}
	}
}
