// Types of source-stamp.js (plain JavaScript: it runs before any TypeScript can).
export declare const STAMPED_DIRS: readonly string[];
export declare const STAMPED_FILES: readonly string[];
export declare const EXTERNAL_PACKAGES: readonly string[];
export declare const WORKSPACE_SOURCES: Readonly<Record<string, readonly string[]>>;
export interface FileStat {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}
export declare function stampOf(files: readonly FileStat[]): string;
export declare function listSources(root: string): FileStat[];
export declare function sourceStamp(root: string): string;
