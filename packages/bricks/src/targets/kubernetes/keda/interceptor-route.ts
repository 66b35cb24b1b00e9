// The KEDA HTTP add-on's InterceptorRoute (http.keda.sh/v1beta1, add-on ≥ 0.14): which requests
// the add-on's interceptor holds for a service scaled to zero and where it forwards them. No
// kubernetes-models package has it, so it is checked against the schema kept beside it
// (interceptor-route.schema.json names its source and version).
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import schema from './interceptor-route.schema.json' with { type: 'json' };

interface ServiceRef {
  readonly service: string;
  readonly port?: number;
  readonly portName?: string;
}

export interface IInterceptorRoute {
  readonly apiVersion: 'http.keda.sh/v1beta1';
  readonly kind: 'InterceptorRoute';
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec: {
    readonly target: ServiceRef;
    readonly rules?: readonly { readonly hosts?: readonly string[]; readonly paths?: readonly { readonly value: string }[] }[];
    readonly scalingMetric: {
      readonly concurrency?: { readonly targetValue: number };
      readonly requestRate?: { readonly targetValue: number; readonly window?: string; readonly granularity?: string };
    };
    readonly timeouts?: { readonly readiness?: string; readonly request?: string; readonly responseHeader?: string };
  };
}

// Compiled once, on first use: `bricks manifests` is the only command that needs it. Strict, but
// for `required` inside oneOf/anyOf branches (the branches name properties declared beside them).
let compiled: ReturnType<Ajv['compile']> | null = null;

function describe(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

/** The same face as a kubernetes-models object: kind, metadata, validate(), toJSON(). */
export class InterceptorRoute {
  readonly apiVersion = 'http.keda.sh/v1beta1' as const;
  readonly kind = 'InterceptorRoute' as const;
  readonly metadata: IInterceptorRoute['metadata'];
  readonly spec: IInterceptorRoute['spec'];

  constructor(data: Omit<IInterceptorRoute, 'apiVersion' | 'kind'>) {
    this.metadata = data.metadata;
    this.spec = data.spec;
  }

  /** Throws an Error naming every field the schema refuses. */
  validate(): void {
    compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
    if (!compiled(this.toJSON())) throw new Error(describe(compiled.errors ?? []));
  }

  toJSON(): IInterceptorRoute {
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata, spec: this.spec };
  }
}
