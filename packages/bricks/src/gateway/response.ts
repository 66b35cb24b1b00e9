// The RPC's answer as an HTTP response: JSON by the proto3 mapping (the whole message, or the
// field `response_body` names), a google.api.HttpBody as its raw bytes and content type, and
// a failure as the status of its code with a body in google.rpc.Status's JSON shape.
import { create, toJson, toJsonString } from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import type { DescMessage, JsonValue, Message } from '@bufbuild/protobuf';
import { BricksError, codeToGrpc, type ErrorCode } from '@bricks/sdk';
import { GatewayError } from './errors.ts';
import { HttpBodySchema, type HttpBody } from './gen/google/api/httpbody_pb.ts';
import type { Binding } from './rules.ts';
import { httpStatusOf } from './status.ts';

export interface HttpResponseParts {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array | string;
  /** Headers beyond Content-Type (a 405's Allow). */
  readonly headers?: Readonly<Record<string, string>>;
}

const JSON_TYPE = 'application/json';

export function transcodeResponse(binding: Binding, message: Message): HttpResponseParts {
  const output = binding.method.output;
  const field = binding.responseBody;
  if (field === null) return messageBody(output, message);
  const r = reflect(output, message);
  if (field.fieldKind === 'message') {
    const sub = r.isSet(field) ? r.get(field).message : create(field.message);
    return messageBody(field.message, sub);
  }
  // A scalar, enum, list or map field: its JSON as the message's JSON has it; when it is unset,
  // its default (from an empty message, so that defaults are not forced on nested messages).
  const json = toJson(output, message) as Record<string, JsonValue | undefined>;
  const value = json[field.jsonName] ?? (toJson(output, create(output), { alwaysEmitImplicit: true }) as Record<string, JsonValue | undefined>)[field.jsonName] ?? null;
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

function messageBody(desc: DescMessage, message: Message): HttpResponseParts {
  if (desc.typeName === HttpBodySchema.typeName) {
    const raw = message as HttpBody;
    return { status: 200, contentType: raw.contentType === '' ? 'application/octet-stream' : raw.contentType, body: raw.data };
  }
  return { status: 200, contentType: JSON_TYPE, body: toJsonString(desc, message) };
}

/** google.rpc.Status as JSON: `details` is empty until the SDK carries error details. */
export interface StatusJson {
  readonly code: number;
  readonly message: string;
  readonly details: readonly unknown[];
}

/** Any failure as the HTTP response a REST client gets: a request the gateway could not transcode is a 400. */
export function errorResponse(err: unknown): HttpResponseParts {
  const { code, message } = errorOf(err);
  return statusResponse(httpStatusOf(code), code, message);
}

/** A google.rpc.Status body with an HTTP status of its own (404 and 405 have no RPC behind them). */
export function statusResponse(status: number, code: ErrorCode, message: string, headers?: Readonly<Record<string, string>>): HttpResponseParts {
  const body: StatusJson = { code: codeToGrpc(code), message, details: [] };
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body), ...(headers === undefined ? {} : { headers }) };
}

function errorOf(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof GatewayError) {
    switch (err.code) {
      case 'bad-request':
        return { code: 'invalid_argument', message: err.message };
      case 'rule-invalid':
      case 'rule-conflict':
      case 'descriptors-invalid':
      case 'config-invalid':
      case 'failed':
        return { code: 'internal', message: err.message };
      default: {
        const never: never = err.code;
        return never;
      }
    }
  }
  const e = BricksError.from(err);
  return { code: e.code, message: e.rawMessage };
}
