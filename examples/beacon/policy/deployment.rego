# Beacon's platform rules for Kubernetes workloads (Rego v1 syntax, conftest conventions:
# `deny` fails the check, `warn` only reports).
package main

allowed_registries := ["ghcr.io/beacon/", "registry.internal/beacon/"]

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "Job"}

pod_spec := input.spec.template.spec if workload_kinds[input.kind]

name := sprintf("%s/%s", [input.kind, input.metadata.name])

containers contains container if {
	some container in pod_spec.containers
}

allowed_registry(image) if {
	some prefix in allowed_registries
	startswith(image, prefix)
}

# An image is floating when it says :latest or names no tag or digest at all.
floating(image) if endswith(image, ":latest")

floating(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
}

deny contains msg if {
	some container in containers
	not allowed_registry(container.image)
	msg := sprintf("%s: container %q uses image %q from outside the approved registries %v", [name, container.name, container.image, allowed_registries])
}

deny contains msg if {
	some container in containers
	floating(container.image)
	msg := sprintf("%s: container %q uses image %q with a floating tag: pin a version", [name, container.name, container.image])
}

deny contains msg if {
	some container in containers
	not container.resources.limits.memory
	msg := sprintf("%s: container %q has no memory limit (resources.limits.memory)", [name, container.name])
}

deny contains msg if {
	some container in containers
	some resource in ["cpu", "memory"]
	not container.resources.requests[resource]
	msg := sprintf("%s: container %q has no %s request (resources.requests.%s)", [name, container.name, resource, resource])
}

deny contains msg if {
	pod_spec
	not pod_spec.securityContext.runAsNonRoot == true
	msg := sprintf("%s: pods must set securityContext.runAsNonRoot: true", [name])
}

deny contains msg if {
	some volume in pod_spec.volumes
	volume.hostPath
	msg := sprintf("%s: volume %q mounts the host path %q", [name, volume.name, volume.hostPath.path])
}

warn contains msg if {
	input.kind == "Deployment"
	some container in containers
	not container.readinessProbe
	msg := sprintf("%s: container %q has no readiness probe", [name, container.name])
}
