// Types of build-package.mjs (plain JavaScript: npm's prepack runs it with node).
export declare function buildPackage(outDir: string): Promise<{ external: string[] }>;
