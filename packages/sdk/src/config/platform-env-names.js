// @ts-check
// The names of the replica environment, in one place: what the platform hands a replica, and
// what the SDK reads from it. Plain JavaScript with no imports, so the platform and any plain
// Node process (the group launcher, test fixtures) import it without a TypeScript loader and
// without the SDK's runtime. It is `@bricks/sdk/platform-env`.

// Set by the platform for every replica ------------------------------------------------------

/** The port to listen on. The daemon: a free loopback port per replica; Swarm and Kubernetes: the service's port. */
export const PORT_VARIABLE = 'PORT';
/**
 * The address to bind. Swarm and Kubernetes only: `0.0.0.0`, since a program that binds loopback
 * in a container is unreachable. Locally bricks does not set it: programs keep their loopback default.
 */
export const HOST_VARIABLE = 'HOST';
/** This replica's service, `catalog`. The daemon, Swarm and Kubernetes. The SDK's logger writes it on every line. */
export const SERVICE_VARIABLE = 'BRICKS_SERVICE';
/** This replica, `catalog.2`. The daemon; Swarm from the task slot (a global service: the node's hostname). */
export const REPLICA_VARIABLE = 'BRICKS_REPLICA';
/** The stack's name. The daemon, Swarm and Kubernetes. */
export const STACK_VARIABLE = 'BRICKS_STACK';
/** Where the replica runs: `swarm` or `kubernetes`. Those targets only. */
export const TARGET_VARIABLE = 'BRICKS_TARGET';
/** The daemon's list of ready endpoints, for the SDK's client-side balancing. The daemon only. */
export const DISCOVERY_URL_VARIABLE = 'BRICKS_DISCOVERY_URL';
/** The stack's `stop_grace_period` in ms: SIGTERM to SIGKILL. The daemon; the SDK's server drains within it. */
export const STOP_GRACE_MS_VARIABLE = 'BRICKS_STOP_GRACE_MS';
/** `x-bricks.resilience` as JSON, when the service has one. The daemon; the SDK's clients and server read it. */
export const RESILIENCE_VARIABLE = 'BRICKS_RESILIENCE';
/**
 * The descriptor of a pipe on which a process may say `READY=1`. The daemon, to each replica it
 * starts; `bricks up`, to the daemon. The SDK's server writes the notice once it is ready.
 */
export const NOTIFY_FD_VARIABLE = 'BRICKS_NOTIFY_FD';

/**
 * The folder that holds this replica's secrets as files, one per `secrets:` entry at its target
 * below `/run/secrets` (`db_password`), mode 0400. The daemon only: Swarm and Kubernetes mount them
 * at `/run/secrets` itself. The SDK's `secret(name)` reads it; a secret is never in the environment.
 */
export const SECRETS_DIR_VARIABLE = 'BRICKS_SECRETS_DIR';
/**
 * The folder of this replica's service identity tokens, one `<service>.jwt` per service of the
 * stack (the token's audience), renewed before they expire. The daemon only. SDK clients send the
 * one of the service they call.
 */
export const IDENTITY_DIR_VARIABLE = 'BRICKS_IDENTITY_DIR';
/**
 * The issuer of service identity tokens: an OIDC issuer URL whose discovery document names its
 * JWKS (locally the daemon's). The daemon; on Swarm and Kubernetes `bricks:<stack>`, whose keys are
 * in the file BRICKS_IDENTITY_JWKS names. SDK servers verify callers' identity tokens against it.
 */
export const IDENTITY_ISSUER_VARIABLE = 'BRICKS_IDENTITY_ISSUER';
/** Swarm and Kubernetes: a file with the stack's identity public keys (a JWKS), mounted as a config. */
export const IDENTITY_JWKS_VARIABLE = 'BRICKS_IDENTITY_JWKS';
/**
 * Swarm and Kubernetes: the file of this service's own identity signing key (a private JWK,
 * mounted as a secret only this service gets). Its SDK clients sign their short-lived tokens with it.
 */
export const IDENTITY_KEY_VARIABLE = 'BRICKS_IDENTITY_KEY';
/**
 * `x-bricks.auth` as JSON, when the service (or the stack) has one: the issuer and audience of user
 * tokens and the rules per method. The daemon, Swarm and Kubernetes; the SDK's server enforces it.
 */
export const AUTH_VARIABLE = 'BRICKS_AUTH';
/**
 * `x-bricks.gateway` as JSON, for a replica of bricks' gateway program only: the descriptor set
 * it serves (a path the replica can read), the services of it, and the edge policies. The daemon,
 * Swarm and Kubernetes; bricks' gateway program reads it (packages/bricks/src/gateway/program/).
 */
export const GATEWAY_VARIABLE = 'BRICKS_GATEWAY';

// OpenTelemetry's own variables, as its SDKs read them -----------------------------------------

/**
 * Where a replica exports its spans over OTLP/HTTP: the SDK posts them to `<this>/v1/traces`.
 * The daemon sets its own receiver unless the service's `environment` names another collector;
 * on Swarm and Kubernetes it is whatever the stack file sets (Jaeger, Tempo, a Collector).
 */
export const OTLP_ENDPOINT_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';
/** The full URL for spans only, which wins over OTLP_ENDPOINT_VARIABLE (OpenTelemetry's rule). */
export const OTLP_TRACES_ENDPOINT_VARIABLE = 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
/** `none` turns span export off even where an endpoint is set. */
export const TRACES_EXPORTER_VARIABLE = 'OTEL_TRACES_EXPORTER';

// Set by the daemon for an `x-bricks.group` replica only ----------------------------------

/** The member services this one process serves, `catalog,scores`. The SDK serves them all on one port. */
export const SERVICES_VARIABLE = 'BRICKS_SERVICES';
/** A JSON array of the members' entry modules. The group launcher imports each of them. */
export const GROUP_ENTRIES_VARIABLE = 'BRICKS_GROUP_ENTRIES';

// Read by the SDK, set by the user (or a test), never by the platform --------------------------

/** How long the SDK's server stays unready before it closes its port on SIGTERM, in ms. */
export const DRAIN_DELAY_MS_VARIABLE = 'BRICKS_DRAIN_DELAY_MS';
/** The SDK clients' wire protocol to remote endpoints: `fast` or `connect`. */
export const PROTOCOL_VARIABLE = 'BRICKS_PROTOCOL';
/** The SDK logger's level (pino's names). */
export const LOG_LEVEL_VARIABLE = 'LOG_LEVEL';

// Read by the bricks CLI and daemon, set by the user, never handed to a replica -----------------

/**
 * The key of the project's encrypted secret store (bricks.secrets.json), base64 of 32 bytes,
 * instead of the key file in the user's config folder (CI, a team's shared key). The daemon
 * removes it from every replica's environment.
 */
export const SECRETS_KEY_VARIABLE = 'BRICKS_SECRETS_KEY';

// The address of every service ----------------------------------------------------------------

/**
 * The variable that carries a service's stable address, `http://127.0.0.1:7101` locally and
 * `http://catalog:8080` on Swarm and Kubernetes: the name upper-cased, each character other
 * than a letter or digit made `_`, then `_URL`. `catalog` → `CATALOG_URL`,
 * `catalog-api` → `CATALOG_API_URL`. The daemon and the targets set one per service of the
 * stack; the SDK's clients read it.
 * @param {string} service
 * @returns {string}
 */
export function serviceUrlVariable(service) {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

/**
 * The variable that carries the connection URL of one more database on a backing service
 * (`x-bricks.backing.databases`): the service's name and the database's, upper-cased as above,
 * then `_URL`. `db` with `scores` → `DB_SCORES_URL`; `DB_URL` stays the first database's.
 * @param {string} service
 * @param {string} database
 * @returns {string}
 */
export function databaseUrlVariable(service, database) {
  return serviceUrlVariable(`${service}_${database}`);
}
