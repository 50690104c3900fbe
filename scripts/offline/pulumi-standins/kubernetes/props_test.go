package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestPlainTurnsPropertiesIntoAPIData(t *testing.T) {
	secret := resource.MakeSecret(resource.NewStringProperty("s3cr3t"))
	for _, tc := range []struct {
		name string
		in   resource.PropertyValue
		want interface{}
	}{
		{"null", resource.NewNullProperty(), nil},
		{"bool", resource.NewBoolProperty(true), true},
		{"a whole number is an integer (replicas: 1, not 1.0)", resource.NewNumberProperty(3), int64(3)},
		{"a fraction stays a float", resource.NewNumberProperty(0.5), 0.5},
		{"string", resource.NewStringProperty("x"), "x"},
		{"a secret is unwrapped for the API", secret, "s3cr3t"},
		{"array", resource.NewArrayProperty([]resource.PropertyValue{resource.NewNumberProperty(80), secret}), []interface{}{int64(80), "s3cr3t"}},
		{"object without its nulls", resource.NewObjectProperty(resource.PropertyMap{
			"a": resource.NewStringProperty("b"), "gone": resource.NewNullProperty(),
			"nested": resource.NewObjectProperty(resource.PropertyMap{"n": resource.NewNumberProperty(1)}),
		}), map[string]interface{}{"a": "b", "nested": map[string]interface{}{"n": int64(1)}}},
		{"a known output", resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("o"), Known: true}), "o"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plain(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("plain = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestSecretOutputsHidesASecretsDataOnly(t *testing.T) {
	data := func() resource.PropertyMap {
		return resource.PropertyMap{
			"data":       resource.NewObjectProperty(resource.PropertyMap{"k": resource.NewStringProperty("djE=")}),
			"stringData": resource.NewObjectProperty(resource.PropertyMap{"k": resource.NewStringProperty("v1")}),
			"metadata":   resource.NewObjectProperty(resource.PropertyMap{"name": resource.NewStringProperty("n")}),
		}
	}
	s := secretOutputs("Secret", data())
	if !s["data"].IsSecret() || !s["stringData"].IsSecret() || s["metadata"].IsSecret() {
		t.Errorf("Secret outputs: %v", s)
	}
	already := data()
	already["data"] = resource.MakeSecret(already["data"])
	if v := secretOutputs("Secret", already)["data"]; !v.IsSecret() || v.SecretValue().Element.IsSecret() {
		t.Errorf("a secret is not wrapped twice: %v", v)
	}
	if c := secretOutputs("ConfigMap", data()); c["data"].IsSecret() || c["stringData"].IsSecret() {
		t.Errorf("a ConfigMap's data is not secret: %v", c)
	}
}

func TestGvkOfReadsTheTypeToken(t *testing.T) {
	urn := func(tok string) string { return "urn:pulumi:dev::recette::" + tok + "::obj" }
	for _, tc := range []struct {
		tok  string
		want schema.GroupVersionKind
		err  string
	}{
		{"kubernetes:core/v1:Namespace", schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, ""},
		{"kubernetes:apps/v1:Deployment", schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, ""},
		{"kubernetes:networking.k8s.io/v1:Ingress", schema.GroupVersionKind{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"}, ""},
		{"kubernetes:autoscaling/v2:HorizontalPodAutoscaler", schema.GroupVersionKind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}, ""},
		{"kubernetes:yaml:ConfigFile", schema.GroupVersionKind{}, "only API objects"},
		{"docker:index/service:Service", schema.GroupVersionKind{}, "is not a kubernetes:<group>/<version>:<Kind> token"},
	} {
		got, err := gvkOf(urn(tc.tok))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("gvkOf(%s): err %v, want %q", tc.tok, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("gvkOf(%s) = %v, %v; want %v", tc.tok, got, err, tc.want)
		}
	}
}

func TestNameOfReadsMetadata(t *testing.T) {
	md := func(v resource.PropertyValue) resource.PropertyMap { return resource.PropertyMap{"metadata": v} }
	obj := resource.NewObjectProperty(resource.PropertyMap{
		"name": resource.NewStringProperty("blog"), "namespace": resource.NewStringProperty("recette-local"),
	})
	for _, tc := range []struct {
		name  string
		in    resource.PropertyMap
		n, ns string
	}{
		{"name and namespace", md(obj), "blog", "recette-local"},
		{"secret metadata", md(resource.MakeSecret(obj)), "blog", "recette-local"},
		{"cluster-scoped", md(resource.NewObjectProperty(resource.PropertyMap{"name": resource.NewStringProperty("ns")})), "ns", ""},
		{"an unknown name", md(resource.NewObjectProperty(resource.PropertyMap{"name": resource.MakeComputed(resource.NewStringProperty(""))})), "", ""},
		{"no metadata", resource.PropertyMap{}, "", ""},
	} {
		if n, ns := nameOf(tc.in); n != tc.n || ns != tc.ns {
			t.Errorf("%s: nameOf = %q %q, want %q %q", tc.name, n, ns, tc.n, tc.ns)
		}
	}
}

func TestMarshalRoundTripKeepsSecretsAndUnknowns(t *testing.T) {
	in := resource.PropertyMap{
		"s": resource.MakeSecret(resource.NewStringProperty("x")),
		"u": resource.MakeComputed(resource.NewStringProperty("")),
	}
	st, err := marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := unmarshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !out["s"].IsSecret() || !out["u"].IsComputed() {
		t.Errorf("round trip: %v", out)
	}
}
