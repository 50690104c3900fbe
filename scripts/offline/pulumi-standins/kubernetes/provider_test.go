package main

import (
	"context"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func obj(m map[string]interface{}) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func objMeta(name, ns string) map[string]interface{} {
	m := map[string]interface{}{"name": name}
	if ns != "" {
		m["namespace"] = ns
	}
	return m
}

func TestImmutableChangesReplaceTheObject(t *testing.T) {
	pvc := func(size string) map[string]interface{} {
		return map[string]interface{}{"metadata": objMeta("data", "ns"), "spec": map[string]interface{}{
			"resources": map[string]interface{}{"requests": map[string]interface{}{"storage": size}}}}
	}
	deploy := func(app string, replicas int) map[string]interface{} {
		return map[string]interface{}{"metadata": objMeta("blog", "ns"), "spec": map[string]interface{}{
			"replicas": replicas, "selector": map[string]interface{}{"matchLabels": map[string]interface{}{"app": app}}}}
	}
	binding := func(role string) map[string]interface{} {
		return map[string]interface{}{"metadata": objMeta("b", ""), "roleRef": map[string]interface{}{"name": role}}
	}
	for _, tc := range []struct {
		name, kind string
		olds, news map[string]interface{}
		want       []string
	}{
		{"a PVC's spec", "PersistentVolumeClaim", pvc("1Gi"), pvc("2Gi"), []string{"spec"}},
		{"an unchanged PVC", "PersistentVolumeClaim", pvc("1Gi"), pvc("1Gi"), nil},
		{"a Deployment's selector", "Deployment", deploy("a", 1), deploy("b", 1), []string{"spec.selector"}},
		{"a Deployment's replicas: in place", "Deployment", deploy("a", 1), deploy("a", 2), nil},
		{"a binding's roleRef", "ClusterRoleBinding", binding("view"), binding("edit"), []string{"roleRef"}},
		{"a RoleBinding's roleRef", "RoleBinding", binding("view"), binding("edit"), []string{"roleRef"}},
		{"a rename", "ConfigMap", map[string]interface{}{"metadata": objMeta("a", "ns")}, map[string]interface{}{"metadata": objMeta("b", "ns")}, []string{"metadata"}},
		{"a move to another namespace", "Service", map[string]interface{}{"metadata": objMeta("a", "x")}, map[string]interface{}{"metadata": objMeta("a", "y")}, []string{"metadata"}},
	} {
		if got := immutable(tc.kind, obj(tc.olds), obj(tc.news)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: immutable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func diff(t *testing.T, tok string, olds, news resource.PropertyMap) *pulumirpc.DiffResponse {
	t.Helper()
	o, _ := marshal(olds)
	n, _ := marshal(news)
	r, err := (&server{}).Diff(context.Background(), &pulumirpc.DiffRequest{Urn: "urn:pulumi:dev::recette::" + tok + "::x", OldInputs: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDiff(t *testing.T) {
	cm := func(name, v string) resource.PropertyMap {
		return obj(map[string]interface{}{"metadata": objMeta(name, "ns"), "data": map[string]interface{}{"k": v}})
	}
	if r := diff(t, "kubernetes:core/v1:ConfigMap", cm("a", "1"), cm("a", "1")); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("unchanged: %v", r)
	}
	r := diff(t, "kubernetes:core/v1:ConfigMap", cm("a", "1"), cm("a", "2"))
	if r.Changes != pulumirpc.DiffResponse_DIFF_SOME || !reflect.DeepEqual(r.Diffs, []string{"data"}) || len(r.Replaces) != 0 {
		t.Errorf("data changed: %v", r)
	}
	r = diff(t, "kubernetes:core/v1:ConfigMap", cm("a", "1"), cm("b", "1"))
	if !reflect.DeepEqual(r.Replaces, []string{"metadata"}) || r.DeleteBeforeReplace {
		t.Errorf("a rename replaces, creating the new name first: %v", r)
	}
	pvc := func(size string) resource.PropertyMap {
		return obj(map[string]interface{}{"metadata": objMeta("data", "ns"), "spec": map[string]interface{}{"size": size}})
	}
	r = diff(t, "kubernetes:core/v1:PersistentVolumeClaim", pvc("1Gi"), pvc("2Gi"))
	if !reflect.DeepEqual(r.Replaces, []string{"spec"}) || !r.DeleteBeforeReplace {
		t.Errorf("a replacement under the same name deletes first: %v", r)
	}
	unknown := cm("a", "1")
	unknown["data"] = resource.MakeComputed(resource.NewStringProperty(""))
	if r := diff(t, "kubernetes:core/v1:ConfigMap", cm("a", "1"), unknown); !reflect.DeepEqual(r.Diffs, []string{"data"}) {
		t.Errorf("an unknown value is a change: %v", r)
	}
	removed := cm("a", "1")
	delete(removed, "data")
	if r := diff(t, "kubernetes:core/v1:ConfigMap", cm("a", "1"), removed); !reflect.DeepEqual(r.Diffs, []string{"data"}) {
		t.Errorf("a removed key is a change: %v", r)
	}
}

func TestCheckWantsAName(t *testing.T) {
	check := func(tok string, news resource.PropertyMap) (*pulumirpc.CheckResponse, error) {
		n, _ := marshal(news)
		return (&server{}).Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::recette::" + tok + "::x", News: n})
	}
	r, err := check("kubernetes:core/v1:ConfigMap", obj(map[string]interface{}{"metadata": map[string]interface{}{"namespace": "ns"}}))
	if err != nil || len(r.Failures) != 1 || r.Failures[0].Property != "metadata.name" {
		t.Errorf("no name: %v %v", r, err)
	}
	r, err = check("kubernetes:core/v1:ConfigMap", obj(map[string]interface{}{"metadata": objMeta("a", "ns")}))
	if err != nil || len(r.Failures) != 0 {
		t.Errorf("named: %v %v", r, err)
	}
	unknown := resource.PropertyMap{"metadata": resource.MakeComputed(resource.NewObjectProperty(resource.PropertyMap{}))}
	if r, err = check("kubernetes:core/v1:ConfigMap", unknown); err != nil || len(r.Failures) != 0 {
		t.Errorf("metadata unknown at preview: %v %v", r, err)
	}
	if _, err = check("kubernetes:yaml:ConfigFile", obj(nil)); err == nil {
		t.Error("a component token is refused")
	}
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct{ ns, name, id string }{{"ns", "blog", "ns/blog"}, {"", "cluster-wide", "cluster-wide"}} {
		if id := qualified(tc.ns, tc.name); id != tc.id {
			t.Errorf("qualified(%q, %q) = %q", tc.ns, tc.name, id)
		}
		if ns, name := splitID(tc.id); ns != tc.ns || name != tc.name {
			t.Errorf("splitID(%q) = %q %q", tc.id, ns, name)
		}
	}
	if got := union(obj(map[string]interface{}{"b": 1, "a": 1}), obj(map[string]interface{}{"c": 1, "a": 2})); !reflect.DeepEqual(got, []resource.PropertyKey{"a", "b", "c"}) {
		t.Errorf("union = %v", got)
	}
}
