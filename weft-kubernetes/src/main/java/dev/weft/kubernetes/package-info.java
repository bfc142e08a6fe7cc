/**
 * Remote compute on Kubernetes: {@link dev.weft.kubernetes.KubernetesCompute}, a {@link
 * dev.weft.remote.ComputeBackend} that makes each service a Deployment of worker pods, a Service
 * and a Secret in one namespace. Pass it to {@code Deployment.backend(...)}, or make it the
 * process's standard back end with {@code ComputeBackend.useAsStandard(...)}.
 *
 * <p>Public API: {@code KubernetesCompute} and its {@code Builder}. {@code KubernetesWorker} is the
 * worker pods' entry point, not an API. docs/KUBERNETES.md describes what is made on the cluster,
 * how to set it up and the Role it needs.
 */
package dev.weft.kubernetes;
