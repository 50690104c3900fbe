package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

const fieldManager = "pulumi-kubernetes"

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	mu      sync.Mutex
	config  *rest.Config
	client  dynamic.Interface
	mapper  meta.RESTMapper
	unknown bool // the kubeconfig is not known yet (preview before the cluster exists)
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}
func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":"kubernetes","version":%q}`, Version)}, nil
}
func (s *server) CheckConfig(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}

// DiffConfig: a new kubeconfig (a rebuilt cluster's new certificates) updates the provider and
// replaces nothing.
func (s *server) DiffConfig(_ context.Context, r *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(r.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(r.GetNews())
	if err != nil {
		return nil, err
	}
	if olds.DeepEquals(news) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) { return &emptypb.Empty{}, nil }

// Configure takes the provider's kubeconfig (contents, or a path) or, without one, $KUBECONFIG.
func (s *server) Configure(_ context.Context, r *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(r.GetArgs())
	if err != nil {
		return nil, err
	}
	kc := args["kubeconfig"]
	if kc.IsSecret() {
		kc = kc.SecretValue().Element
	}
	if kc.IsComputed() || kc.IsOutput() && !kc.OutputValue().Known {
		s.unknown = true
		return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
	}
	var cfg *rest.Config
	switch {
	case kc.IsString() && strings.Contains(kc.StringValue(), "\n"):
		cfg, err = clientcmd.RESTConfigFromKubeConfig([]byte(kc.StringValue()))
	case kc.IsString() && kc.StringValue() != "":
		cfg, err = clientcmd.BuildConfigFromFlags("", kc.StringValue())
	default:
		cfg, err = clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes provider: the kubeconfig is not usable: %w", err)
	}
	s.config = cfg
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

// clients connects on first use, so a preview before the cluster answers needs no connection.
func (s *server) clients() (dynamic.Interface, meta.RESTMapper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		return s.client, s.mapper, nil
	}
	if s.config == nil {
		return nil, nil, fmt.Errorf("kubernetes provider: no kubeconfig")
	}
	dc, err := discovery.NewDiscoveryClientForConfig(s.config)
	if err != nil {
		return nil, nil, err
	}
	client, err := dynamic.NewForConfig(s.config)
	if err != nil {
		return nil, nil, err
	}
	s.client, s.mapper = client, restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	return s.client, s.mapper, nil
}

func (s *server) resourceFor(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	client, mapper, err := s.clients()
	if err != nil {
		return nil, err
	}
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("the API server does not serve %s: %w", gvk, err)
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		if namespace == "" {
			namespace = "default"
		}
		return client.Resource(m.Resource).Namespace(namespace), nil
	}
	return client.Resource(m.Resource), nil
}

func (s *server) Check(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if _, err := gvkOf(r.GetUrn()); err != nil {
		return nil, err
	}
	news, err := unmarshal(r.GetNews())
	if err != nil {
		return nil, err
	}
	if name, _ := nameOf(news); name == "" && !news["metadata"].ContainsUnknowns() {
		return &pulumirpc.CheckResponse{Failures: []*pulumirpc.CheckFailure{{
			Property: "metadata.name",
			Reason:   "recette's offline kubernetes provider does not auto-name objects: set metadata.name",
		}}}, nil
	}
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}

// immutable says which changes the API refuses in place, so the object is replaced instead.
func immutable(kind string, olds, news resource.PropertyMap) []string {
	var keys []string
	on, ons := nameOf(olds)
	nn, nns := nameOf(news)
	if on != nn || ons != nns {
		keys = append(keys, "metadata")
	}
	spec := func(m resource.PropertyMap, k resource.PropertyKey) resource.PropertyValue {
		if s := m["spec"]; s.IsObject() {
			return s.ObjectValue()[k]
		}
		return resource.NewNullProperty()
	}
	switch kind {
	case "PersistentVolumeClaim":
		if !olds["spec"].DeepEquals(news["spec"]) {
			keys = append(keys, "spec")
		}
	case "Deployment":
		if !spec(olds, "selector").DeepEquals(spec(news, "selector")) {
			keys = append(keys, "spec.selector")
		}
	case "ClusterRoleBinding", "RoleBinding":
		if !olds["roleRef"].DeepEquals(news["roleRef"]) {
			keys = append(keys, "roleRef")
		}
	}
	return keys
}

func (s *server) Diff(_ context.Context, r *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	gvk, err := gvkOf(r.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(r.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(r.GetNews())
	if err != nil {
		return nil, err
	}
	var diffs []string
	for _, k := range union(olds, news) {
		if !olds[k].DeepEquals(news[k]) || news[k].ContainsUnknowns() {
			diffs = append(diffs, string(k))
		}
	}
	if len(diffs) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	replaces := immutable(gvk.Kind, olds, news)
	on, ons := nameOf(olds)
	nn, nns := nameOf(news)
	return &pulumirpc.DiffResponse{
		Changes:  pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:    diffs,
		Replaces: replaces,
		// The same name cannot exist twice: delete first when it stays.
		DeleteBeforeReplace: len(replaces) > 0 && on == nn && ons == nns,
	}, nil
}

func union(a, b resource.PropertyMap) []resource.PropertyKey {
	seen := map[resource.PropertyKey]bool{}
	var keys []resource.PropertyKey
	for _, m := range []resource.PropertyMap{a, b} {
		for _, k := range m.StableKeys() {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// apply sends the object with server-side apply and returns the live object as outputs.
func (s *server) apply(ctx context.Context, urn string, in resource.PropertyMap) (string, resource.PropertyMap, error) {
	gvk, err := gvkOf(urn)
	if err != nil {
		return "", nil, err
	}
	obj := &unstructured.Unstructured{Object: plainMap(in)}
	obj.SetAPIVersion(gvk.GroupVersion().String())
	obj.SetKind(gvk.Kind)
	name, ns := obj.GetName(), obj.GetNamespace()
	ri, err := s.resourceFor(gvk, ns)
	if err != nil {
		return "", nil, err
	}
	body, err := json.Marshal(obj.Object)
	if err != nil {
		return "", nil, err
	}
	force := true
	live, err := ri.Patch(ctx, name, "application/apply-patch+yaml", body, metav1.PatchOptions{FieldManager: fieldManager, Force: &force})
	if err != nil {
		return "", nil, fmt.Errorf("applying %s %s: %w", gvk.Kind, qualified(ns, name), err)
	}
	if err := s.await(ctx, gvk, ri, live); err != nil {
		return "", nil, err
	}
	return qualified(ns, name), s.outputs(gvk.Kind, live), nil
}

func qualified(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

func (s *server) outputs(kind string, live *unstructured.Unstructured) resource.PropertyMap {
	o := live.DeepCopy()
	unstructured.RemoveNestedField(o.Object, "metadata", "managedFields")
	return secretOutputs(kind, resource.NewPropertyMapFromMap(o.Object))
}

// await: a Deployment is done when its new ReplicaSet is rolled out and available (as the real
// provider waits), within 10 minutes; it fails at once when Kubernetes reports the rollout's progress
// deadline exceeded; the error says what the pods report.
func (s *server) await(ctx context.Context, gvk schema.GroupVersionKind, ri dynamic.ResourceInterface, live *unstructured.Unstructured) error {
	if gvk.Kind != "Deployment" {
		return nil
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		cur, err := ri.Get(ctx, live.GetName(), metav1.GetOptions{})
		if err != nil {
			return err
		}
		gen := cur.GetGeneration()
		observed, _, _ := unstructured.NestedInt64(cur.Object, "status", "observedGeneration")
		want, found, _ := unstructured.NestedInt64(cur.Object, "spec", "replicas")
		if !found {
			want = 1
		}
		updated, _, _ := unstructured.NestedInt64(cur.Object, "status", "updatedReplicas")
		available, _, _ := unstructured.NestedInt64(cur.Object, "status", "availableReplicas")
		total, _, _ := unstructured.NestedInt64(cur.Object, "status", "replicas")
		if observed >= gen && updated == want && available >= want && total == want {
			return nil
		}
		// Kubernetes gave up on the rollout (spec.progressDeadlineSeconds without progress): fail now,
		// as the real provider does, with the controller's words.
		conds, _, _ := unstructured.NestedSlice(cur.Object, "status", "conditions")
		for _, c := range conds {
			m, _ := c.(map[string]interface{})
			if m["type"] == "Progressing" && m["status"] == "False" && m["reason"] == "ProgressDeadlineExceeded" && observed >= gen {
				return fmt.Errorf("Deployment %s/%s: ProgressDeadlineExceeded: %v", cur.GetNamespace(), cur.GetName(), m["message"])
			}
		}
		if time.Now().After(deadline) {
			conds, _, _ := unstructured.NestedSlice(cur.Object, "status", "conditions")
			c, _ := json.Marshal(conds)
			return fmt.Errorf("Deployment %s/%s not rolled out after 10 minutes (replicas %d, updated %d, available %d): %s",
				cur.GetNamespace(), cur.GetName(), want, updated, available, c)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// createOrUpdate is Create and Update: in a preview the inputs stand for the outputs; otherwise
// the object is applied and the live object returned.
func (s *server) createOrUpdate(ctx context.Context, urn string, props *structpb.Struct, preview bool) (string, *structpb.Struct, error) {
	in, err := unmarshal(props)
	if err != nil {
		return "", nil, err
	}
	if preview {
		out, err := marshal(in)
		return "", out, err
	}
	id, live, err := s.apply(ctx, urn, in)
	if err != nil {
		return "", nil, err
	}
	out, err := marshal(live)
	return id, out, err
}

func (s *server) Create(ctx context.Context, r *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id, props, err := s.createOrUpdate(ctx, r.GetUrn(), r.GetProperties(), r.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (s *server) Update(ctx context.Context, r *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	_, props, err := s.createOrUpdate(ctx, r.GetUrn(), r.GetNews(), r.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Read (refresh): the live object, or an empty id when it is gone.
func (s *server) Read(ctx context.Context, r *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	gvk, err := gvkOf(r.GetUrn())
	if err != nil {
		return nil, err
	}
	ns, name := splitID(r.GetId())
	ri, err := s.resourceFor(gvk, ns)
	if err != nil {
		return nil, err
	}
	live, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return &pulumirpc.ReadResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	props, err := marshal(s.outputs(gvk.Kind, live))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: r.GetId(), Properties: props, Inputs: r.GetInputs()}, nil
}

func splitID(id string) (string, string) {
	if i := strings.Index(id, "/"); i >= 0 {
		return id[:i], id[i+1:]
	}
	return "", id
}

// Delete removes the object (dependents in the foreground) and waits until it is gone, so a
// replacement or the next `up` never meets a terminating namespace.
func (s *server) Delete(ctx context.Context, r *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	gvk, err := gvkOf(r.GetUrn())
	if err != nil {
		return nil, err
	}
	ns, name := splitID(r.GetId())
	ri, err := s.resourceFor(gvk, ns)
	if err != nil {
		return nil, err
	}
	policy := metav1.DeletePropagationForeground
	if err := ri.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("deleting %s %s: %w", gvk.Kind, r.GetId(), err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, err := ri.Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
			return &emptypb.Empty{}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s %s still exists 5 minutes after its deletion", gvk.Kind, r.GetId())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
