// Reads the `google.api.http` rules of services from their descriptors and checks them against
// the request and response messages, so that a rule that cannot be served fails at start with
// the proto file, the method and the rule named, never at the first request.
import { getOption, hasOption } from '@bufbuild/protobuf';
import type { DescField, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';
import { GatewayError } from './errors.ts';
import { http } from './gen/google/api/annotations_pb.ts';
import type { HttpRule } from './gen/google/api/http_pb.ts';
import { Router } from './router.ts';
import { parseTemplate, type PathTemplate, type Variable } from './template.ts';

/** What the HTTP body carries. */
export type BodySelector =
  | { readonly kind: 'none' }
  /** `body: "*"`: every field the path does not bind. */
  | { readonly kind: 'whole' }
  /** `body: "field"`: one top-level field. */
  | { readonly kind: 'field'; readonly field: DescField };

export interface PathField {
  readonly variable: Variable;
  /** The fields from the request message down to the bound one. */
  readonly fields: readonly DescField[];
}

/** One HTTP binding of one method: its rule or one of the rule's additional bindings. */
export interface Binding {
  readonly method: DescMethod;
  readonly verb: string;
  readonly template: PathTemplate;
  readonly pathFields: readonly PathField[];
  readonly body: BodySelector;
  /** `response_body`: the response field sent as the body, or null for the whole response. */
  readonly responseBody: DescField | null;
  /** `GET /v1/...`, for messages. */
  readonly label: string;
  /** `file.proto: pkg.Service.Method`, for messages. */
  readonly where: string;
}

/** Where rules come from: the method option by default; tests hand in rules of their own. */
export type RuleSource = (method: DescMethod) => HttpRule | undefined;

export const ruleFromOptions: RuleSource = (method) => (hasOption(method, http) ? getOption(method, http) : undefined);

/** Every binding of every method of `service` that has a rule, checked. */
export function bindingsOf(service: DescService, ruleOf: RuleSource = ruleFromOptions): Binding[] {
  const out: Binding[] = [];
  for (const method of service.methods) {
    const rule = ruleOf(method);
    if (rule === undefined) continue;
    out.push(compile(method, rule, false));
    for (const extra of rule.additionalBindings) out.push(compile(method, extra, true));
  }
  return out;
}

/** A router over the bindings of all `services`; two bindings of one verb and shape are a conflict. */
export function routerOf(services: readonly DescService[], ruleOf: RuleSource = ruleFromOptions): Router<Binding> {
  const router = new Router<Binding>();
  for (const service of services) {
    for (const b of bindingsOf(service, ruleOf)) {
      const other = router.add(b.verb, b.template, b);
      if (other !== undefined) {
        throw new GatewayError('rule-conflict', `${b.where}: the rule "${b.label}" matches the same requests as "${other.label}" of ${other.where}; change one of the templates or verbs`);
      }
    }
  }
  return router;
}

function compile(method: DescMethod, rule: HttpRule, additional: boolean): Binding {
  const where = `${method.parent.file.name}.proto: ${method.parent.typeName}.${method.name}`;
  const pattern = patternOf(rule);
  const label = pattern === null ? '(no verb)' : `${pattern.verb} ${pattern.path}`;
  const fail = (why: string, cause?: unknown): GatewayError =>
    new GatewayError('rule-invalid', `${where}: the rule "${label}" ${why}`, cause === undefined ? undefined : { cause });
  if (pattern === null) throw fail('has no verb and path: set one of get, put, post, delete, patch or custom');
  if (pattern.verb === '' || !/^[A-Za-z]+$/.test(pattern.verb)) throw fail(`has the custom verb "${pattern.verb}"; an HTTP method is letters only`);
  if (additional && rule.additionalBindings.length > 0) throw fail('is an additional binding with additional bindings of its own; list them all on the method\'s rule');
  if (method.methodKind !== 'unary') throw fail(`is on a ${method.methodKind} method; the gateway transcodes unary methods only`);
  let template: PathTemplate;
  try {
    template = parseTemplate(pattern.path);
  } catch (err) {
    throw fail(`has a bad path template: ${GatewayError.from(err).message}`, err);
  }
  const input = method.input;
  const pathFields = template.variables.map((variable) => ({ variable, fields: pathFieldChain(input, variable, fail) }));
  let body: BodySelector;
  if (rule.body === '') body = { kind: 'none' };
  else if (rule.body === '*') body = { kind: 'whole' };
  else {
    const field = input.fields.find((f) => f.name === rule.body);
    if (field === undefined) throw fail(`names the body field "${rule.body}", which ${input.typeName} does not have`);
    body = { kind: 'field', field };
  }
  if (body.kind !== 'none' && pattern.verb === 'GET') throw fail('has a body on GET; GET requests carry none');
  let responseBody: DescField | null = null;
  if (rule.responseBody !== '') {
    const field = method.output.fields.find((f) => f.name === rule.responseBody);
    if (field === undefined) throw fail(`names the response_body field "${rule.responseBody}", which ${method.output.typeName} does not have`);
    responseBody = field;
  }
  return { method, verb: pattern.verb, template, pathFields, body, responseBody, label, where };
}

function patternOf(rule: HttpRule): { verb: string; path: string } | null {
  const p = rule.pattern;
  switch (p.case) {
    case 'get':
    case 'put':
    case 'post':
    case 'delete':
    case 'patch':
      return { verb: p.case.toUpperCase(), path: p.value };
    case 'custom':
      return { verb: p.value.kind.toUpperCase(), path: p.value.path };
    case undefined:
      return null;
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** The fields a path variable names, checked: singular messages on the way, a singular scalar or enum at the end. */
function pathFieldChain(input: DescMessage, variable: Variable, fail: (why: string) => GatewayError): DescField[] {
  const chain: DescField[] = [];
  let message: DescMessage = input;
  variable.fieldPath.forEach((name, i) => {
    const path = variable.fieldPath.slice(0, i + 1).join('.');
    const field = message.fields.find((f) => f.name === name);
    if (field === undefined) throw fail(`binds "${path}", which ${message.typeName} does not have`);
    chain.push(field);
    const last = i === variable.fieldPath.length - 1;
    if (field.fieldKind === 'list' || field.fieldKind === 'map') throw fail(`binds the ${field.fieldKind === 'list' ? 'repeated' : 'map'} field "${path}"; a path variable binds a singular field`);
    if (last && field.fieldKind === 'message') throw fail(`binds the message field "${path}"; a path variable binds a scalar or enum field (name one of its fields: ${path}.x)`);
    if (!last) {
      if (field.fieldKind !== 'message') throw fail(`binds "${variable.fieldPath.join('.')}", but "${path}" is not a message`);
      message = field.message;
    }
  });
  return chain;
}
