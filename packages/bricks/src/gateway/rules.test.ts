// Reading rules: every binding of the test contract comes out (additional ones too), and a rule
// that cannot be served is refused at start with the proto file, the method and the rule named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { GatewayError } from './errors.ts';
import { LibraryService } from './gen/bricks/gateway/test/v1/library_pb.ts';
import { HttpRuleSchema } from './gen/google/api/http_pb.ts';
import { bindingsOf, routerOf, ruleFromOptions, type RuleSource } from './rules.ts';

const FILE = 'bricks/gateway/test/v1/library.proto';

test('the annotations of the test contract, additional bindings included', () => {
  const labels = bindingsOf(LibraryService).map((b) => `${b.method.name} ${b.label} body=${b.body.kind}${b.responseBody ? ` response_body=${b.responseBody.name}` : ''}`);
  assert.ok(labels.includes('GetBook GET /v1/{name=shelves/*/books/*} body=none'));
  assert.ok(labels.includes('GetBook GET /v1/books/{name} body=none'));
  assert.ok(labels.includes('CreateBook POST /v1/shelves/{shelf}/books body=field response_body=book'));
  assert.ok(labels.includes('Search SEARCH /v1/books body=none'));
  assert.ok(labels.includes('PutShelf PUT /v1/shelves/{shelf} body=whole'));
  assert.equal(labels.length, LibraryService.methods.length + 1);
  routerOf([LibraryService]);
});

/** The contract's own rules, with `method`'s replaced. */
function withRule(method: string, rule: MessageInitShape<typeof HttpRuleSchema>): RuleSource {
  return (m) => (m.name === method ? create(HttpRuleSchema, rule) : ruleFromOptions(m));
}

test('malformed rules name the file, the method and the rule', () => {
  const cases: [string, MessageInitShape<typeof HttpRuleSchema>, RegExp][] = [
    ['GetShelf', { pattern: { case: 'get', value: '/v1/shelves/{nope}' } }, /"GET \/v1\/shelves\/\{nope\}" binds "nope", which bricks.gateway.test.v1.GetShelfRequest does not have/],
    ['ListBooks', { pattern: { case: 'get', value: '/v1/x/{tags}' } }, /binds the repeated field "tags"/],
    ['ListBooks', { pattern: { case: 'get', value: '/v1/x/{filter}' } }, /binds the message field "filter"/],
    ['ListBooks', { pattern: { case: 'get', value: '/v1/x/{shelf.id}' } }, /"shelf" is not a message/],
    ['ListBooks', { pattern: { case: 'get', value: '/v1/x/{filter.nope}' } }, /binds "filter.nope", which bricks.gateway.test.v1.ListBooksRequest.Filter does not have/],
    ['CreateBook', { pattern: { case: 'post', value: '/v1/x' }, body: 'novel' }, /names the body field "novel", which bricks.gateway.test.v1.CreateBookRequest does not have/],
    ['CreateBook', { pattern: { case: 'post', value: '/v1/x' }, responseBody: 'novel' }, /response_body field "novel"/],
    ['GetShelf', { pattern: { case: 'get', value: '/v1/x' }, body: '*' }, /body on GET/],
    ['GetShelf', { pattern: { case: 'get', value: 'v1/x' } }, /bad path template: path template "v1\/x": it must start with "\/"/],
    ['GetShelf', {}, /has no verb and path/],
    ['GetShelf', { pattern: { case: 'custom', value: { kind: 'NO VERB', path: '/v1/x' } } }, /custom verb "NO VERB"/],
    ['GetShelf', { pattern: { case: 'get', value: '/v1/a' }, additionalBindings: [{ pattern: { case: 'get', value: '/v1/b' }, additionalBindings: [{ pattern: { case: 'get', value: '/v1/c' } }] }] }, /"GET \/v1\/b" is an additional binding with additional bindings/],
  ];
  for (const [method, rule, why] of cases) {
    assert.throws(
      () => routerOf([LibraryService], withRule(method, rule)),
      (e: unknown) => e instanceof GatewayError && e.code === 'rule-invalid' && e.message.startsWith(`${FILE}: bricks.gateway.test.v1.LibraryService.${method}: the rule "`) && why.test(e.message),
      `${method} ${why}`,
    );
  }
});

test('two rules on the same verb and template shape conflict, both named', () => {
  assert.throws(
    () => routerOf([LibraryService], withRule('DeleteBook', { pattern: { case: 'get', value: '/v1/{name=shelves/*/books/*}' } })),
    (e: unknown) =>
      e instanceof GatewayError &&
      e.code === 'rule-conflict' &&
      e.message ===
        `${FILE}: bricks.gateway.test.v1.LibraryService.DeleteBook: the rule "GET /v1/{name=shelves/*/books/*}" matches the same requests as "GET /v1/{name=shelves/*/books/*}" of ${FILE}: bricks.gateway.test.v1.LibraryService.GetBook; change one of the templates or verbs`,
  );
  // A different verb on the same template is fine.
  routerOf([LibraryService], withRule('DeleteBook', { pattern: { case: 'put', value: '/v1/{name=shelves/*/books/*}' } }));
});
