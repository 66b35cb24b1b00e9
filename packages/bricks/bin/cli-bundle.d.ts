// Types of cli-bundle.js (plain JavaScript: it runs before any TypeScript can).
import type { BuildOptions } from 'esbuild';
export declare function cacheDir(root: string): string;
export declare function cliBundle(root: string, debug?: (message: string) => void): Promise<string | null>;
export declare function buildCliBundle(root: string, dir: string): Promise<void>;
export declare function cliBuildOptions(root: string, entryPoints: Record<string, string>, outdir: string): BuildOptions;
