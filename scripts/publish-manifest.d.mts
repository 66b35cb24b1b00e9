// Types of publish-manifest.mjs (plain JavaScript: npm's prepack and postpack run it with node).
export declare const KEPT_AS: string;
export declare function publishManifest(manifest: Record<string, unknown>): Record<string, unknown>;
export declare function prepack(dir: string): void;
export declare function postpack(dir: string): void;
