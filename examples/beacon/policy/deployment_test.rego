package main

good := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api"},
	"spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{
			"name": "api",
			"image": "ghcr.io/beacon/api:1.3.0",
			"readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
			"resources": {
				"requests": {"cpu": "100m", "memory": "128Mi"},
				"limits": {"memory": "256Mi"},
			},
		}],
	}}},
}

with_container(changes) := json.patch(good, [{
	"op": "replace",
	"path": "/spec/template/spec/containers/0",
	"value": object.union(good.spec.template.spec.containers[0], changes),
}])

without_container_field(field) := json.remove(good, [sprintf("spec/template/spec/containers/0/%s", [field])])

test_a_compliant_deployment_passes if {
	count(deny) == 0 with input as good
	count(warn) == 0 with input as good
}

test_both_approved_registries_pass if {
	count(deny) == 0 with input as with_container({"image": "registry.internal/beacon/worker:2.0.1"})
}

test_other_registries_are_denied if {
	some msg in deny with input as with_container({"image": "docker.io/library/python:3.12"})
	contains(msg, "outside the approved registries")
}

test_latest_is_denied if {
	some msg in deny with input as with_container({"image": "ghcr.io/beacon/api:latest"})
	contains(msg, "floating tag")
}

test_a_missing_tag_is_denied if {
	some msg in deny with input as with_container({"image": "ghcr.io/beacon/api"})
	contains(msg, "floating tag")
}

test_a_digest_is_pinned if {
	count(deny) == 0 with input as with_container({"image": "ghcr.io/beacon/api@sha256:0123456789abcdef"})
}

test_a_registry_port_is_not_a_tag if {
	some msg in deny with input as with_container({"image": "registry.internal:5000/beacon/api"})
	contains(msg, "floating tag")
}

test_a_missing_memory_limit_is_denied if {
	some msg in deny with input as without_container_field("resources/limits")
	contains(msg, "no memory limit")
}

test_missing_requests_are_denied if {
	messages := deny with input as without_container_field("resources/requests")
	some cpu in messages
	contains(cpu, "no cpu request")
	some memory in messages
	contains(memory, "no memory request")
}

test_root_pods_are_denied if {
	some msg in deny with input as json.remove(good, ["spec/template/spec/securityContext"])
	contains(msg, "runAsNonRoot")
}

test_host_paths_are_denied if {
	doc := json.patch(good, [{"op": "add", "path": "/spec/template/spec/volumes", "value": [{"name": "logs", "hostPath": {"path": "/var/log"}}]}])
	some msg in deny with input as doc
	contains(msg, "mounts the host path \"/var/log\"")
}

test_other_volumes_pass if {
	doc := json.patch(good, [{"op": "add", "path": "/spec/template/spec/volumes", "value": [{"name": "tmp", "emptyDir": {}}]}])
	count(deny) == 0 with input as doc
}

test_a_missing_readiness_probe_warns if {
	some msg in warn with input as without_container_field("readinessProbe")
	contains(msg, "no readiness probe")
	count(deny) == 0 with input as without_container_field("readinessProbe")
}

test_non_workloads_are_ignored if {
	count(deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}
}
