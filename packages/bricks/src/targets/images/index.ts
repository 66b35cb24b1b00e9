// Docker images of the service artifacts.
export { buildImages, imageMap, DEFAULT_BASE_IMAGE } from './build-images.ts';
export type { ImageArtifact, ImageOptions, ServiceImage } from './build-images.ts';
export { renderDockerfile, imageKey } from './dockerfile.ts';
