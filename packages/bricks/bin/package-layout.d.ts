// Types of package-layout.js (plain JavaScript: it runs before any TypeScript can).
export declare const PREBUILT_MAIN: string;
export declare const PREBUILT_GROUP_LAUNCHER: string;
export declare const PREBUILT_SWARM_AUTOSCALER: string;
export declare const PREBUILT_POSTGRES_SERVER: string;
export declare const PREBUILT_AMBASSADOR: string;
export declare const PREBUILT_GATEWAY: string;
export declare function isSourceCheckout(root: string): boolean;
export declare function installedMain(root: string): string | null;
