// Types of the generated validator (validate.js, ajv standalone code).

export interface SchemaError {
  /** JSON pointer into the validated data: `/services/a/ports/0`. */
  readonly instancePath: string;
  /** Where in the schema; relative to the compiled sub-schema. */
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

export interface Validate {
  (data: unknown): boolean;
  errors: readonly SchemaError[] | null;
}

export declare const validate: Validate;
export default validate;
export declare const schema: Readonly<Record<string, unknown>>;
