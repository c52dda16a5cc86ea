// Tests of the Go bindings that jsii-pacmak generates into dist/go/cdkeksoidc.
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

func TestPropsLandInTheTemplate(t *testing.T) {
	_, stack, cluster := newStack(t)
	cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:                    cluster,
		IssuerUrl:                  jsii.String(issuer),
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
			"IssuerUrl":    issuer,
			"ClientId":     "kubernetes",
			"GroupsClaim":  "groups",
			"GroupsPrefix": "okta:",
		},
	})
}

// oktaWithGroups is a provider with the default username claim and prefixed groups.
func oktaWithGroups(t *testing.T) (awscdk.Stack, cdkeksoidc.OidcIdentityProvider) {
	t.Helper()
	_, stack, cluster := newStack(t)
	return stack, cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:      cluster,
		IssuerUrl:    jsii.String(issuer),
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

func TestClusterRoleBindingIsAManifestWithSpelledSubjects(t *testing.T) {
	stack, provider := oktaWithGroups(t)
	binding := provider.AddClusterRoleBinding(jsii.String("Viewers"), &cdkeksoidc.ClusterRoleBindingOptions{
		ClusterRole: jsii.String("view"),
		Groups:      jsii.Strings("engineering"),
		Name:        jsii.String("engineering-view"),
	})
	if !strings.HasPrefix(*binding.Node().Id(), "Viewers-") {
		t.Errorf("binding id = %q, want prefix Viewers-", *binding.Node().Id())
	}
	resources := *assertions.Template_FromStack(stack, nil).FindResources(jsii.String(manifest), nil)
	if len(resources) != 1 {
		t.Fatalf("%d %s resources, want 1", len(resources), manifest)
	}
	for _, resource := range resources {
		props := (*resource)["Properties"].(map[string]interface{})
		var objects []struct {
			Kind     string
			Metadata struct{ Name string }
			RoleRef  map[string]string
			Subjects []map[string]string
		}
		if err := json.Unmarshal([]byte(props["Manifest"].(string)), &objects); err != nil {
			t.Fatal(err)
		}
		if len(objects) != 1 {
			t.Fatalf("%d objects in the manifest, want 1", len(objects))
		}
		o := objects[0]
		if o.Kind != "ClusterRoleBinding" || o.Metadata.Name != "engineering-view" || o.RoleRef["name"] != "view" {
			t.Errorf("binding = %+v", o)
		}
		if len(o.Subjects) != 1 || o.Subjects[0]["kind"] != "Group" || o.Subjects[0]["name"] != "okta:engineering" {
			t.Errorf("subjects = %v, want one Group okta:engineering", o.Subjects)
		}
	}
}

func TestImportFromArn(t *testing.T) {
	_, stack, _ := newStack(t)
	arn := "arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3"
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
}

func TestGitHubActionsPreset(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("GitHub"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:  cluster,
		ClientId: jsii.String("kubernetes"),
		Issuer:   cdkeksoidc.OidcIssuer_GitHubActions(&cdkeksoidc.GitHubActionsIssuerOptions{Owner: jsii.String("octo-org")}),
	})
	if got := *provider.IssuerUrl(); got != "https://token.actions.githubusercontent.com" {
		t.Errorf("IssuerUrl = %q", got)
	}
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String(idpConfig), map[string]interface{}{
		"Oidc": map[string]interface{}{
			"IssuerUrl":      "https://token.actions.githubusercontent.com",
			"UsernameClaim":  "sub",
			"RequiredClaims": []interface{}{map[string]interface{}{"Key": "repository_owner", "Value": "octo-org"}},
		},
	})
}

func TestAnInvalidIssuerUrlPanicsWithOurMessage(t *testing.T) {
	_, stack, cluster := newStack(t)
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok {
			t.Fatalf("recovered %#v, want an error", r)
		}
		if !strings.HasPrefix(err.Error(), `Invalid issuerUrl "http://x"`) {
			t.Fatalf("error = %q", err.Error())
		}
	}()
	cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Bad"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster:   cluster,
		IssuerUrl: jsii.String("http://x"),
		ClientId:  jsii.String("kubernetes"),
	})
	t.Fatal("construction did not panic")
}

func TestKubeconfigForPeopleAndCi(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster, IssuerUrl: jsii.String(issuer), ClientId: jsii.String("kubernetes"),
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
	connection.TokenFile = jsii.String("/tmp/token")
	if ci := *provider.Kubeconfig(connection); !strings.Contains(ci, `tokenFile: "/tmp/token"`) || strings.Contains(ci, "oidc-login") {
		t.Errorf("CI kubeconfig:\n%s", ci)
	}
}

func TestExplainToken(t *testing.T) {
	_, stack, cluster := newStack(t)
	provider := cdkeksoidc.NewOidcIdentityProvider(stack, jsii.String("Okta"), &cdkeksoidc.OidcIdentityProviderProps{
		Cluster: cluster, IssuerUrl: jsii.String(issuer), ClientId: jsii.String("kubernetes"), UsernamePrefix: jsii.String("oidc:"),
	})
	part := func(v map[string]interface{}) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	exp := time.Now().Add(10 * time.Minute).Unix()
	token := part(map[string]interface{}{"alg": "RS256"}) + "." + part(map[string]interface{}{"iss": issuer, "aud": "kubernetes", "sub": "alice", "exp": exp}) + ".c2ln"
	explanation := provider.ExplainToken(jsii.String(token))
	if !*explanation.Accepted || *explanation.Username != "oidc:alice" {
		t.Errorf("explanation = %+v, problems %v", explanation, *explanation.Problems)
	}
	refused := provider.ExplainToken(jsii.String("not-a-token"))
	if *refused.Accepted || !strings.HasPrefix(*(*refused.Problems)[0], "token: found \"1 part\"") {
		t.Errorf("refused = %v", *refused.Problems)
	}
}

// TestReadmeGoExamplesRun runs every Go example of the README as a program of this module.
func TestReadmeGoExamplesRun(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```go\n(.*?)^```$").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 2 {
		t.Fatalf("the README has %d Go examples", len(blocks))
	}
	dir, err := os.MkdirTemp(".", "readme-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for i, block := range blocks {
		example := filepath.Join(dir, fmt.Sprintf("example%d", i+1))
		if err := os.MkdirAll(example, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(example, "main.go"), []byte(block[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("go", "run", "./"+example).CombinedOutput(); err != nil {
			t.Errorf("README Go example %d: %v\n%s\n%s", i+1, err, out, block[1])
		}
	}
}
