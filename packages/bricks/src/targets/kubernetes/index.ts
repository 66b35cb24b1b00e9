// The Kubernetes target: a release as validated manifests, written as YAML or as a Helm chart.
export { renderManifests } from './render.ts';
export type { KubeObject, ManifestOptions } from './render.ts';
export { writeManifests, toYaml } from './write.ts';
