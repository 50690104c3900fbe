# shellcheck shell=bash
# Sourced by scripts/ensure-kubernetes: start and stop the one-node cluster. Needs KBIN, KCACHE,
# the *_DIR and *_IMAGE variables, say and die, and scripts/lib.sh (recette_apt_install).

KSTATE="${RECETTE_K8S_STATE:-/var/lib/recette-k8s}"
KRUN=/run/recette-k8s
NODE_NAME=recette-node
NODE_IF=rct-k8s0
CNI_BRIDGE=rct-cni0
NODE_IP="${RECETTE_K8S_NODE_IP:-10.41.0.1}"
POD_CIDR=10.42.0.0/16
CGROUP_ROOT=/
NODE_POD_CIDR=10.42.0.0/24
SVC_CIDR=10.43.0.0/16
DNS_IP=10.43.0.10
ETCD_CLIENT=127.0.0.1:2479
ETCD_PEER=127.0.0.1:2480
# containerd's content store and snapshots live in the cache: images survive --down.
CROOT="$KCACHE/containerd"
CSOCK="$KRUN/containerd.sock"
# Which images were imported into that containerd (image ids, by reference).
IMPORTED="$KCACHE/imported"
PKI="$KSTATE/pki"
KCONF="$PKI/kubeconfig"
ADMIN="$KCONF/super-admin.conf"
# What kubelet and kube-proxy set (their defaults) and what forwarding needs: recorded once before
# the first start, restored by --down.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.conf.all.route_localnet net.netfilter.nf_conntrack_max)

kubectl() { "$KBIN/kubectl" --kubeconfig "$ADMIN" "$@"; }
ctr_() { ctr --address "$CSOCK" --namespace k8s.io "$@"; }

host_packages() { # Debian packages the node needs (no daemon is started by apt here)
  local missing=() c
  for c in etcd:etcd-server containerd:containerd runc:runc conntrack:conntrack iptables:iptables; do
    command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c#*:}")
  done
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  [ "${#missing[@]}" = 0 ] && return 0
  say "installing ${missing[*]}"
  recette_no_daemon_start
  recette_apt_install "${missing[@]}"
}

# Images built here from the binaries above (FROM scratch: each is one static binary).
build_images() {
  # shellcheck source=scripts/docker-env.sh
  . "$REPO/scripts/docker-env.sh"
  local spec ref bin dir out
  for spec in "$PAUSE_IMAGE=$PAUSE_DIR/pause" "$COREDNS_IMAGE=$COREDNS_DIR/coredns" \
    "$LOCAL_PATH_IMAGE=$LOCAL_PATH_DIR/local-path-provisioner"; do
    ref="${spec%%=*}" bin="${spec#*=}"
    docker image inspect "$ref" >/dev/null 2>&1 && continue
    dir="$(mktemp -d)"
    cp "$bin" "$dir/"
    printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT ["/%s"]\n' "$(basename "$bin")" "$(basename "$bin")" "$(basename "$bin")" >"$dir/Dockerfile"
    out="$(docker build -q -t "$ref" "$dir" 2>&1)" || die "docker build of $ref failed: $out"
    rm -rf "$dir"
    say "image $ref built"
  done
}

# The images pods run: ours above, Debian's base (local-path's helper pods) and the stack's images
# (images/versions.env), imported from the host's Docker engine unless containerd has that image id.
import_images() {
  local refs=("$PAUSE_IMAGE" "$COREDNS_IMAGE" "$LOCAL_PATH_IMAGE") ref id mark
  # shellcheck disable=SC2207
  refs+=($(sed -n 's/^[A-Z_]*_IMAGE=//p' "$REPO/images/versions.env"))
  local extra
  read -r -a extra <<<"${RECETTE_K8S_EXTRA_IMAGES:-}"
  refs+=("${extra[@]}")
  mkdir -p "$IMPORTED"
  local have
  have="$(ctr_ images ls -q)"
  for ref in "${refs[@]}"; do
    id="$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null)" || { say "warning: image $ref is not in Docker (scripts/build-images builds it): not imported"; continue; }
    mark="$IMPORTED/$(printf '%s' "$ref" | tr '/:' '__')"
    if [ "$(cat "$mark" 2>/dev/null)" = "$id" ] && grep -qx "docker.io/$ref" <<<"$have"; then continue; fi
    docker save "$ref" | ctr_ images import --no-unpack=false - >/dev/null || die "importing $ref into containerd failed"
    printf '%s\n' "$id" >"$mark"
    say "image $ref imported into $NODE_NAME's containerd"
  done
}

# Host paths kubelet and containerd's CNI code use whatever their configuration says (kubelet's
# device-plugins socket, libcni's result cache, the container log links): removed by --down when
# they did not exist before the first start.
FIXED_PATHS=(/var/lib/kubelet /var/lib/cni /var/log/containers /var/log/pods)

record_host() { # once per cluster lifetime: what --down restores
  mkdir -p "$KSTATE/host"
  local s v p
  if [ ! -e "$KSTATE/host/absent" ]; then
    for p in "${FIXED_PATHS[@]}"; do [ -e "$p" ] || printf '%s\n' "$p"; done >"$KSTATE/host/absent.partial"
    mv "$KSTATE/host/absent.partial" "$KSTATE/host/absent"
  fi
  if [ ! -e "$KSTATE/host/sysctl" ]; then
    for s in "${SYSCTLS[@]}"; do
      v="$(sysctl -n "$s" 2>/dev/null)" && printf '%s=%s\n' "$s" "$v"
    done >"$KSTATE/host/sysctl.partial"
    mv "$KSTATE/host/sysctl.partial" "$KSTATE/host/sysctl"
  fi
}

start() { # start <name> <command...>: a background process, its log and pid under our directories
  local name="$1"; shift
  if [ -s "$KRUN/$name.pid" ] && kill -0 "$(cat "$KRUN/$name.pid")" 2>/dev/null; then return 0; fi
  setsid "$@" </dev/null >>"$KSTATE/logs/$name.log" 2>&1 &
  echo $! >"$KRUN/$name.pid"
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what="$1" limit="$2" t=$SECONDS; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - t)) -lt "$limit" ] || die "$what not ready after ${limit}s (logs: $KSTATE/logs)"
    sleep 1
  done
  say "$what ready ($((SECONDS - t))s)"
}

# render <template> <out>: @NAME@ replaced by the variable NAME (our own values only). The file is
# replaced only when its content changes: kube-proxy watches its configuration file and exits when it
# is written (even with the same content), so a second `up` on a running cluster (recette up on a
# local k3s stack runs it every time) left kube-proxy dead and Services forwarding to old pod addresses.
render() {
  local out="$2" new="$2.new"
  sed -e "s#@NODE_IP@#$NODE_IP#g; s#@NODE_NAME@#$NODE_NAME#g; s#@POD_CIDR@#$POD_CIDR#g" \
    -e "s#@NODE_POD_CIDR@#$NODE_POD_CIDR#g; s#@SVC_CIDR@#$SVC_CIDR#g; s#@DNS_IP@#$DNS_IP#g" \
    -e "s#@KSTATE@#$KSTATE#g; s#@KRUN@#$KRUN#g; s#@CROOT@#$CROOT#g; s#@CSOCK@#$CSOCK#g; s#@PKI@#$PKI#g" \
    -e "s#@CNI_BRIDGE@#$CNI_BRIDGE#g; s#@K8S_VERSION@#$K8S_VERSION#g; s#@PAUSE_IMAGE@#$PAUSE_IMAGE#g" \
    -e "s#@COREDNS_IMAGE@#$COREDNS_IMAGE#g; s#@LOCAL_PATH_IMAGE@#$LOCAL_PATH_IMAGE#g; s#@ETCD_CLIENT@#$ETCD_CLIENT#g" \
    -e "s#@CGROUP_ROOT@#$CGROUP_ROOT#g" \
    -e "s#@BASE_IMAGE@#$(sed -n 's/^BASE_IMAGE=//p' "$REPO/images/versions.env")#g" \
    "$KDIR/config/$1" >"$new"
  if grep -q '@[A-Z_]*@' "$new"; then die "unreplaced placeholder in $new"; fi
  if cmp -s "$new" "$out"; then rm -f "$new"; else mv -f "$new" "$out"; fi
}

cluster_up() {
  local t_start=$SECONDS
  mkdir -p "$KSTATE/logs" "$KRUN" "$KSTATE/cni" "$KSTATE/local-path" "$CROOT" "$KCONF"
  chmod 0700 "$KSTATE"
  record_host

  # The node's own address, on an interface of its own.
  # A bridge without ports: this kernel has no dummy interfaces, and a bridge holds an address as well.
  ip link show "$NODE_IF" >/dev/null 2>&1 || ip link add "$NODE_IF" type bridge
  [[ "$(ip -o -4 addr show dev "$NODE_IF")" == *" inet $NODE_IP/"* ]] || ip addr add "$NODE_IP/32" dev "$NODE_IF"
  ip link set "$NODE_IF" up
  sysctl -qw net.ipv4.ip_forward=1
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 || die "bridged pod traffic must traverse iptables (br_netfilter)"

  # PKI and kubeconfigs: kubeadm's phases only (no preflight, nothing under /etc/kubernetes).
  render kubeadm.yaml "$KSTATE/kubeadm.yaml"
  if [ ! -s "$ADMIN" ]; then
    "$KBIN/kubeadm" init phase certs all --config "$KSTATE/kubeadm.yaml" >"$KSTATE/logs/kubeadm.log" 2>&1 ||
      die "kubeadm init phase certs failed: $KSTATE/logs/kubeadm.log"
    "$KBIN/kubeadm" init phase kubeconfig all --config "$KSTATE/kubeadm.yaml" --kubeconfig-dir "$KCONF" >>"$KSTATE/logs/kubeadm.log" 2>&1 ||
      die "kubeadm init phase kubeconfig failed: $KSTATE/logs/kubeadm.log"
    "$KBIN/kubeadm" kubeconfig user --config "$KSTATE/kubeadm.yaml" --client-name system:kube-proxy >"$KCONF/kube-proxy.conf" 2>>"$KSTATE/logs/kubeadm.log" ||
      die "kubeadm kubeconfig user failed: $KSTATE/logs/kubeadm.log"
    chmod 0600 "$KCONF"/*.conf
  fi

  start etcd etcd --name "$NODE_NAME" --data-dir "$KSTATE/etcd" \
    --listen-client-urls "http://$ETCD_CLIENT" --advertise-client-urls "http://$ETCD_CLIENT" \
    --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
    --initial-cluster "$NODE_NAME=http://$ETCD_PEER" --listen-metrics-urls ""
  wait_for etcd 30 curl -fsS "http://$ETCD_CLIENT/health"

  start kube-apiserver "$KBIN/kube-apiserver" --advertise-address "$NODE_IP" --bind-address "$NODE_IP" \
    --secure-port 6443 --etcd-servers "http://$ETCD_CLIENT" --service-cluster-ip-range "$SVC_CIDR" \
    --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --proxy-client-cert-file "$PKI/front-proxy-client.crt" \
    --proxy-client-key-file "$PKI/front-proxy-client.key" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- --profiling=false
  wait_for kube-apiserver 120 kubectl get --raw /readyz

  start kube-controller-manager "$KBIN/kube-controller-manager" --kubeconfig "$KCONF/controller-manager.conf" \
    --authentication-kubeconfig "$KCONF/controller-manager.conf" --authorization-kubeconfig "$KCONF/controller-manager.conf" \
    --bind-address 127.0.0.1 --leader-elect=false --cluster-cidr "$POD_CIDR" --allocate-node-cidrs \
    --node-cidr-mask-size 24 --service-cluster-ip-range "$SVC_CIDR" --use-service-account-credentials \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" --root-ca-file "$PKI/ca.crt" \
    --service-account-private-key-file "$PKI/sa.key" --profiling=false
  start kube-scheduler "$KBIN/kube-scheduler" --kubeconfig "$KCONF/scheduler.conf" \
    --authentication-kubeconfig "$KCONF/scheduler.conf" --authorization-kubeconfig "$KCONF/scheduler.conf" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false

  # containerd of its own, with the CRI plugin and our CNI configuration.
  render containerd.toml "$KSTATE/containerd.toml"
  render cni.conflist "$KSTATE/cni/10-recette.conflist"
  start containerd containerd --config "$KSTATE/containerd.toml"
  wait_for containerd 30 ctr --address "$CSOCK" version
  import_images

  render kubelet.yaml "$KSTATE/kubelet.yaml"
  start kubelet "$KBIN/kubelet" --config "$KSTATE/kubelet.yaml" --kubeconfig "$KCONF/kubelet.conf" \
    --root-dir "$KSTATE/kubelet" --cert-dir "$KSTATE/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
  render kube-proxy.yaml "$KSTATE/kube-proxy.yaml"
  start kube-proxy "$KBIN/kube-proxy" --config "$KSTATE/kube-proxy.yaml"
  wait_for "node $NODE_NAME" 120 kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s

  start servicelb bash "$KDIR/servicelb" "$KBIN/kubectl" "$ADMIN" "$NODE_IP"
  render addons.yaml "$KSTATE/addons.yaml"
  kubectl apply --server-side --force-conflicts -f "$KSTATE/addons.yaml" >/dev/null
  wait_for "cluster DNS and local-path" 120 kubectl -n kube-system wait --for=condition=Available \
    deployment/coredns deployment/local-path-provisioner --timeout=2s
  check_cluster
  # The other nodes: as many as --nodes asks, else those an earlier --nodes started.
  nodes_up "${NODES:-$(extra_nodes | tail -n 1 | grep . || echo 1)}"
  say "cluster ready in $((SECONDS - t_start))s: export KUBECONFIG=$ADMIN"
}

# The proof that the cluster serves: a pod resolves the kubernetes Service through cluster DNS and
# writes into a PVC that local-path-provisioner bound.
check_cluster() {
  local ns=recette-k8s-check
  render check.yaml "$KSTATE/check.yaml"
  kubectl delete namespace "$ns" --ignore-not-found --wait >/dev/null
  kubectl apply -f "$KSTATE/check.yaml" >/dev/null
  if ! kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Succeeded pod/check --timeout=120s >/dev/null; then
    kubectl -n "$ns" describe pod/check >&2 || true
    kubectl -n "$ns" logs pod/check >&2 || true
    die "the check pod (DNS + PVC) did not succeed"
  fi
  local out
  out="$(kubectl -n "$ns" logs pod/check)"
  say "check pod: $out"
  [ "$(kubectl -n "$ns" get pvc data -o jsonpath='{.status.phase}')" = Bound ] || die "the check PVC is not Bound"
  kubectl delete namespace "$ns" --wait >/dev/null
}

# stop_pid <name>: TERM, then KILL after 15 s, the process recorded in <name>.pid and its process
# group (start runs each under setsid: the group is that process and its own children).
stop_pid() {
  local f="$KRUN/$1.pid" pid
  [ -s "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# stop_containerd <pid name>: every container of the containerd at $CSOCK (state under $KRUN/containerd)
# killed and removed, then that containerd stopped, then its shims that outlived it (a half-way failure)
# with their containers: each task directory records its container's pid (init.pid), whose parent is
# the shim (checked to be one of ours by its command line).
stop_containerd() {
  if [ -S "$CSOCK" ]; then
    local id
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop_pid "$1"
  local f pid ppid
  for f in "$KRUN"/containerd/io.containerd.runtime.v2.task/*/*/init.pid; do
    [ -s "$f" ] || continue
    pid="$(cat "$f")"
    ppid="$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    kill -KILL "$pid" 2>/dev/null || true
    if [ -n "$ppid" ] && tr '\0' ' ' <"/proc/$ppid/cmdline" 2>/dev/null | grep -q -- "-address $CSOCK"; then
      kill -KILL "$ppid" 2>/dev/null || true
    fi
  done
}

cluster_down() {
  local t=$SECONDS
  if [ -d "$KRUN" ] || [ -d "$KSTATE" ]; then say "stopping the cluster"; fi
  # Nothing recreates pods once the controllers are gone; then kubelet stops every sandbox (CNI DEL).
  stop_pid servicelb
  stop_pid kube-controller-manager
  stop_pid kube-scheduler
  if [ -s "$KRUN/kubelet.pid" ] && kill -0 "$(cat "$KRUN/kubelet.pid")" 2>/dev/null && [ -s "$ADMIN" ]; then
    timeout 60 "$KBIN/kubectl" --kubeconfig "$ADMIN" delete pods --all -A --grace-period=3 --wait=true >/dev/null 2>&1 || true
  fi
  local i
  for i in $(extra_nodes); do with_node "$i" node_down; done
  stop_pid kube-proxy
  stop_pid kubelet
  stop_containerd containerd
  stop_pid kube-apiserver
  stop_pid etcd

  # Mounts under our directories (pod volumes, rootfs, network namespaces), deepest first.
  local m
  findmnt -rn -o TARGET | grep -E "^($KSTATE|$KRUN|$CROOT)(/|$)" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "warning: cannot unmount $m"
  done
  # The cgroups kubelet made (cgroupfs driver): every hierarchy's kubepods tree, leaves first.
  local c
  for c in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    if [ -d "$c" ]; then find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  iptables_cleanup iptables
  iptables_cleanup ip6tables
  ip link del "$CNI_BRIDGE" 2>/dev/null || true
  ip link del "$NODE_IF" 2>/dev/null || true
  # Pod veths go with their network namespaces; any left on our bridge went with it.
  if [ -s "$KSTATE/host/sysctl" ]; then
    while IFS='=' read -r k v; do sysctl -qw "$k=$v" 2>/dev/null || say "warning: cannot restore $k=$v"; done <"$KSTATE/host/sysctl"
  fi
  # /var/log/containers is kubelet's fixed symlink directory: our links go in any case.
  if [ -d /var/log/containers ]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$KSTATE/*" -delete 2>/dev/null || true
  fi
  local p
  if [ -s "$KSTATE/host/absent" ]; then
    while read -r p; do
      case "$p" in /var/lib/kubelet | /var/lib/cni | /var/log/containers | /var/log/pods) rm -rf "$p" ;; esac
    done <"$KSTATE/host/absent"
  fi
  rm -rf "$KRUN" "$KSTATE"
  if [ -d "$CROOT" ]; then
    # Containers' snapshots are gone with the containers; drop the per-run CRI state too.
    rm -rf "$CROOT/io.containerd.grpc.v1.cri" "$CROOT/io.containerd.runtime.v2.task"
  fi
  say "cluster removed, host restored ($((SECONDS - t))s)"
}

# Deletes, in one iptables-restore transaction per table, the rules that jump to KUBE-* or CNI-*
# chains and then those chains; Docker's and anybody else's rules are left as they are.
iptables_cleanup() {
  local cmd="$1" t script
  command -v "$cmd-save" >/dev/null || return 0
  for t in filter nat mangle raw; do
    script="$("$cmd-save" -t "$t" 2>/dev/null | awk -v table="$t" '
      /^:(KUBE-|CNI-)/ { chains[++n] = substr($1, 2); next }
      /^-A / && $2 !~ /^(KUBE-|CNI-)/ && / -j (KUBE-|CNI-)/ { sub(/^-A /, "-D "); dels[++d] = $0 }
      END {
        if (n == 0 && d == 0) exit
        print "*" table
        for (i = 1; i <= d; i++) print dels[i]
        for (i = 1; i <= n; i++) print "-F " chains[i]
        for (i = 1; i <= n; i++) print "-X " chains[i]
        print "COMMIT"
      }')"
    [ -n "$script" ] || continue
    printf '%s\n' "$script" | "$cmd-restore" --noflush || say "warning: $cmd cleanup of table $t failed"
  done
}

# More nodes (scripts/ensure-kubernetes --nodes N): node i (2..N) is a kubelet, a containerd and a
# kube-proxy of its own, in a network namespace of its own (rct-node<i>) joined to the first node's
# bridge rct-k8s0 by a veth pair: its address the first node's plus i-1 (10.41.0.<i>), its pods the
# range the controller manager allocates it (10.42.<i-1>.0/24), routed through it from the host, its
# pods' cgroups under /recette-node-<i>, its containerd's images under the cache (imported once). The
# processes share the host's mount namespace (kubelet mounts what containerd's containers see); what
# they share beyond it is kubelet's fixed device-plugin directory, which recette does not use.
FIRST_IP="$NODE_IP"
CLUSTER_STATE="$KSTATE"
CLUSTER_RUN="$KRUN"

# with_node <i> <command...>: the command with the cluster's per-node variables set for node i.
with_node() {
  local i="$1"
  shift
  local NODE_NAME="recette-node-$i" NODE_IP="${FIRST_IP%.*}.$((${FIRST_IP##*.} + i - 1))"
  local KSTATE="$CLUSTER_STATE/node-$i" KRUN="$CLUSTER_RUN/node-$i" CROOT="$KCACHE/containerd-node-$i"
  local NETNS="rct-node$i" VETH="rct-n${i}h" CGROUP_ROOT="/recette-node-$i" NODE_POD_CIDR=""
  local CSOCK="$KRUN/containerd.sock" IMPORTED="$KCACHE/imported-node-$i"
  "$@"
}

# The node numbers with a state directory (started by an earlier --nodes), in order.
extra_nodes() {
  local d
  for d in "$CLUSTER_STATE"/node-*; do [ -d "$d" ] && printf '%s\n' "${d##*/node-}"; done | sort -n
}

node_pod_cidr() { kubectl get node "$NODE_NAME" -o jsonpath='{.spec.podCIDR}' 2>/dev/null; }
has_pod_cidr() { [ -n "$(node_pod_cidr)" ]; }

node_up() {
  local t=$SECONDS ns=(nsenter "--net=/run/netns/$NETNS")
  mkdir -p "$KSTATE/logs" "$KSTATE/cni" "$KRUN" "$CROOT"
  chmod 0700 "$KSTATE"
  [ -e "/run/netns/$NETNS" ] || ip netns add "$NETNS"
  ip link show "$VETH" >/dev/null 2>&1 || ip link add "$VETH" type veth peer name eth0 netns "$NETNS"
  ip link set "$VETH" master "$NODE_IF" up
  "${ns[@]}" ip link set lo up
  "${ns[@]}" ip link set eth0 up
  [[ "$("${ns[@]}" ip -o -4 addr show dev eth0)" == *" inet $NODE_IP/"* ]] || "${ns[@]}" ip addr add "$NODE_IP/32" dev eth0
  "${ns[@]}" ip route replace "$FIRST_IP/32" dev eth0
  "${ns[@]}" ip route replace default via "$FIRST_IP"
  ip route replace "$NODE_IP/32" dev "$NODE_IF"
  "${ns[@]}" sysctl -qw net.ipv4.ip_forward=1
  "${ns[@]}" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  # New connections from the other nodes to the first node's pods (cluster DNS): Docker's FORWARD policy
  # drops them, and the CNI firewall plugin accepts only its pods' own and established ones. CNI-ADMIN is
  # that plugin's chain for an administrator's rules (it never changes it; --down removes it).
  iptables -N CNI-ADMIN 2>/dev/null || true
  iptables -C CNI-ADMIN -i "$NODE_IF" -d "$POD_CIDR" -j ACCEPT 2>/dev/null ||
    iptables -A CNI-ADMIN -i "$NODE_IF" -d "$POD_CIDR" -j ACCEPT

  # Its pods' cgroups: a tree of its own in every hierarchy (cpuset's values copied from the root's).
  local h f
  for h in /sys/fs/cgroup/*/; do [ -d "$h${CGROUP_ROOT#/}" ] || mkdir "$h${CGROUP_ROOT#/}"; done
  for f in cpuset.cpus cpuset.mems; do
    if [ -f "/sys/fs/cgroup/cpuset$CGROUP_ROOT/$f" ] && [ -z "$(tr -d '[:space:]' <"/sys/fs/cgroup/cpuset$CGROUP_ROOT/$f")" ]; then
      cat "/sys/fs/cgroup/cpuset/$f" >"/sys/fs/cgroup/cpuset$CGROUP_ROOT/$f"
    fi
  done

  if [ ! -s "$KSTATE/kubelet.conf" ]; then
    "$KBIN/kubeadm" kubeconfig user --config "$CLUSTER_STATE/kubeadm.yaml" --client-name "system:node:$NODE_NAME" \
      --org system:nodes >"$KSTATE/kubelet.conf.partial" 2>>"$KSTATE/logs/kubeadm.log" ||
      die "kubeadm kubeconfig user for $NODE_NAME failed: $KSTATE/logs/kubeadm.log"
    chmod 0600 "$KSTATE/kubelet.conf.partial"
    mv "$KSTATE/kubelet.conf.partial" "$KSTATE/kubelet.conf"
  fi

  render containerd.toml "$KSTATE/containerd.toml"
  start containerd "${ns[@]}" containerd --config "$KSTATE/containerd.toml"
  wait_for "$NODE_NAME's containerd" 30 ctr --address "$CSOCK" version
  import_images

  render kubelet.yaml "$KSTATE/kubelet.yaml"
  start kubelet "${ns[@]}" "$KBIN/kubelet" --config "$KSTATE/kubelet.yaml" --kubeconfig "$KSTATE/kubelet.conf" \
    --root-dir "$KSTATE/kubelet" --cert-dir "$KSTATE/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
  # Its pods' range is known once it has registered; until its CNI configuration exists it is NotReady.
  wait_for "$NODE_NAME registered" 120 has_pod_cidr
  NODE_POD_CIDR="$(node_pod_cidr)"
  render cni.conflist "$KSTATE/cni/10-recette.conflist"
  ip route replace "$NODE_POD_CIDR" via "$NODE_IP"
  render kube-proxy.yaml "$KSTATE/kube-proxy.yaml"
  start kube-proxy "${ns[@]}" "$KBIN/kube-proxy" --config "$KSTATE/kube-proxy.yaml"
  wait_for "node $NODE_NAME" 120 kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s
  say "$NODE_NAME ($NODE_IP, pods $NODE_POD_CIDR) ready in $((SECONDS - t))s"
}

# node_down [--remove]: stops node i's processes and undoes what node_up did on the host; --remove
# first drains it and deletes it from the cluster (--nodes with a smaller count).
node_down() {
  if [ "${1:-}" = --remove ] && kubectl get node "$NODE_NAME" >/dev/null 2>&1; then
    say "removing $NODE_NAME: drain, then delete"
    kubectl drain "$NODE_NAME" --ignore-daemonsets --delete-emptydir-data --force --timeout=180s >/dev/null ||
      say "warning: $NODE_NAME did not drain in 180 s; its pods are deleted with it"
    kubectl delete node "$NODE_NAME" --wait=true >/dev/null || true
  fi
  stop_pid kube-proxy
  stop_pid kubelet
  stop_containerd containerd
  local m c
  findmnt -rn -o TARGET | grep -E "^($KSTATE|$KRUN|$CROOT)(/|$)" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "warning: cannot unmount $m"
  done
  for c in /sys/fs/cgroup/*"$CGROUP_ROOT"; do
    if [ -d "$c" ]; then find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  ip route show | awk -v via="via $NODE_IP " 'index($0, via) { print $1 }' | while read -r m; do ip route del "$m" 2>/dev/null || true; done
  ip route del "$NODE_IP/32" 2>/dev/null || true
  # The veth pair goes with the namespace (its pods' interfaces and iptables rules were in it).
  [ -e "/run/netns/$NETNS" ] && ip netns del "$NETNS"
  rm -rf "$KSTATE" "$KRUN" "$CROOT/io.containerd.grpc.v1.cri" "$CROOT/io.containerd.runtime.v2.task"
}

# nodes_up <count>: nodes 2..count started (those running are left as they are), nodes above it removed.
nodes_up() {
  local want="$1" i
  for i in $(extra_nodes); do
    if [ "$i" -gt "$want" ]; then with_node "$i" node_down --remove; fi
  done
  for ((i = 2; i <= want; i++)); do with_node "$i" node_up; done
}
