// The Kubernetes target: a release as validated manifests, written as YAML or as a Helm chart.
export { renderManifests } from './render.ts';
export type { KubeObject, ManifestOptions } from './render.ts';
export { writeManifests, toYaml } from './write.ts';
export { renderHelmChart } from './helm/chart.ts';
export type { ChartFiles, HelmOptions } from './helm/chart.ts';
export { writeChart } from './helm/write-chart.ts';

// For tests and tools that render the chart without helm.
export { renderTemplates, TemplateError } from './helm/go-template.ts';
