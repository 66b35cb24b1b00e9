// A path variable's or query parameter's text as the value of one field, in the form
// @bufbuild/protobuf's reflection takes: numbers in range, 64-bit integers as bigint, enums by
// name (or number), bytes as base64, and the well-known types whose proto3 JSON form is a
// single string, number or bool (Timestamp, Duration, FieldMask, the wrappers) by that form.
import { ScalarType, fromJson } from '@bufbuild/protobuf';
import type { DescEnum, DescMessage, JsonValue } from '@bufbuild/protobuf';
import { base64Decode } from '@bufbuild/protobuf/wire';
import { isWrapperDesc } from '@bufbuild/protobuf/wkt';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { GatewayError } from './errors.ts';

const TEXT_MESSAGES = new Set(['google.protobuf.Timestamp', 'google.protobuf.Duration', 'google.protobuf.FieldMask']);

/** Whether a message field can take its value from one piece of text. */
export function takesText(message: DescMessage): boolean {
  return TEXT_MESSAGES.has(message.typeName) || isWrapperDesc(message);
}

/** The value of a scalar field; `what` names the parameter in the 400 that bad text gets. */
export function scalarFromText(type: ScalarType, text: string, what: string): unknown {
  const bad = (expected: string): GatewayError => new GatewayError('bad-request', `${what}: "${text}" is not ${expected}`);
  switch (type) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BOOL:
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw bad('a bool (true or false)');
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return integer(text, -(2 ** 31), 2 ** 31 - 1, () => bad('a 32-bit integer'));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return integer(text, 0, 2 ** 32 - 1, () => bad('an unsigned 32-bit integer'));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return bigInteger(text, -(2n ** 63n), 2n ** 63n - 1n, () => bad('a 64-bit integer'));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return bigInteger(text, 0n, 2n ** 64n - 1n, () => bad('an unsigned 64-bit integer'));
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
      const n = special[text] ?? (text.trim() === '' ? NaN : Number(text));
      if (Number.isNaN(n) && text !== 'NaN') throw bad('a number');
      if (type === ScalarType.FLOAT && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) throw bad('a float in range');
      return n;
    }
    case ScalarType.BYTES:
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw bad('base64');
      return base64Decode(text);
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** An enum value by its name, or by its number (proto3 enums are open). */
export function enumFromText(desc: DescEnum, text: string, what: string): number {
  const byName = desc.values.find((v) => v.name === text);
  if (byName !== undefined) return byName.number;
  if (/^-?\d+$/.test(text)) return integer(text, -(2 ** 31), 2 ** 31 - 1, () => badEnum(desc, text, what));
  throw badEnum(desc, text, what);
}

function badEnum(desc: DescEnum, text: string, what: string): GatewayError {
  return new GatewayError('bad-request', `${what}: "${text}" is not a value of ${desc.typeName} (${desc.values.map((v) => v.name).join(', ')})`);
}

/** A Timestamp, Duration, FieldMask or wrapper from its proto3 JSON text. */
export function messageFromText(desc: DescMessage, text: string, what: string): ReflectMessage {
  let json: JsonValue = text;
  if (isWrapperDesc(desc)) {
    // The wrappers' JSON is their scalar's: a BoolValue is a JSON bool, numbers may be strings.
    const inner = desc.fields[0].scalar;
    if (inner === ScalarType.BOOL) json = scalarFromText(inner, text, what) as boolean;
  }
  try {
    return reflect(desc, fromJson(desc, json));
  } catch (err) {
    throw new GatewayError('bad-request', `${what}: "${text}" is not a ${desc.typeName} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

function integer(text: string, min: number, max: number, bad: () => GatewayError): number {
  if (!/^-?\d+$/.test(text)) throw bad();
  const n = Number(text);
  if (n < min || n > max) throw bad();
  return n;
}

function bigInteger(text: string, min: bigint, max: bigint, bad: () => GatewayError): bigint {
  if (!/^-?\d+$/.test(text)) throw bad();
  const n = BigInt(text);
  if (n < min || n > max) throw bad();
  return n;
}
