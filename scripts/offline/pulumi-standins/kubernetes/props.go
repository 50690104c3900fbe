package main

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) { return plugin.UnmarshalProperties(s, opts) }
func marshal(m resource.PropertyMap) (*structpb.Struct, error)   { return plugin.MarshalProperties(m, opts) }

// plain turns a property value into plain Go data for the API (secrets unwrapped: the API needs
// the value; Pulumi keeps it secret in state through secretOutputs below).
func plain(v resource.PropertyValue) interface{} {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		n := v.NumberValue()
		if n == float64(int64(n)) {
			return int64(n)
		}
		return n
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		out := make([]interface{}, 0, len(v.ArrayValue()))
		for _, e := range v.ArrayValue() {
			out = append(out, plain(e))
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	}
	return nil
}

func plainMap(m resource.PropertyMap) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range m {
		if v.IsNull() {
			continue
		}
		out[string(k)] = plain(v)
	}
	return out
}

// secretOutputs marks what must never be stored in plain text: a Secret's data and stringData.
func secretOutputs(kind string, out resource.PropertyMap) resource.PropertyMap {
	if kind != "Secret" {
		return out
	}
	for _, k := range []resource.PropertyKey{"data", "stringData"} {
		if v, ok := out[k]; ok && !v.IsSecret() {
			out[k] = resource.MakeSecret(v)
		}
	}
	return out
}

// gvkOf reads kubernetes:<group>/<version>:<Kind> (core is the empty group).
func gvkOf(urn string) (schema.GroupVersionKind, error) {
	tok := string(resource.URN(urn).Type())
	parts := strings.Split(tok, ":")
	if len(parts) != 3 || parts[0] != "kubernetes" {
		return schema.GroupVersionKind{}, fmt.Errorf("%s is not a kubernetes:<group>/<version>:<Kind> token", tok)
	}
	gv := strings.SplitN(parts[1], "/", 2)
	if len(gv) != 2 {
		return schema.GroupVersionKind{}, fmt.Errorf("%s is not available in recette's offline kubernetes provider (only API objects)", tok)
	}
	group := gv[0]
	if group == "core" {
		group = ""
	}
	return schema.GroupVersionKind{Group: group, Version: gv[1], Kind: parts[2]}, nil
}

func nameOf(m resource.PropertyMap) (name, namespace string) {
	md := m["metadata"]
	if md.IsSecret() {
		md = md.SecretValue().Element
	}
	if !md.IsObject() {
		return "", ""
	}
	get := func(k resource.PropertyKey) string {
		v := md.ObjectValue()[k]
		if v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	return get("name"), get("namespace")
}
